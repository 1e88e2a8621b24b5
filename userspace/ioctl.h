/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A thin layer over the kmemlab ioctls: each returns 0 or -errno.
 */
#ifndef KMEMLAB_IOCTL_H
#define KMEMLAB_IOCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/kmemlab.h>

#define KMEMLAB_NODE_FMT	"/dev/kmemlab%u"

/* Open device @device's node (node_path()) read-write; *fd on success. */
int kml_open(unsigned int device, int *fd);
int kml_info(int fd, struct kmemlab_info *info);
/*
 * Whether @info carries the kernel's layout (direct map, vmalloc area): a
 * module that has the fields, asked by a caller with CAP_SYS_ADMIN.
 */
static inline bool kml_info_layout(const struct kmemlab_info *info)
{
	return (info->features & KMEMLAB_FEATURE_LAYOUT) &&
	       (info->flags & KMEMLAB_INFO_CAP_SYS_ADMIN);
}
/* The driver's description: *@recs (free() it) of *@count records. */
int kml_describe(int fd, struct kmemlab_desc **recs, size_t *count);
int kml_alloc(int fd, struct kmemlab_alloc *req);
int kml_realloc(int fd, struct kmemlab_realloc *req);
int kml_free(int fd, struct kmemlab_free *req);
int kml_query(int fd, uint32_t handle, struct kmemlab_report *report);
int kml_fill(int fd, struct kmemlab_fill *req);
int kml_verify(int fd, struct kmemlab_fill *req);
int kml_read(int fd, struct kmemlab_read *req);
int kml_dma_map(int fd, struct kmemlab_dma *req);
int kml_bench(int fd, struct kmemlab_bench *req);
/* The null command: the cost of the ioctl path alone. */
int kml_nop(int fd);
/* Every live report of the device, in a malloc()ed array (NULL when none). */
int kml_list(int fd, struct kmemlab_report **reports, size_t *count);
/*
 * The physical page runs of allocation @handle, in a malloc()ed array, with
 * the unit of their frame numbers (@granule bytes) and the pages in all.
 */
int kml_runs(int fd, uint32_t handle, struct kmemlab_run **runs, size_t *count,
	     uint64_t *granule, uint64_t *pages);

#endif /* KMEMLAB_IOCTL_H */
