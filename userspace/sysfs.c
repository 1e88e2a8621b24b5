// SPDX-License-Identifier: GPL-2.0
/*
 * Reading and writing sysfs attributes of the module, driver and devices.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ioctl.h"
#include "parse.h"
#include "sysfs.h"

int sysfs_read(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	int err = 0;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		err = -errno;
	close(fd);
	if (err)
		return err;
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return 0;
}

int sysfs_read_u64(const char *path, uint64_t *v)
{
	char buf[64];
	int err = sysfs_read(path, buf, sizeof(buf));

	return err ? err : parse_u64(buf, v);
}

int sysfs_write(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(s);
	ssize_t n;
	int err = 0;

	if (fd < 0)
		return -errno;
	n = write(fd, s, len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

bool path_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

bool module_present(void)
{
	return path_exists(SYS_MODULE_DIR);
}

void device_path(unsigned int id, const char *attr, char *buf, size_t len)
{
	snprintf(buf, len, SYS_DEVICES_DIR "/" DEVICE_NAME_FMT "%s%s", id,
		 attr ? "/" : "", attr ? attr : "");
}

bool device_exists(unsigned int id)
{
	char name[32];

	snprintf(name, sizeof(name), DEVICE_NAME_FMT, id);
	return pdev_exists(name);
}

bool device_bound(unsigned int id)
{
	char name[32];

	snprintf(name, sizeof(name), DEVICE_NAME_FMT, id);
	return pdev_bound(name);
}

/* The last component of link @path, in @buf; false when it is no link. */
static bool link_base(const char *path, char *buf, size_t len)
{
	char target[PATH_MAX];
	ssize_t n = readlink(path, target, sizeof(target) - 1);

	if (n < 0)
		return false;
	target[n] = '\0';
	snprintf(buf, len, "%s", basename(target));
	return true;
}

bool pdev_exists(const char *name)
{
	char path[PATH_MAX];

	if (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	snprintf(path, sizeof(path), SYS_DEVICES_DIR "/%s", name);
	return path_exists(path);
}

bool pdev_bound(const char *name)
{
	char path[PATH_MAX], drv[64];

	snprintf(path, sizeof(path), SYS_DEVICES_DIR "/%s/driver", name);
	return link_base(path, drv, sizeof(drv)) && !strcmp(drv, KMEMLAB_MODULE);
}

bool pdev_ours(const char *name)
{
	char path[PATH_MAX], alias[256];

	if (!pdev_exists(name))
		return false;
	snprintf(path, sizeof(path), SYS_DEVICES_DIR "/%s/modalias", name);
	if (sysfs_read(path, alias, sizeof(alias)))
		return false;
	/* "platform:kmemlab", or "of:NkmemlabT(null)Ckmemlab,lab" */
	return !strcmp(alias, "platform:" KMEMLAB_MODULE) ||
	       strstr(alias, "C" KMEMLAB_OF_COMPATIBLE) != NULL;
}

int pdev_of_arg(const char *arg, char *name, size_t len)
{
	char path[PATH_MAX];
	unsigned int id;

	if (!parse_device(arg, &id)) {
		snprintf(name, len, DEVICE_NAME_FMT, id);
		if (pdev_exists(name))
			return 0;
		/* the node of a device the module did not register itself */
		snprintf(path, sizeof(path), SYS_CLASS_DIR "/" KMEMLAB_MODULE "%u/device", id);
		return link_base(path, name, len) ? 0 : -ENODEV;
	}
	if (!pdev_ours(arg))
		return -ENODEV;
	snprintf(name, len, "%s", arg);
	return 0;
}

int pdev_node(const char *name, char *buf, size_t len)
{
	char dir[PATH_MAX];
	struct dirent *de;
	unsigned int node;
	int err = -ENOENT;
	DIR *d;

	snprintf(dir, sizeof(dir), SYS_DEVICES_DIR "/%s/" KMEMLAB_MODULE, name);
	d = opendir(dir);
	while (d && err && (de = readdir(d)))
		if (!strncmp(de->d_name, KMEMLAB_MODULE, strlen(KMEMLAB_MODULE)) &&
		    sscanf(de->d_name + strlen(KMEMLAB_MODULE), "%u", &node) == 1) {
			snprintf(buf, len, KMEMLAB_NODE_FMT, node);
			err = 0;
		}
	if (d)
		closedir(d);
	return err;
}

void node_path(unsigned int id, char *buf, size_t len)
{
	char name[32];

	snprintf(name, sizeof(name), DEVICE_NAME_FMT, id);
	if (pdev_node(name, buf, len))
		snprintf(buf, len, KMEMLAB_NODE_FMT, id);
}

#define NODE_POLL_MS	20

bool node_wait(unsigned int id, int ms)
{
	struct timespec poll = { 0, NODE_POLL_MS * 1000000L };
	char node[64];

	for (int waited = 0;; waited += NODE_POLL_MS) {
		node_path(id, node, sizeof(node));
		if (path_exists(node))
			return true;
		if (waited >= ms)
			return false;
		nanosleep(&poll, NULL);
	}
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return (x > y) - (x < y);
}

/* Append the id of @name to *ids if it is a kmemlab.N device. */
static int add_device(const char *name, unsigned int **ids, size_t *count)
{
	unsigned int id, *grown;

	if (strncmp(name, "kmemlab.", 8) || parse_device(name, &id))
		return 0;
	grown = realloc(*ids, (*count + 1) * sizeof(**ids));
	if (!grown)
		return -ENOMEM;
	grown[(*count)++] = id;
	*ids = grown;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int pdev_others(char ***names, size_t *count)
{
	DIR *d = opendir(SYS_DEVICES_DIR);
	char **list = NULL, **grown;
	struct dirent *de;
	size_t n = 0;
	int err = 0;

	*names = NULL;
	*count = 0;
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		unsigned int id;

		if ((!strncmp(de->d_name, "kmemlab.", 8) && !parse_device(de->d_name, &id)) ||
		    !pdev_ours(de->d_name))
			continue;
		grown = realloc(list, (n + 1) * sizeof(*list));
		if (!grown) {
			err = -ENOMEM;
			break;
		}
		list = grown;
		list[n] = strdup(de->d_name);
		if (!list[n]) {
			err = -ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (err) {
		while (n)
			free(list[--n]);
		free(list);
		return err;
	}
	if (n)
		qsort(list, n, sizeof(*list), cmp_str);
	*names = list;
	*count = n;
	return 0;
}

int device_list(unsigned int **ids, size_t *count)
{
	DIR *d = opendir(SYS_DEVICES_DIR);
	struct dirent *de;
	int err = 0;

	*ids = NULL;
	*count = 0;
	if (!d)
		return -errno;
	while (!err && (de = readdir(d)))
		err = add_device(de->d_name, ids, count);
	closedir(d);
	if (err) {
		free(*ids);
		*ids = NULL;
		*count = 0;
		return err;
	}
	if (*count)
		qsort(*ids, *count, sizeof(**ids), cmp_uint);
	return 0;
}
