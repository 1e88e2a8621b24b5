/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which processes hold a /dev/kmemlab* node open (like fuser).
 */
#ifndef KMEMLAB_FUSER_H
#define KMEMLAB_FUSER_H

#include <stddef.h>
#include <sys/types.h>

struct fuser {
	pid_t pid;
	char comm[32];
};

/*
 * The processes with @node (NULL: any /dev/kmemlab* node) open, in a
 * malloc()ed array. Processes whose /proc/PID/fd cannot be read (other
 * users', as non-root) are not seen; *hidden counts them.
 */
int fuser_scan(const char *node, struct fuser **users, size_t *count,
	       size_t *hidden);
/* "1234 (python3)" */
void fuser_format(const struct fuser *u, char *buf, size_t len);

#endif /* KMEMLAB_FUSER_H */
