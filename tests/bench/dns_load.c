/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small DNS load tool for tests/bench/dns.sh: asks SERVER (IPv4, port
 * 53) for NAME (type A) over UDP for SECONDS, keeping WINDOW queries in
 * flight from one socket, and prints the answers received per second. A
 * query unanswered for 200 ms is counted lost and replaced, so a drop
 * cannot stall the run. Answers are matched by id and must have QR set.
 *
 *   bench-dns SERVER NAME SECONDS [WINDOW]
 */
#include <arpa/inet.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define WINDOW_MAX 1024

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t
make_query(uint8_t *buf, const char *name, uint16_t id)
{
	size_t n = 12;
	const char *p = name;

	memset(buf, 0, 12);
	buf[0] = (uint8_t)(id >> 8);
	buf[1] = (uint8_t)id;
	buf[2] = 0x01; /* RD */
	buf[5] = 1;
	while (*p != '\0') {
		size_t l = strcspn(p, ".");

		buf[n++] = (uint8_t)l;
		memcpy(buf + n, p, l);
		n += l;
		p += l + (p[l] == '.');
	}
	buf[n++] = 0;
	buf[n++] = 0;
	buf[n++] = 1; /* A */
	buf[n++] = 0;
	buf[n++] = 1; /* IN */
	return n;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(53)};
	double sent_at[65536] = {0}, start, end;
	uint8_t q[300], buf[4096];
	unsigned long answered = 0, lost = 0;
	long window = argc > 4 ? strtol(argv[4], NULL, 10) : 32;
	uint16_t next = 1;
	int fd, in_flight = 0;

	if (argc < 4 || inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1 || strlen(argv[2]) > 250 ||
	    window < 1 || window > WINDOW_MAX) {
		fprintf(stderr, "usage: bench-dns SERVER NAME SECONDS [WINDOW]\n");
		return 2;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("bench-dns: socket");
		return 1;
	}
	start = now_s();
	end = start + strtod(argv[3], NULL);
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		double t = now_s();

		if (t >= end)
			break;
		while (in_flight < window) {
			size_t n = make_query(q, argv[2], next);

			if (send(fd, q, n, 0) < 0)
				break;
			sent_at[next] = t;
			next = (uint16_t)(next == 65535 ? 1 : next + 1);
			in_flight++;
		}
		if (poll(&p, 1, 200) <= 0) {
			lost += (unsigned long)in_flight; /* all of them: start again */
			memset(sent_at, 0, sizeof(sent_at));
			in_flight = 0;
			continue;
		}
		for (;;) {
			ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
			uint16_t id;

			if (n < 0)
				break;
			if (n < 12 || (buf[2] & 0x80) == 0)
				continue;
			id = (uint16_t)(buf[0] << 8 | buf[1]);
			if (sent_at[id] == 0)
				continue;
			sent_at[id] = 0;
			in_flight--;
			answered++;
		}
	}
	printf("%.0f %lu\n", (double)answered / (now_s() - start), lost);
	close(fd);
	return 0;
}
