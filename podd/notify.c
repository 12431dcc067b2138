/* SPDX-License-Identifier: Apache-2.0 */
/* sd_notify's datagrams; see notify.h. */
#include "notify.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "cleanup.h"
#include "log.h"
#include "xalloc.h"

char *
notify_take_socket(void)
{
	const char *v = getenv("NOTIFY_SOCKET");
	char *path = NULL;

	if (v == NULL)
		return NULL;
	if ((v[0] == '/' || v[0] == '@') && v[1] != '\0' &&
	    strlen(v) < sizeof(((struct sockaddr_un *)NULL)->sun_path))
		path = xstrdup(v);
	else
		log_warn("NOTIFY_SOCKET \"%.120s\" is not a socket path or @name: not used", v);
	unsetenv("NOTIFY_SOCKET");
	return path;
}

void
notify_send(const char *socket_path, const char *state)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	cleanup_close int fd = -1;
	socklen_t addrlen;
	size_t len;

	if (socket_path == NULL)
		return;
	len = strlen(socket_path);
	memcpy(sa.sun_path, socket_path, len);
	/* "@NAME": an abstract address, NUL first and not NUL-terminated */
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0';
	addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
			      (socket_path[0] == '@' ? 0 : 1));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || sendto(fd, state, strlen(state), MSG_DONTWAIT | MSG_NOSIGNAL,
			     (struct sockaddr *)&sa, addrlen) < 0)
		log_warn("cannot tell the service manager %s at %s: %s", state, socket_path,
			 strerror(errno));
	else
		log_debug("told the service manager %s", state);
}
