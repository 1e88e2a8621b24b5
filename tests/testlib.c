// SPDX-License-Identifier: GPL-2.0
/*
 * The test tools' shared helpers (see testlib.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "testlib.h"

static uint64_t rng_state;

void tl_seed(uint64_t seed)
{
	rng_state = seed;
}

uint64_t tl_rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

uint64_t tl_rnd_below(uint64_t n)
{
	return n ? tl_rnd() % n : 0;
}

uint64_t tl_rnd_log(uint64_t lo, uint64_t hi)
{
	unsigned int bits_lo = 63 - __builtin_clzll(lo);
	unsigned int bits_hi = 63 - __builtin_clzll(hi);
	unsigned int b = bits_lo + tl_rnd_below(bits_hi - bits_lo + 1);
	uint64_t v = (1ULL << b) + tl_rnd_below(1ULL << b);

	return v < lo ? lo : v > hi ? hi : v;
}

double tl_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

const char *tl_errname(int err)
{
	const char *s = err ? strerrorname_np(err) : "OK";

	return s ? s : "E?";
}

int tl_write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return errno;
	if (write(fd, s, strlen(s)) < 0)
		err = errno;
	close(fd);
	return err;
}

int tl_read_u64(const char *path, uint64_t *v)
{
	char buf[64];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	*v = strtoull(buf, NULL, 10);
	return 0;
}

int tl_describe(int fd, struct kmemlab_desc **recs, unsigned int *n)
{
	struct kmemlab_describe d = { 0 };
	struct kmemlab_desc *r;

	if (ioctl(fd, KMEMLAB_IOC_DESCRIBE, &d))
		return errno;
	r = calloc(d.needed ? d.needed : 1, sizeof(*r));
	if (!r)
		return ENOMEM;
	d.records = (uintptr_t)r;
	d.capacity = d.needed;
	if (ioctl(fd, KMEMLAB_IOC_DESCRIBE, &d)) {
		int err = errno;

		free(r);
		return err;
	}
	*recs = r;
	*n = d.returned;
	return 0;
}

int tl_open_node(unsigned int device, unsigned int *node)
{
	char path[96];
	unsigned int m = device;
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/bus/platform/devices/kmemlab.%u/kmemlab", device);
	d = opendir(path);
	while (d && (de = readdir(d)))
		if (sscanf(de->d_name, "kmemlab%u", &m) == 1)
			break;
	if (d)
		closedir(d);
	if (node)
		*node = m;
	snprintf(path, sizeof(path), "/dev/kmemlab%u", m);
	return open(path, O_RDWR | O_CLOEXEC);
}
