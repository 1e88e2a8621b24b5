/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the test tools (stress, fuzz, walk, abi-probe) share: deterministic
 * random numbers, the clock, errno names, sysfs files, and the driver's own
 * description of what it accepts (DESCRIBE), which they iterate over rather
 * than keep lists of their own.
 */
#ifndef KMEMLAB_TESTLIB_H
#define KMEMLAB_TESTLIB_H

#include <stdint.h>

#include <linux/kmemlab.h>

/* xorshift64*: deterministic per seed, per process. */
void tl_seed(uint64_t seed);
uint64_t tl_rnd(void);
uint64_t tl_rnd_below(uint64_t n);
/* Log-uniform in [lo, hi], lo >= 1. */
uint64_t tl_rnd_log(uint64_t lo, uint64_t hi);

/* CLOCK_MONOTONIC in seconds. */
double tl_now(void);
/* "EINVAL" for EINVAL, "OK" for 0 (glibc's strerrorname_np). */
const char *tl_errname(int err);

/* Write @s to the sysfs file @path: 0 or an errno. */
int tl_write_str(const char *path, const char *s);
/* Read the number in @path: 0, or -1. */
int tl_read_u64(const char *path, uint64_t *v);

/*
 * The driver's description, read from @fd: *@recs (free() it) of *@n
 * records. Returns 0 or an errno.
 */
int tl_describe(int fd, struct kmemlab_desc **recs, unsigned int *n);
/*
 * Open device @device's node read-write: /dev/kmemlabM, M its class
 * device's number in sysfs (not @device when the device was bound again
 * while a file held its old node), /dev/kmemlab@device when sysfs names
 * none. The fd, or -1 with errno; *@node (may be NULL): M.
 */
int tl_open_node(unsigned int device, unsigned int *node);

#endif /* KMEMLAB_TESTLIB_H */
