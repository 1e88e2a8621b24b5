// SPDX-License-Identifier: GPL-2.0
/*
 * The kmemlab ioctls, each as a function returning 0 or -errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ioctl.h"
#include "sysfs.h"

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

int kml_open(unsigned int device, int *fd)
{
	char path[64];
	int r;

	node_path(device, path, sizeof(path));
	r = open(path, O_RDWR | O_CLOEXEC);
	if (r < 0)
		return -errno;
	*fd = r;
	return 0;
}

int kml_info(int fd, struct kmemlab_info *info)
{
	memset(info, 0, sizeof(*info));
	return xioctl(fd, KMEMLAB_IOC_INFO, info);
}

int kml_alloc(int fd, struct kmemlab_alloc *req)
{
	return xioctl(fd, KMEMLAB_IOC_ALLOC, req);
}

int kml_realloc(int fd, struct kmemlab_realloc *req)
{
	return xioctl(fd, KMEMLAB_IOC_REALLOC, req);
}

int kml_free(int fd, struct kmemlab_free *req)
{
	return xioctl(fd, KMEMLAB_IOC_FREE, req);
}

int kml_query(int fd, uint32_t handle, struct kmemlab_report *report)
{
	struct kmemlab_query q = { .handle = handle };
	int err = xioctl(fd, KMEMLAB_IOC_QUERY, &q);

	if (!err)
		*report = q.report;
	return err;
}

int kml_fill(int fd, struct kmemlab_fill *req)
{
	return xioctl(fd, KMEMLAB_IOC_FILL, req);
}

int kml_verify(int fd, struct kmemlab_fill *req)
{
	return xioctl(fd, KMEMLAB_IOC_VERIFY, req);
}

int kml_read(int fd, struct kmemlab_read *req)
{
	return xioctl(fd, KMEMLAB_IOC_READ, req);
}

int kml_dma_map(int fd, struct kmemlab_dma *req)
{
	return xioctl(fd, KMEMLAB_IOC_DMA_MAP, req);
}

int kml_bench(int fd, struct kmemlab_bench *req)
{
	return xioctl(fd, KMEMLAB_IOC_BENCH, req);
}

int kml_nop(int fd)
{
	return ioctl(fd, KMEMLAB_IOC_NOP) < 0 ? -errno : 0;
}

/*
 * LIST and DESCRIBE share one layout and one protocol: ask with no room to
 * learn how many records there are, then with room for them (and some to
 * grow into, for LIST), until everything fitted.
 */
_Static_assert(sizeof(struct kmemlab_list) == sizeof(struct kmemlab_describe) &&
	       offsetof(struct kmemlab_list, records) ==
	       offsetof(struct kmemlab_describe, records) &&
	       offsetof(struct kmemlab_list, capacity) ==
	       offsetof(struct kmemlab_describe, capacity) &&
	       offsetof(struct kmemlab_list, needed) ==
	       offsetof(struct kmemlab_describe, needed) &&
	       offsetof(struct kmemlab_list, returned) ==
	       offsetof(struct kmemlab_describe, returned),
	       "LIST and DESCRIBE have one layout");

static int records(int fd, unsigned long cmd, size_t size, bool slack,
		   void **out, size_t *count)
{
	struct kmemlab_list l;
	uint32_t capacity = 0;
	void *buf = NULL;
	int err;

	for (;;) {
		memset(&l, 0, sizeof(l));
		l.records = (uint64_t)(uintptr_t)buf;
		l.capacity = capacity;
		err = xioctl(fd, cmd, &l);
		if (err || (l.needed <= capacity && (buf || !l.needed)))
			break;
		/* room to grow between the two calls */
		if (slack)
			capacity = l.needed > UINT32_MAX - 64 - l.needed / 8 ?
				   UINT32_MAX : l.needed + l.needed / 8 + 64;
		else
			capacity = l.needed;
		free(buf);
		buf = calloc(capacity, size);
		if (!buf) {
			err = -ENOMEM;
			break;
		}
	}
	if (err) {
		free(buf);
		return err;
	}
	*out = buf;
	*count = l.returned;
	return 0;
}

int kml_list(int fd, struct kmemlab_report **reports, size_t *count)
{
	return records(fd, KMEMLAB_IOC_LIST, sizeof(**reports), true,
		       (void **)reports, count);
}

int kml_describe(int fd, struct kmemlab_desc **recs, size_t *count)
{
	return records(fd, KMEMLAB_IOC_DESCRIBE, sizeof(**recs), false,
		       (void **)recs, count);
}

int kml_runs(int fd, uint32_t handle, struct kmemlab_run **runs, size_t *count,
	     uint64_t *granule, uint64_t *pages)
{
	struct kmemlab_runs r = { .handle = handle };
	struct kmemlab_run *buf;
	int err;

	/* The runs of a live allocation stay as they are: ask, then fetch. */
	err = xioctl(fd, KMEMLAB_IOC_RUNS, &r);
	if (err)
		return err;
	buf = calloc(r.needed ? r.needed : 1, sizeof(*buf));
	if (!buf)
		return -ENOMEM;
	r.runs = (uint64_t)(uintptr_t)buf;
	r.capacity = r.needed;
	err = xioctl(fd, KMEMLAB_IOC_RUNS, &r);
	if (err) {
		free(buf);
		return err;
	}
	*runs = buf;
	*count = r.returned;
	*granule = r.granule;
	*pages = r.pages;
	return 0;
}
