// SPDX-License-Identifier: GPL-2.0
/*
 * Find the processes that hold /dev/kmemlab* open: scan /proc/PID/fd.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuser.h"
#include "sysfs.h"

#define NODE_PREFIX	"/dev/kmemlab"

static bool is_node(const char *target)
{
	size_t len = strlen(NODE_PREFIX);

	return !strncmp(target, NODE_PREFIX, len) && isdigit((unsigned char)target[len]);
}

/* 1: @pid has @node (NULL: any) open, 0: not, -errno: its fds cannot be read. */
static int holds_node(const char *pid, const char *node)
{
	char dir[PATH_MAX], link[PATH_MAX + 256], target[PATH_MAX];
	struct dirent *de;
	int found = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%s/fd", pid);
	d = opendir(dir);
	if (!d)
		return -errno;
	while (!found && (de = readdir(d))) {
		ssize_t n;

		if (de->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", dir, de->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		found = node ? !strcmp(target, node) : is_node(target);
	}
	closedir(d);
	return found;
}

static int add_user(const char *pid, struct fuser **users, size_t *count)
{
	struct fuser *grown = realloc(*users, (*count + 1) * sizeof(**users));
	struct fuser *u;
	char path[PATH_MAX];

	if (!grown)
		return -ENOMEM;
	*users = grown;
	u = &grown[(*count)++];
	u->pid = (pid_t)strtol(pid, NULL, 10);
	snprintf(path, sizeof(path), "/proc/%s/comm", pid);
	if (sysfs_read(path, u->comm, sizeof(u->comm)))
		snprintf(u->comm, sizeof(u->comm), "?");
	return 0;
}

/* Look at one /proc entry. */
static int scan_one(const char *name, const char *node, struct fuser **users,
		    size_t *count, size_t *hidden)
{
	int r;

	if (!isdigit((unsigned char)name[0]))
		return 0;
	r = holds_node(name, node);
	if (r == -EACCES || r == -EPERM)
		(*hidden)++;
	if (r <= 0)
		return 0;	/* gone, unreadable or not a user */
	return add_user(name, users, count);
}

int fuser_scan(const char *node, struct fuser **users, size_t *count,
	       size_t *hidden)
{
	DIR *proc = opendir("/proc");
	struct dirent *de;
	int err = 0;

	*users = NULL;
	*count = 0;
	*hidden = 0;
	if (!proc)
		return -errno;
	while (!err && (de = readdir(proc)))
		err = scan_one(de->d_name, node, users, count, hidden);
	closedir(proc);
	if (err) {
		free(*users);
		*users = NULL;
		*count = 0;
	}
	return err;
}

void fuser_format(const struct fuser *u, char *buf, size_t len)
{
	snprintf(buf, len, "%ld (%s)", (long)u->pid, u->comm);
}
