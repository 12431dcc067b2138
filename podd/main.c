/* SPDX-License-Identifier: Apache-2.0 */
/*
 * podd: parse flags, take the state dirs, adopt what is running, serve the
 * API until SIGTERM, then let go of everything but the pods.
 *
 * Exit codes: 0 after a clean stop, 1 when podd cannot start (the message
 * says why), 2 for a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>

#include "api.h"
#include "cgroup.h"
#include "cleanup.h"
#include "dns.h" /* issue 14 */
#include "file.h"
#include "http.h"
#include "log.h"
#include "parse.h"
#include "container.h"
#include "volume.h"
#include "ctr_logs.h"
#include "events.h"
#include "stats.h"
#include "pod.h"
#include "pod_seq.h"
#include "probe.h"
#include "podd.h"
#include "registry.h"
#include "shim.h"
#include "xalloc.h"
#include "notify.h"     /* issue 16 */
#include "sock_group.h" /* issue 16 */
#include "options.h"    /* issue 16 */
#include "sys_df.h"     /* issue 16 */
#include "firewall.h"   /* issue 14 */
#include "api/dk.h"     /* issue 15 */

struct flags {
	const char *root, *run_dir, *socket, *docker_socket, *netns_dir, *netns_prefix, *log_file,
	    *cni_path;
};

/* A numeric flag's value in [@min, @max], or -1 after saying why. */
static int
flag_uint(const char *name, const char *v, long long min, long long max, unsigned *out)
{
	struct pd_err err = {0};
	long long n;

	if (pd_parse_int(v, min, max, &n, &err) < 0) {
		fprintf(stderr, "podd: --%s: %s\n", name, err.msg);
		return -1;
	}
	*out = (unsigned)n;
	return 0;
}

