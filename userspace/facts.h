/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmemlab facts: the lab the experiments run in, and the experiments.
 *
 * cmd_facts.c holds the claims (facts[]), their columns and the runner;
 * facts_lab.c the lab, whose allocations are always given back;
 * facts_alloc.c the experiments on the allocators themselves and
 * facts_device.c those on the device (devres, address regions, DMA).
 */
#ifndef KMEMLAB_FACTS_H
#define KMEMLAB_FACTS_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/kmemlab.h>

#include "output.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define KiB		1024ULL
#define MiB		(1024 * KiB)
#define GiB		(1024 * MiB)
#define LAB_HELD_MAX	8	/* allocations one experiment may hold at once */
#define DIRTY		0x5a	/* the pattern a freed object is left holding */

enum verdict { HOLDS, DOES_NOT_HOLD, DEPENDS, NOT_CHECKED };

/*
 * The claim, the outcome, then the numbers behind it (null where not used).
 * No booleans: libsmartcols prints an absent one as false.
 */
enum {
	FC_ID, FC_CLAIM, FC_OBSERVED, FC_VERDICT,
	FC_LARGEST, FC_KMALLOC_MAX, FC_ERRNO, FC_KMALLOC_MAX_CACHE, FC_PAGE_SIZE, FC_ORDER,
	FC_WORST_RATIO, FC_MIN_OBJECT, FC_KMALLOC_MIN,
	FC_KMALLOC_RUNS, FC_VMALLOC_RUNS, FC_PHYS, FC_DMA_END,
	FC_RATIO_4K, FC_RATIO_64K, FC_RATIO_1M, FC_LIVE_BEFORE, FC_LIVE_AFTER,
	FC_NENTS_SINGLE, FC_NENTS_SG, FC_NOLOCK_RATE, FC_ATOMIC_RATE,
	FC_KMALLOC_ADDR, FC_VMALLOC_ADDR, FC_PAGE_OFFSET, FC_HIGH_MEMORY, FC_VMALLOC_START,
	FC_VMALLOC_END,
};

/* One device and the allocations the running experiment holds on it. */
struct lab {
	unsigned int device;
	int fd;
	struct kmemlab_info info;	/* as it was when the lab opened */
	uint32_t held[LAB_HELD_MAX];
	size_t nheld;
	char what[192];			/* the operation that failed last */
	uint32_t reason;		/* the driver's reason when it refused */
};

/* What an experiment found: its row, its verdict and what it saw. */
struct finding {
	struct out_table *t;
	enum verdict verdict;
	char observed[384];
};

struct fact {
	const char *id;
	const char *claim;
	int (*run)(struct lab *lab, struct finding *f);
	unsigned int flags;
};

#define FACT_ONE_CPU	(1U << 0)	/* runs pinned to the CPU it starts on */

/* An allocation request; 0 means GFP_KERNEL and the process context. */
struct ask {
	uint32_t api;
	uint64_t size;
	uint64_t gfp;
	uint32_t context;
};

/*
 * The lab. Each returns 0 or -errno; a failure also says in lab->what which
 * operation failed.
 */
/* Record what failed; returns @err (-errno) for the experiment to return. */
int lab_failed(struct lab *lab, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Allocate and keep the handle (at most LAB_HELD_MAX at once). */
int lab_alloc(struct lab *lab, const struct ask *a, struct kmemlab_report *r);
int lab_free(struct lab *lab, uint32_t handle);
/* Allocate, keep the report, free. */
int lab_try(struct lab *lab, const struct ask *a, struct kmemlab_report *r);
/* Free everything still held; the first error, or 0. */
int lab_release(struct lab *lab);
int lab_fill(struct lab *lab, uint32_t handle, uint32_t pattern);
/* *@differ: bytes of @handle that are not @pattern. */
int lab_verify(struct lab *lab, uint32_t handle, uint32_t pattern,
	       uint64_t *differ);
int lab_dma(struct lab *lab, uint32_t handle, uint32_t mode,
	    struct kmemlab_dma *d);
/* Open device @device and read its INFO. */
int lab_open(struct lab *lab, unsigned int device);
void lab_close(struct lab *lab);
/* Pin the process to the CPU it runs on; *@saved: the affinity before. */
int pin_cpu(cpu_set_t *saved);

/* The verdict and what was observed; returns 0 for the experiment to return. */
int found(struct finding *f, enum verdict v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "slab (kmalloc-8k)", "pages, order 2", "vmalloc". */
const char *backing_text(const struct kmemlab_report *r, char *buf, size_t len);

#define BACKING(r)	backing_text((r), (char[80]){ 0 }, 80)
#define PLURAL(n)	((n) == 1 ? "" : "s")

/* The experiments, one per claim. */
int fact_kmalloc_max(struct lab *lab, struct finding *f);
int fact_kmalloc_large(struct lab *lab, struct finding *f);
int fact_kmalloc_rounding(struct lab *lab, struct finding *f);
int fact_kmalloc_zeroed(struct lab *lab, struct finding *f);
int fact_kzalloc_zeroed(struct lab *lab, struct finding *f);
int fact_contiguity(struct lab *lab, struct finding *f);
int fact_gfp_dma(struct lab *lab, struct finding *f);
int fact_vmalloc_speed(struct lab *lab, struct finding *f);
int fact_vmalloc_irq(struct lab *lab, struct finding *f);
int fact_atomic_irq(struct lab *lab, struct finding *f);
int fact_nolock_irq(struct lab *lab, struct finding *f);
int fact_devm_unbind(struct lab *lab, struct finding *f);
int fact_regions(struct lab *lab, struct finding *f);
int fact_highmem(struct lab *lab, struct finding *f);
int fact_dma_map(struct lab *lab, struct finding *f);

#endif /* KMEMLAB_FACTS_H */
