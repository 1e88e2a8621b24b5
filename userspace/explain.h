/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Why did the kernel refuse a request? The CLI does not pre-refuse anything
 * semantic: it sends the request and, when the driver says no, turns the
 * driver's reason (struct kmemlab_refusal) into a sentence and a hint.
 */
#ifndef KMEMLAB_EXPLAIN_H
#define KMEMLAB_EXPLAIN_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/kmemlab.h>

#include "errors.h"
#include "names.h"

/* What was asked (of ALLOC, or of REALLOC with @handle set). */
struct alloc_req {
	const struct api_row *api;	/* NULL when unknown */
	uint32_t context;		/* enum kmemlab_context */
	uint64_t size;
	uint64_t gfp;			/* KMEMLAB_GFP_* */
	uint32_t count;
	uint32_t align;
	uint32_t flags;			/* KMEMLAB_ALLOC_* */
	uint32_t sheaf_capacity;	/* kmem_cache: per-CPU sheaves asked for */
	const char *name;		/* kmem_cache name, "" when none */
	uint32_t handle;		/* REALLOC: the handle; ALLOC: 0 */
	__u64 *gfp_in;			/* the request's own gfp field */
	__u64 *size_in;			/* the request's own size field */
};

/*
 * Explain errno @err for @req from the driver's refusal @r; @info (NULL
 * when unavailable) adds what is live. Returns false when the driver gave
 * no reason this CLI knows for @err (the errno alone then explains).
 */
bool explain_reason(int err, const struct alloc_req *req,
		    const struct kmemlab_refusal *r,
		    const struct kmemlab_info *info, struct errmsg *m);
void explain_alloc(int err, const struct alloc_req *req,
		   const struct kmemlab_refusal *r,
		   const struct kmemlab_info *info, struct errmsg *m);

/* What was asked of BENCH, and the limits the CLI could read. */
struct bench_req {
	const struct api_row *api;	/* NULL when unknown */
	uint32_t context;		/* enum kmemlab_context */
	uint32_t pattern;		/* enum kmemlab_bench_pattern */
	uint32_t batch;
	uint32_t threads;
	uint32_t iterations;		/* per thread */
	uint64_t size;
	uint64_t gfp;
};

/* Explain errno @err of BENCH from the driver's refusal @r. */
void explain_bench(int err, const struct bench_req *req,
		   const struct kmemlab_refusal *r,
		   const struct kmemlab_info *info, struct errmsg *m);

/*
 * Explain errno @err of DMA_MAP in mode @mode (enum kmemlab_dma_mode) on
 * memory of @backing (enum kmemlab_backing; 0 when unknown).
 */
void explain_dma(int err, uint32_t mode, uint32_t backing, struct errmsg *m);

#endif /* KMEMLAB_EXPLAIN_H */