/* Returns 0 to go on, 1 to exit 0 (help, version), -1 for a usage error. */
static int
parse_flags(int argc, char **argv, struct flags *f, struct podd_config *cfg)
{
	int c;

	f->root = PD_DEFAULT_ROOT;
	f->run_dir = PD_DEFAULT_RUN_DIR;
	f->netns_dir = PD_NETNS_DIR;
	f->netns_prefix = PD_DEFAULT_NETNS_PREFIX;
	cfg->log_level = PD_LOG_INFO;
	cfg->http.idle_timeout_s = IDLE_TIMEOUT_DEFAULT_S;
	cfg->http.read_timeout_s = READ_TIMEOUT_DEFAULT_S;
	cfg->restart_backoff = restart_backoff_default();
	while ((c = getopt_long(argc, argv, "h", podd_long_opts(), NULL)) != -1) {
		switch (c) {
		case OPT_ROOT:
			f->root = optarg;
			break;
		case OPT_RUN_DIR:
			f->run_dir = optarg;
			break;
		case OPT_SOCKET:
			f->socket = optarg;
			break;
		case OPT_DOCKER_SOCKET:
			f->docker_socket = optarg;
			break;
		case OPT_NETNS_DIR:
			f->netns_dir = optarg;
			break;
		case OPT_NETNS_PREFIX:
			f->netns_prefix = optarg;
			break;
		case OPT_LOG_FILE:
			f->log_file = optarg;
			break;
		case OPT_CNI_PATH:
			f->cni_path = optarg;
			break;
		case OPT_IDLE_TIMEOUT:
			if (flag_uint("idle-timeout", optarg, 1, TIMEOUT_MAX_S,
				      &cfg->http.idle_timeout_s) < 0)
				return -1;
			break;
		case OPT_READ_TIMEOUT:
			if (flag_uint("read-timeout", optarg, 1, TIMEOUT_MAX_S,
				      &cfg->http.read_timeout_s) < 0)
				return -1;
			break;
		case OPT_MAX_CLIENTS:
			if (flag_uint("max-clients", optarg, 1, 1000000, &cfg->http.max_clients) <
			    0)
				return -1;
			break;
		case OPT_FOREGROUND:
			cfg->foreground = true;
			break;
		case OPT_RESTART_BACKOFF: {
			struct pd_err err = {0};

			if (restart_backoff_parse(optarg, &cfg->restart_backoff, &err) < 0) {
				fprintf(stderr, "podd: --restart-backoff: %s\n", err.msg);
				return -1;
			}
			break;
		}
		case OPT_CGROUP_PARENT:
			free(cfg->cgroup_parent);
			cfg->cgroup_parent = xstrdup(optarg);
			break;
		case OPT_CGROUP_LAYOUT: {
			enum cg_layout l;

			if (cgroup_layout_parse(optarg, &l) < 0) {
				fprintf(stderr,
					"podd: --cgroup-layout \"%s\": use auto, v1, hybrid, v2 or "
					"none\n",
					optarg);
				return -1;
			}
			cfg->cgroup_layout = (int)l;
			break;
		}
		case OPT_SUBID_FILE:
			free(cfg->subid_file);
			cfg->subid_file = xstrdup(optarg);
			break;
		case OPT_USERNS_LAYERS:
			if (strcmp(optarg, "idmap") != 0 && strcmp(optarg, "copy") != 0) {
				fprintf(stderr, "podd: --userns-layers: use idmap or copy\n");
				return -1;
			}
			cfg->userns_copy = strcmp(optarg, "copy") == 0;
			break;
		case OPT_RESOLV_CONF: /* issue 14, dns */
			free(cfg->resolv_conf);
			cfg->resolv_conf = xstrdup(optarg);
			break;
		case OPT_IPV6: /* issue 14, netplug */
			cfg->ipv6 = true;
			break;
		case OPT_GROUP: /* issue 16 */
			if (optarg[0] == '\0') {
				fprintf(stderr, "podd: --group needs a group name\n");
				return -1;
			}
			free(cfg->group);
			cfg->group = xstrdup(optarg);
			break;
		case OPT_CERTS_DIR:
			free(cfg->certs_dir);
			cfg->certs_dir = xstrdup(optarg);
			break;
		case OPT_LOG_LEVEL:
			if (pd_log_level_parse(optarg, &cfg->log_level) < 0) {
				fprintf(stderr,
					"podd: unknown log level \"%s\" (use error, warn, info or "
					"debug)\n",
					optarg);
				return -1;
			}
			break;
		case OPT_VERSION:
			printf("podd %s (API %s)\n", PD_VERSION, PD_API_VERSION);
			return 1;
		case 'h':
		case OPT_HELP:
			podd_usage(stdout);
			return 1;
		case OPT_MAN: /* issue 16 */
			podd_man(stdout);
			return 1;
		default:
			podd_usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "podd: unexpected argument \"%s\"\n", argv[optind]);
		return -1;
	}
	/* The prefix becomes part of a file name: hold it to the name rules. */
	if (f->netns_prefix[0] != '\0' && strchr(f->netns_prefix, '/') != NULL) {
		fprintf(stderr, "podd: --netns-prefix must not contain '/'\n");
		return -1;
	}
	return 0;
}

/* Raise the soft open-file limit to the hard one: every client, followed
 * log and relayed port connection is a descriptor, and 1024 is soon
 * reached. Children inherit the raised limit, as containers under docker
 * get dockerd's: a per-container --ulimit is the way to lower it. Then
 * cap the clients at half the limit, leaving the rest to containers and
 * ports, unless --max-clients says otherwise. */
static void
raise_nofile(struct podd_config *cfg)
{
	struct rlimit rl;
	rlim_t half;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		rl.rlim_cur = rl.rlim_max = 1024;
	if (rl.rlim_cur < rl.rlim_max) {
		rlim_t old = rl.rlim_cur;

		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			rl.rlim_cur = old;
	}
	if (cfg->http.max_clients != 0)
		return;
	half = rl.rlim_cur / 2;
	cfg->http.max_clients =
	    half > MAX_CLIENTS_DEFAULT ? MAX_CLIENTS_DEFAULT : (half < 8 ? 8 : (unsigned)half);
}

/* Make @path, then store its absolute form in *out. */
static int
make_dir(const char *path, mode_t mode, char **out, struct pd_err *err)
{
	char abs[PATH_MAX];

	if (pd_mkdir_p(path, mode, err) < 0)
		return -1;
	if (realpath(path, abs) == NULL)
		return pd_fail_errno(err, errno, "resolve %s", path);
	*out = xstrdup(abs);
	return 0;
}

