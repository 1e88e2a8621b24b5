// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab facts: the lab. Every allocation an experiment makes goes through
 * lab_alloc(), which keeps its handle, and lab_release() gives back what an
 * experiment still holds, however it ended.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "facts.h"
#include "fuser.h"
#include "ioctl.h"
#include "names.h"
#include "stats.h"
#include "sysfs.h"

/* Record what failed; returns @err (-errno) for the experiment to return. */
int lab_failed(struct lab *lab, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(lab->what, sizeof(lab->what), fmt, ap);
	va_end(ap);
	return err;
}

int lab_alloc(struct lab *lab, const struct ask *a, struct kmemlab_report *r)
{
	struct kmemlab_alloc req = {
		.api = a->api,
		.size = a->size,
		.gfp = a->gfp ? a->gfp : KMEMLAB_GFP_KERNEL,
		.context = a->context ? a->context : KMEMLAB_CTX_PROCESS,
	};
	char api[32], gfp[128], ctx[32];
	int err;

	if (lab->nheld == LAB_HELD_MAX)
		return lab_failed(lab, -EOVERFLOW, "holding more than %d allocations",
				  LAB_HELD_MAX);
	err = kml_alloc(lab->fd, &req);
	lab->reason = req.refusal.reason;
	if (err)
		return lab_failed(lab, err, "%s of %llu bytes (%s, %s context)",
				  name_of(&api_names, req.api, api, sizeof(api)),
				  (unsigned long long)req.size,
				  gfp_format(req.gfp, gfp, sizeof(gfp)),
				  name_of(&context_names, req.context, ctx, sizeof(ctx)));
	lab->held[lab->nheld++] = req.report.handle;
	*r = req.report;
	return 0;
}

int lab_free(struct lab *lab, uint32_t handle)
{
	struct kmemlab_free req = { .handle = handle };
	int err = kml_free(lab->fd, &req);

	if (err)
		return lab_failed(lab, err, "freeing handle %u", handle);
	for (size_t i = 0; i < lab->nheld; i++)
		if (lab->held[i] == handle)
			lab->held[i] = lab->held[--lab->nheld];
	return 0;
}

/* Allocate, keep the report, free. */
int lab_try(struct lab *lab, const struct ask *a, struct kmemlab_report *r)
{
	int err = lab_alloc(lab, a, r);

	return err ? err : lab_free(lab, r->handle);
}

/* Free everything still held; the first error, or 0. */
int lab_release(struct lab *lab)
{
	int first = 0;

	while (lab->nheld) {
		int err = lab_free(lab, lab->held[lab->nheld - 1]);

		if (err) {
			first = first ? first : err;
			lab->nheld--;	/* it cannot be freed: forget it */
		}
	}
	return first;
}

int lab_fill(struct lab *lab, uint32_t handle, uint32_t pattern)
{
	struct kmemlab_fill req = { .handle = handle, .pattern = pattern };
	int err = kml_fill(lab->fd, &req);

	return err ? lab_failed(lab, err, "filling handle %u", handle) : 0;
}

/* *@differ: bytes of @handle that are not @pattern. */
int lab_verify(struct lab *lab, uint32_t handle, uint32_t pattern,
		      uint64_t *differ)
{
	struct kmemlab_fill req = { .handle = handle, .pattern = pattern };
	int err = kml_verify(lab->fd, &req);

	if (err)
		return lab_failed(lab, err, "verifying handle %u", handle);
	*differ = req.mismatches;
	return 0;
}

int lab_dma(struct lab *lab, uint32_t handle, uint32_t mode,
		   struct kmemlab_dma *d)
{
	char name[32];
	int err;

	*d = (struct kmemlab_dma){ .handle = handle, .mode = mode,
				   .direction = KMEMLAB_DMA_BIDIRECTIONAL };
	err = kml_dma_map(lab->fd, d);
	if (err)
		return lab_failed(lab, err, "DMA_MAP of handle %u in mode %s", handle,
				  name_of(&dma_mode_names, mode, name, sizeof(name)));
	return 0;
}

int lab_open(struct lab *lab, unsigned int device)
{
	char node[64];
	int err;

	*lab = (struct lab){ .device = device, .fd = -1 };
	node_path(device, node, sizeof(node));
	err = kml_open(device, &lab->fd);
	if (err)
		return lab_failed(lab, err, "opening %s", node);
	err = kml_info(lab->fd, &lab->info);
	if (err) {
		close(lab->fd);
		lab->fd = -1;
		return lab_failed(lab, err, "INFO of %s", node);
	}
	return 0;
}

void lab_close(struct lab *lab)
{
	lab_release(lab);
	close(lab->fd);
}

/* Pin the process to the CPU it runs on; *@saved: the affinity before. */
int pin_cpu(cpu_set_t *saved)
{
	int cpu = sched_getcpu();
	cpu_set_t one;

	if (cpu < 0 || sched_getaffinity(0, sizeof(*saved), saved))
		return -errno;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	return sched_setaffinity(0, sizeof(one), &one) ? -errno : 0;
}

/* The verdict and what was observed; returns 0 for the experiment to return. */
int found(struct finding *f, enum verdict v, const char *fmt, ...)
{
	va_list ap;

	f->verdict = v;
	va_start(ap, fmt);
	vsnprintf(f->observed, sizeof(f->observed), fmt, ap);
	va_end(ap);
	return 0;
}

/* "slab (kmalloc-8k)", "pages, order 2", "vmalloc". */
const char *backing_text(const struct kmemlab_report *r, char *buf, size_t len)
{
	char unknown[32];
	const char *name = name_of(&backing_names, r->backing, unknown, sizeof(unknown));

	if (r->backing == KMEMLAB_BACKING_SLAB)
		snprintf(buf, len, "%s (%.*s)", name, KMEMLAB_NAME_LEN, r->cache);
	else if (r->backing == KMEMLAB_BACKING_PAGES)
		snprintf(buf, len, "%s, order %u", name, r->order);
	else
		snprintf(buf, len, "%s", name);
	return buf;
}