/* podd-pause, podd-shim and netplug are installed beside podd. */
static int
find_helpers(struct podd_config *cfg, const char *cni_path, struct pd_err *err)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char *dir;

	if (n < 0)
		return pd_fail_errno(err, errno, "readlink /proc/self/exe");
	exe[n] = '\0';
	dir = dirname(exe);
	cfg->pause_path = xasprintf("%s/podd-pause", dir);
	cfg->shim_path = xasprintf("%s/" PD_SHIM_BINARY, dir);
	cfg->archive_path = xasprintf("%s/podd-archive", dir);
	/* netplug is built and installed beside podd. */
	cfg->cni_path =
	    cni_path != NULL ? xstrdup(cni_path) : xasprintf("%s:/usr/lib/cni:/opt/cni/bin", dir);
	if (access(cfg->pause_path, X_OK) < 0)
		return pd_fail_errno(err, errno, "%s", cfg->pause_path);
	/* Pods work without the shim; containers say what is missing. */
	if (access(cfg->shim_path, X_OK) < 0)
		log_warn("%s: %s; containers cannot start", cfg->shim_path, strerror(errno));
	if (access(cfg->archive_path, X_OK) < 0)
		log_warn("%s: %s; images cannot be loaded, saved or imported", cfg->archive_path,
			 strerror(errno));
	return 0;
}

/* Take the state dirs: mkdir, lock, open the pods dirs. */
static int
open_state(struct podd *d, const struct flags *f, struct pd_err *err)
{
	if (make_dir(f->root, 0700, &d->cfg.root, err) < 0 ||
	    make_dir(f->run_dir, 0711, &d->cfg.run_dir, err) < 0)
		return -1;
	d->root_fd = pd_dir_open(d->cfg.root, err);
	if (d->root_fd < 0 || pd_dir_lock(d->root_fd, d->cfg.root, err) < 0)
		return -1;
	d->run_fd = pd_dir_open(d->cfg.run_dir, err);
	if (d->run_fd < 0 || pd_dir_lock(d->run_fd, d->cfg.run_dir, err) < 0)
		return -1;
	if ((mkdirat(d->root_fd, "pods", 0700) < 0 && errno != EEXIST) ||
	    (mkdirat(d->run_fd, "pods", 0700) < 0 && errno != EEXIST) ||
	    (mkdirat(d->root_fd, "images", 0700) < 0 && errno != EEXIST) ||
	    (mkdirat(d->root_fd, "containers", 0700) < 0 && errno != EEXIST) ||
	    (mkdirat(d->run_fd, "containers", 0700) < 0 && errno != EEXIST))
		return pd_fail_errno(err, errno, "mkdir pods, images and containers");
	d->pods_fd = openat(d->root_fd, "pods", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d->run_pods_fd = openat(d->run_fd, "pods", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d->images_fd = openat(d->root_fd, "images", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d->ctrs_fd = openat(d->root_fd, "containers", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d->run_ctrs_fd = openat(d->run_fd, "containers", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->pods_fd < 0 || d->run_pods_fd < 0 || d->images_fd < 0 || d->ctrs_fd < 0 ||
	    d->run_ctrs_fd < 0)
		return pd_fail_errno(err, errno, "open pods, images and containers");
	/* issue 16: the way to the attach sockets, for podd's group */
	if (sock_group_dir(d, d->run_fd, "containers", err) < 0)
		return -1;
	d->cfg.socket_path =
	    f->socket ? xstrdup(f->socket) : xasprintf("%s/%s", d->cfg.run_dir, PD_SOCKET_NAME);
	if (f->docker_socket == NULL)
		d->cfg.docker_socket = xasprintf("%s/%s", d->cfg.run_dir, DK_SOCKET_NAME);
	else if (strcmp(f->docker_socket, "none") != 0)
		d->cfg.docker_socket = xstrdup(f->docker_socket);
	d->cfg.netns_dir = xstrdup(f->netns_dir);
	d->cfg.netns_prefix = xstrdup(f->netns_prefix);
	return 0;
}

/* Go to the background. The parent exits once the child says it serves the
 * API, so `podd && podctl ...` works. Returns the fd to report readiness on,
 * or -1 (and never returns in the parent). */
static int
daemonize(const struct podd *d, const char *log_file, struct pd_err *err)
{
	cleanup_free char *path =
	    log_file ? xstrdup(log_file) : xasprintf("%s/podd.log", d->cfg.run_dir);
	int p[2], logfd, nullfd;
	pid_t pid;
	char c;

	logfd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (logfd < 0)
		return pd_fail_errno(err, errno, "open log %s", path);
	if (pipe2(p, O_CLOEXEC) < 0) {
		close(logfd);
		return pd_fail_errno(err, errno, "pipe");
	}
	pid = fork();
	if (pid < 0) {
		close(logfd);
		return pd_fail_errno(err, errno, "fork");
	}
	if (pid > 0) {
		close(p[1]);
		/* One byte: ready. EOF: the child failed and logged why. */
		_exit(read(p[0], &c, 1) == 1 ? 0 : 1);
	}
	close(p[0]);
	setsid();
	nullfd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (nullfd >= 0) {
		dup2(nullfd, STDIN_FILENO);
		dup2(nullfd, STDOUT_FILENO);
		close(nullfd);
	}
	/* Until the child is ready its errors still reach the terminal. */
	fprintf(stderr, "podd: logging to %s\n", path);
	dup2(logfd, STDERR_FILENO);
	close(logfd);
	return p[1];
}

/*
 * The answers queued while the pending requests are freed sit in their
 * connections' buffers: a few turns of the loop write them before
 * evhttp_free closes the connections, or a client waiting on a container
 * gets a reply cut off mid-stream. Bounded, never blocking: a client that
 * does not read is not waited for.
 */
static void
flush_replies(struct podd *d)
{
	for (int i = 0; i < 3; i++)
		event_base_loop(d->base, EVLOOP_NONBLOCK);
}

static void
podd_teardown(struct podd *d)
{
	/* Requests still pending are answered ("podd is shutting down") while
	 * their connections live: evhttp_free frees the requests it holds. */
	task_free_all(d); /* before the images their callbacks point to */
	ctr_copy_free_all(d);
	sys_df_free_all(d);
	container_free_all(d);
	probe_loop_free(d); /* probes branch: after the containers' probes */
	ctr_logs_teardown(d);
	events_teardown(d); /* issue 12, podspec */
	stats_teardown(d);  /* issue 13, observe */
	image_free_all(d);
	/* After the images, whose commits end the pulls that wait on them;
	 * before the HTTP server, so the other pulls answer their clients. */
	registry_free_all(d);
	pod_free_all(d);
	fw_free(d);         /* issue 14: the table stays for the next podd */
	cgroup_teardown(d); /* issue 13: after the pods and containers */
	network_free_all(d);
	cni_free_all(d); /* after the pods and networks, which hold some */
	dns_free_all(d); /* issue 14, dns */
	if (d->base != NULL)
		flush_replies(d);
	dk_server_stop(d); /* issue 15 */
	http_stop(d);
	loop_teardown(d);
	if (d->base != NULL)
		event_base_free(d->base);
	close_reset(&d->pods_fd);
	close_reset(&d->run_pods_fd);
	close_reset(&d->images_fd);
	close_reset(&d->blobs_fd);
	close_reset(&d->layers_fd);
	close_reset(&d->ctrs_fd);
	close_reset(&d->run_ctrs_fd);
	close_reset(&d->root_fd);
	close_reset(&d->run_fd);
	free(d->cfg.root);
	free(d->cfg.run_dir);
	free(d->cfg.socket_path);
	free(d->cfg.docker_socket);
	free(d->cfg.netns_dir);
	free(d->cfg.netns_prefix);
	free(d->cfg.pause_path);
	free(d->cfg.shim_path);
	free(d->cfg.archive_path);
	free(d->cfg.cni_path);
	free(d->cfg.certs_dir);
	free(d->cfg.cgroup_parent);
	free(d->cfg.subid_file);
	free(d->cfg.resolv_conf); /* issue 14, dns */
	free(d->cfg.group);       /* issue 16 */
	free(d->cfg.notify_socket);
}

int
main(int argc, char **argv)
{
	struct podd d = {.root_fd = -1,
			 .run_fd = -1,
			 .pods_fd = -1,
			 .run_pods_fd = -1,
			 .images_fd = -1,
			 .blobs_fd = -1,
			 .layers_fd = -1,
			 .ctrs_fd = -1,
			 .run_ctrs_fd = -1,
			 .inotify_fd = -1};
	struct pd_err err = {0};
	struct flags f = {0};
	int ready_fd = -1;
	int r;

	pd_log_init("podd");
	TAILQ_INIT(&d.pods);
	TAILQ_INIT(&d.images);
	TAILQ_INIT(&d.unpacks);
	TAILQ_INIT(&d.commits);
	TAILQ_INIT(&d.image_ops);
	TAILQ_INIT(&d.copies);
	TAILQ_INIT(&d.dfs);
	TAILQ_INIT(&d.containers);
	TAILQ_INIT(&d.log_draining);
	TAILQ_INIT(&d.tasks);
	TAILQ_INIT(&d.cni_ops);
	TAILQ_INIT(&d.networks);
	r = parse_flags(argc, argv, &f, &d.cfg);
	if (r != 0)
		return r > 0 ? 0 : 2;
	pd_log_level = d.cfg.log_level;
	if (geteuid() != 0) {
		fprintf(stderr, "podd: must run as root (it creates namespaces and mounts)\n");
		return 1;
	}
	raise_nofile(&d.cfg);
	/* issue 16: the group of the sockets, and the service manager's */
	d.cfg.group_gid = sock_group_gid(d.cfg.group != NULL ? d.cfg.group : PD_SOCKET_GROUP,
					 d.cfg.group != NULL);
	if (d.cfg.group == NULL)
		d.cfg.group = xstrdup(PD_SOCKET_GROUP);
	d.cfg.notify_socket = notify_take_socket();
	if (open_state(&d, &f, &err) < 0 || find_helpers(&d.cfg, f.cni_path, &err) < 0 ||
	    pod_userns_load_pools(&d, &err) < 0)
		goto fail;
	if (!d.cfg.foreground && (ready_fd = daemonize(&d, f.log_file, &err)) < 0)
		goto fail;
	d.base = event_base_new();
	if (d.base == NULL) {
		pd_fail(&err, PD_E_SYSTEM, "event_base_new failed");
		goto fail;
	}
	if (loop_setup(&d) < 0) {
		pd_fail(&err, PD_E_SYSTEM, "cannot set up signal events");
		goto fail;
	}
	if (cgroup_setup(&d, (enum cg_layout)d.cfg.cgroup_layout, d.cfg.cgroup_parent, &err) < 0)
		goto fail;
	if (network_load_all(&d, &err) < 0 || pod_load_all(&d, &err) < 0 ||
	    image_load_all(&d, &err) < 0 || container_load_all(&d, &err) < 0 ||
	    volume_load_all(&d, &err) < 0 || http_start(&d, &err) < 0 ||
	    dk_server_start(&d, &err) < 0)
		goto fail;
	network_gc_all(&d, pod_net_gc_done);
	pod_cgroup_gc(&d);      /* issue 13 */
	pod_seq_resume_all(&d); /* issue 12, podlife: deadlines, sequences */
	dns_sync(&d);           /* issue 14: the adopted pods' networks */
	/* issue 14, firewall: the table of the pods adopted replaces what an
	 * earlier podd left */
	if (fw_sync(&d, &err) < 0)
		log_warn("%s", err.msg);
	log_info("podd %s serving %s (root %s, run dir %s)", PD_VERSION, d.cfg.socket_path,
		 d.cfg.root, d.cfg.run_dir);
	if (ready_fd >= 0) {
		if (write(ready_fd, "R", 1) < 0)
			log_warn("cannot tell the parent podd is ready");
		close_reset(&ready_fd);
	}
	notify_send(d.cfg.notify_socket, "READY=1"); /* issue 16 */
	event_base_dispatch(d.base);
	notify_send(d.cfg.notify_socket, "STOPPING=1");
	podd_teardown(&d);
	log_info("podd stopped");
	return 0;
fail:
	log_error("%s", err.msg);
	close_reset(&ready_fd);
	podd_teardown(&d);
	return 1;
}
