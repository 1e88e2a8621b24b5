// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab facts: put what classic kernel-memory articles claim to the test.
 *
 * One row of facts[] per claim, with the experiment that tests it. An
 * experiment allocates through lab_alloc(), which keeps the handles; the
 * runner frees whatever an experiment still holds when it returns, however it
 * returns, so the device's live counters end where they started. Each
 * experiment writes its numbers into its row and ends with found(): the
 * verdict and what was observed. It returns -errno only when it could not
 * run (an errno the experiment does not expect); lab->what then says which
 * operation failed.
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <libsmartcols.h>

#include "cli.h"
#include "complete.h"
#include "fuser.h"
#include "ioctl.h"
#include "names.h"
#include "stats.h"
#include "sysfs.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define KiB		1024ULL
#define MiB		(1024 * KiB)
#define LAB_HELD_MAX	8	/* allocations one experiment may hold at once */
#define DIRTY		0x5a	/* the pattern a freed object is left holding */

enum verdict { HOLDS, DOES_NOT_HOLD, DEPENDS, NOT_CHECKED };

static const char *const verdicts[] = {
	[HOLDS] = "holds",
	[DOES_NOT_HOLD] = "does not hold",
	[DEPENDS] = "depends",
	[NOT_CHECKED] = "not checked",
};

/*
 * The claim, the outcome, then the numbers behind it (null where not used).
 * No booleans: libsmartcols prints an absent one as false.
 */
enum {
	FC_ID, FC_CLAIM, FC_OBSERVED, FC_VERDICT,
	FC_LARGEST, FC_KMALLOC_MAX, FC_ERRNO, FC_KMALLOC_MAX_CACHE, FC_ORDER,
	FC_WORST_RATIO, FC_MIN_OBJECT, FC_KMALLOC_MIN,
	FC_KMALLOC_RUNS, FC_VMALLOC_RUNS, FC_PHYS, FC_DMA_END,
	FC_RATIO_4K, FC_RATIO_64K, FC_RATIO_1M, FC_LIVE_BEFORE, FC_LIVE_AFTER,
	FC_NENTS_SINGLE, FC_NENTS_SG,
};

#define RIGHT	SCOLS_FL_RIGHT
#define WRAP	SCOLS_FL_WRAP

static const struct out_col fact_cols[] = {
	[FC_ID] = { "ID", OUT_STR, 0, 0, "the claim's name (kmemlab facts ID...)" },
	[FC_CLAIM] = { "CLAIM", OUT_STR, 0.4, WRAP, "what the articles say" },
	[FC_OBSERVED] = { "OBSERVED", OUT_STR, 0.4, WRAP, "what the kernel did" },
	[FC_VERDICT] = { "VERDICT", OUT_STR, 0, 0,
			 "holds, does not hold, depends or not checked" },
	[FC_LARGEST] = { "LARGEST", OUT_SIZE, 0, RIGHT,
			 "largest kmalloc that succeeded" },
	[FC_KMALLOC_MAX] = { "KMALLOC-MAX-SIZE", OUT_SIZE, 0, RIGHT, "KMALLOC_MAX_SIZE" },
	[FC_ERRNO] = { "ERRNO", OUT_STR, 0, 0, "errno of the first failure or refusal" },
	[FC_KMALLOC_MAX_CACHE] = { "KMALLOC-MAX-CACHE-SIZE", OUT_SIZE, 0, RIGHT,
				   "KMALLOC_MAX_CACHE_SIZE" },
	[FC_ORDER] = { "ORDER", OUT_NUM, 0, RIGHT,
		       "page order of a kmalloc above KMALLOC_MAX_CACHE_SIZE" },
	[FC_WORST_RATIO] = { "WORST-RATIO", OUT_RATIO, 0, RIGHT,
			     "largest usable/size of a kmalloc" },
	[FC_MIN_OBJECT] = { "MIN-OBJECT", OUT_SIZE, 0, RIGHT, "smallest kmalloc object" },
	[FC_KMALLOC_MIN] = { "KMALLOC-MIN-SIZE", OUT_SIZE, 0, RIGHT, "KMALLOC_MIN_SIZE" },
	[FC_KMALLOC_RUNS] = { "KMALLOC-RUNS", OUT_NUM, 0, RIGHT,
			      "most physically contiguous runs of a kmalloc" },
	[FC_VMALLOC_RUNS] = { "VMALLOC-RUNS", OUT_NUM, 0, RIGHT,
			      "most physically contiguous runs of a vmalloc" },
	[FC_PHYS] = { "PHYS", OUT_HEX, 0, RIGHT,
		      "physical address of GFP_DMA memory (CAP_SYS_ADMIN)" },
	[FC_DMA_END] = { "DMA-ZONE-END", OUT_HEX, 0, RIGHT, "end of ZONE_DMA" },
	[FC_RATIO_4K] = { "RATIO-4K", OUT_RATIO, 0, RIGHT,
			  "vmalloc/kmalloc median time at 4 KiB" },
	[FC_RATIO_64K] = { "RATIO-64K", OUT_RATIO, 0, RIGHT,
			   "vmalloc/kmalloc median time at 64 KiB" },
	[FC_RATIO_1M] = { "RATIO-1M", OUT_RATIO, 0, RIGHT,
			  "vmalloc/kmalloc median time at 1 MiB" },
	[FC_LIVE_BEFORE] = { "LIVE-BEFORE", OUT_NUM, 0, RIGHT,
			     "module live allocations before unbinding" },
	[FC_LIVE_AFTER] = { "LIVE-AFTER", OUT_NUM, 0, RIGHT,
			    "module live allocations after unbinding" },
	[FC_NENTS_SINGLE] = { "NENTS-SINGLE", OUT_NUM, 0, RIGHT,
			      "segments of kmalloc memory mapped with dma_map_single" },
	[FC_NENTS_SG] = { "NENTS-SG", OUT_NUM, 0, RIGHT,
			  "segments of vmalloc memory mapped with dma_map_sgtable" },
};

static const struct out_colset fact_columns = {
	fact_cols, ARRAY_SIZE(fact_cols), "CLAIM,OBSERVED,VERDICT",
};

/* --list: the claims only. */
static const struct out_colset claim_columns = { fact_cols, FC_CLAIM + 1, NULL };

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

/* ---- the lab: allocations that are always given back ---- */

/* An allocation request; 0 means GFP_KERNEL and the process context. */
struct ask {
	uint32_t api;
	uint64_t size;
	uint64_t gfp;
	uint32_t context;
};

static int lab_failed(struct lab *lab, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Record what failed; returns @err (-errno) for the experiment to return. */
static int lab_failed(struct lab *lab, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(lab->what, sizeof(lab->what), fmt, ap);
	va_end(ap);
	return err;
}

static int lab_alloc(struct lab *lab, const struct ask *a, struct kmemlab_report *r)
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

static int lab_free(struct lab *lab, uint32_t handle)
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
static int lab_try(struct lab *lab, const struct ask *a, struct kmemlab_report *r)
{
	int err = lab_alloc(lab, a, r);

	return err ? err : lab_free(lab, r->handle);
}

/* Free everything still held; the first error, or 0. */
static int lab_release(struct lab *lab)
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

static int lab_fill(struct lab *lab, uint32_t handle, uint32_t pattern)
{
	struct kmemlab_fill req = { .handle = handle, .pattern = pattern };
	int err = kml_fill(lab->fd, &req);

	return err ? lab_failed(lab, err, "filling handle %u", handle) : 0;
}

/* *@differ: bytes of @handle that are not @pattern. */
static int lab_verify(struct lab *lab, uint32_t handle, uint32_t pattern,
		      uint64_t *differ)
{
	struct kmemlab_fill req = { .handle = handle, .pattern = pattern };
	int err = kml_verify(lab->fd, &req);

	if (err)
		return lab_failed(lab, err, "verifying handle %u", handle);
	*differ = req.mismatches;
	return 0;
}

static int lab_dma(struct lab *lab, uint32_t handle, uint32_t mode,
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

static int lab_open(struct lab *lab, unsigned int device)
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

static void lab_close(struct lab *lab)
{
	lab_release(lab);
	close(lab->fd);
}

/* Pin the process to the CPU it runs on; *@saved: the affinity before. */
static int pin_cpu(cpu_set_t *saved)
{
	int cpu = sched_getcpu();
	cpu_set_t one;

	if (cpu < 0 || sched_getaffinity(0, sizeof(*saved), saved))
		return -errno;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	return sched_setaffinity(0, sizeof(one), &one) ? -errno : 0;
}

static int found(struct finding *f, enum verdict v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The verdict and what was observed; returns 0 for the experiment to return. */
static int found(struct finding *f, enum verdict v, const char *fmt, ...)
{
	va_list ap;

	f->verdict = v;
	va_start(ap, fmt);
	vsnprintf(f->observed, sizeof(f->observed), fmt, ap);
	va_end(ap);
	return 0;
}

/* "slab (kmalloc-8k)", "pages, order 2", "vmalloc". */
static const char *backing_text(const struct kmemlab_report *r, char *buf, size_t len)
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

#define BACKING(r)	backing_text((r), (char[80]){ 0 }, 80)
#define PLURAL(n)	((n) == 1 ? "" : "s")

/* ---- the experiments ---- */

#define CLAIMED_KMALLOC_MAX	(128 * KiB)

static int fact_kmalloc_max(struct lab *lab, struct finding *f)
{
	uint64_t kmax = lab->info.kmalloc_max_size, size, largest = 0;
	struct kmemlab_report r;
	char fail[96];
	int err;

	/* Doubling past KMALLOC_MAX_SIZE ends in E2BIG; size 0 in EINVAL. */
	for (size = CLAIMED_KMALLOC_MAX;; size <<= 1) {
		err = lab_try(lab, &(struct ask){ KMEMLAB_API_KMALLOC, size,
				   KMEMLAB_GFP_KERNEL | KMEMLAB_GFP_NOWARN, 0 }, &r);
		if (err)
			break;
		largest = size;
	}
	if (err != -E2BIG && err != -ENOMEM && err != -ENOSPC)
		return err;
	snprintf(fail, sizeof(fail), "%s: %s%s", SZ(size), errno_name(-err),
		 err == -E2BIG ? ", refused without trying" : "");
	out_u64(f->t, FC_LARGEST, largest);
	out_u64(f->t, FC_KMALLOC_MAX, kmax);
	out_str(f->t, FC_ERRNO, errno_name(-err));
	if (largest > CLAIMED_KMALLOC_MAX)
		return found(f, DOES_NOT_HOLD, "largest: %s (KMALLOC_MAX_SIZE %s); %s",
			     SZ(largest), SZ(kmax), fail);
	if (err == -ENOSPC)
		return found(f, NOT_CHECKED, "the module's quota (max_bytes) ended the probe; %s",
			     fail);
	return found(f, HOLDS, "nothing above %s succeeded; %s",
		     SZ(CLAIMED_KMALLOC_MAX), fail);
}

static int fact_kmalloc_large(struct lab *lab, struct finding *f)
{
	uint64_t max = lab->info.kmalloc_max_cache_size;
	struct kmemlab_report at, above;
	int err;

	err = lab_try(lab, &(struct ask){ KMEMLAB_API_KMALLOC, max, 0, 0 }, &at);
	if (!err)
		err = lab_try(lab, &(struct ask){ KMEMLAB_API_KMALLOC, max + 1, 0, 0 }, &above);
	if (err)
		return err;
	out_u64(f->t, FC_KMALLOC_MAX_CACHE, max);
	if (above.backing == KMEMLAB_BACKING_PAGES)
		out_u64(f->t, FC_ORDER, above.order);
	return found(f, at.backing == KMEMLAB_BACKING_SLAB &&
		     above.backing == KMEMLAB_BACKING_PAGES ? HOLDS : DOES_NOT_HOLD,
		     "%s (KMALLOC_MAX_CACHE_SIZE): %s; %s + 1 B: %s",
		     SZ(max), BACKING(&at), SZ(max), BACKING(&above));
}

/* Both sides of every size-class boundary up to 8 KiB. */
static const uint32_t round_sizes[] = {
	1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 24, 31, 32, 33, 48, 63, 64, 65,
	80, 96, 97, 127, 128, 129, 160, 192, 193, 255, 256, 257, 384, 511, 512,
	513, 768, 1000, 1023, 1024, 1025, 1536, 2047, 2048, 2049, 3000, 4095,
	4096, 4097, 6144, 8191, 8192,
};

static int fact_kmalloc_rounding(struct lab *lab, struct finding *f)
{
	uint64_t min = lab->info.kmalloc_min_size, smallest = UINT64_MAX;
	uint64_t worst_size = 0, worst_usable = 0;
	struct kmemlab_report r;
	size_t n = 0;
	double ratio;

	for (size_t i = 0; i < ARRAY_SIZE(round_sizes); i++) {
		uint64_t size = round_sizes[i];
		int err;

		if (size > lab->info.kmalloc_max_cache_size)
			break;
		err = lab_try(lab, &(struct ask){ KMEMLAB_API_KMALLOC, size, 0, 0 }, &r);
		if (err)
			return err;
		n++;
		if (r.usable < smallest)
			smallest = r.usable;
		/* usable/size > worst_usable/worst_size, without dividing */
		if (size >= min &&
		    (!worst_size || r.usable * worst_size > worst_usable * size)) {
			worst_size = size;
			worst_usable = r.usable;
		}
	}
	ratio = worst_size ? (double)worst_usable / (double)worst_size : 0;
	out_ratio(f->t, FC_WORST_RATIO, ratio);
	out_u64(f->t, FC_MIN_OBJECT, smallest);
	out_u64(f->t, FC_KMALLOC_MIN, min);
	return found(f, worst_size && worst_usable <= 2 * worst_size && smallest == min ?
		     HOLDS : DOES_NOT_HOLD,
		     "worst %.4fx (%llu B -> %llu B) over %zu sizes from %llu B; "
		     "smallest object %s, KMALLOC_MIN_SIZE %s", ratio,
		     (unsigned long long)worst_size, (unsigned long long)worst_usable,
		     n, (unsigned long long)min, SZ(smallest), SZ(min));
}

/*
 * kmalloc @size, fill it with DIRTY and free it, then allocate @size again
 * with @api into *@r (held): on the same CPU that is the object just freed.
 */
static int dirty_then(struct lab *lab, uint32_t api, uint64_t size,
		      struct kmemlab_report *r)
{
	int err = lab_alloc(lab, &(struct ask){ KMEMLAB_API_KMALLOC, size, 0, 0 }, r);

	if (!err)
		err = lab_fill(lab, r->handle, DIRTY);
	if (!err)
		err = lab_free(lab, r->handle);
	if (!err)
		err = lab_alloc(lab, &(struct ask){ api, size, 0, 0 }, r);
	return err;
}

static int fact_kmalloc_zeroed(struct lab *lab, struct finding *f)
{
	uint32_t flags = lab->info.flags;
	struct kmemlab_report r;
	uint64_t differ = 0;
	char reuse[96];
	bool zeroed;
	int err;

	err = dirty_then(lab, KMEMLAB_API_KMALLOC, 512, &r);
	if (!err)
		err = lab_verify(lab, r.handle, DIRTY, &differ);
	if (err)
		return err;
	zeroed = r.flags & KMEMLAB_REPORT_ZEROED;
	if (zeroed)
		snprintf(reuse, sizeof(reuse), "came back zeroed");
	else
		snprintf(reuse, sizeof(reuse), "came back with %llu of %llu bytes still 0x%02x",
			 (unsigned long long)(r.size - differ),
			 (unsigned long long)r.size, DIRTY);
	/* "depends" only for what was seen: zeroed, and init_on_alloc on. */
	if ((flags & KMEMLAB_INFO_INIT_ON_ALLOC) && zeroed)
		return found(f, DEPENDS, "depends on init_on_alloc: zeroed here "
			     "(init_on_alloc=1: a reused 512 B object %s); "
			     "not zeroed with init_on_alloc=0", reuse);
	if (flags & KMEMLAB_INFO_INIT_ON_ALLOC)
		return found(f, HOLDS, "a reused 512 B object %s although "
			     "init_on_alloc=1", reuse);
	if (!zeroed)
		return found(f, HOLDS, "a reused 512 B object %s (init_on_alloc=0)", reuse);
	if (flags & KMEMLAB_INFO_INIT_ON_FREE)
		return found(f, DEPENDS, "depends on init_on_free: zeroed here, on free "
			     "(init_on_free=1); not zeroed with init_on_free=0");
	return found(f, DEPENDS, "depends on reuse: init_on_alloc=0, but the object "
		     "came back zeroed: not the one just freed");
}

static const uint64_t kzalloc_sizes[] = { 64, 512, 4 * KiB, 64 * KiB };

static int fact_kzalloc_zeroed(struct lab *lab, struct finding *f)
{
	char sizes[96] = "", dirty[96] = "";
	struct kmemlab_report r;

	for (size_t i = 0; i < ARRAY_SIZE(kzalloc_sizes); i++) {
		int err = dirty_then(lab, KMEMLAB_API_KZALLOC, kzalloc_sizes[i], &r);

		if (!err)
			err = lab_free(lab, r.handle);
		if (err)
			return err;
		snprintf(sizes + strlen(sizes), sizeof(sizes) - strlen(sizes), "%s%s",
			 i ? ", " : "", SZ(kzalloc_sizes[i]));
		if (!(r.flags & KMEMLAB_REPORT_ZEROED))
			snprintf(dirty + strlen(dirty), sizeof(dirty) - strlen(dirty),
				 "%s%s", dirty[0] ? ", " : "", SZ(kzalloc_sizes[i]));
	}
	if (dirty[0])
		return found(f, DOES_NOT_HOLD, "not zeroed at %s (after a 0x%02x fill and free)",
			     dirty, DIRTY);
	return found(f, HOLDS, "zeroed at %s, each right after a kmalloc of the "
		     "same size was filled with 0x%02x and freed", sizes, DIRTY);
}

#define VMALLOC_AREAS	3	/* held at once, so that they cannot share pages */

static int fact_contiguity(struct lab *lab, struct finding *f)
{
	uint64_t big = lab->info.kmalloc_max_size < 4 * MiB ?
		       lab->info.kmalloc_max_size : 4 * MiB;
	struct kmemlab_report small, large, v;
	uint32_t most = 1;
	enum verdict verdict;
	char runs[64] = "";
	int err;

	err = lab_try(lab, &(struct ask){ KMEMLAB_API_KMALLOC, 64 * KiB, 0, 0 }, &small);
	if (!err)
		err = lab_try(lab, &(struct ask){ KMEMLAB_API_KMALLOC, big, 0, 0 }, &large);
	for (int i = 0; !err && i < VMALLOC_AREAS; i++) {
		err = lab_alloc(lab, &(struct ask){ KMEMLAB_API_VMALLOC, MiB, 0, 0 }, &v);
		if (err)
			break;
		most = v.phys_runs > most ? v.phys_runs : most;
		snprintf(runs + strlen(runs), sizeof(runs) - strlen(runs), "%s%u",
			 i ? ", " : "", v.phys_runs);
	}
	if (err)
		return err;
	out_u64(f->t, FC_KMALLOC_RUNS, small.phys_runs > large.phys_runs ?
		small.phys_runs : large.phys_runs);
	out_u64(f->t, FC_VMALLOC_RUNS, most);
	verdict = small.phys_runs > 1 || large.phys_runs > 1 ? DOES_NOT_HOLD :
		  most > 1 ? HOLDS : DEPENDS;
	return found(f, verdict, "%skmalloc %s: %u run%s, %s: %u run%s; "
		     "%d vmallocs of %s: %s runs over %u pages each",
		     verdict == DEPENDS ? "depends on chance: the vmalloc pages were "
		     "contiguous this time; " : "",
		     SZ(64 * KiB), small.phys_runs, PLURAL(small.phys_runs),
		     SZ(big), large.phys_runs, PLURAL(large.phys_runs),
		     VMALLOC_AREAS, SZ(MiB), runs, v.nr_pages);
}

#define ISA_DMA_LIMIT	(16 * MiB)

static int fact_gfp_dma(struct lab *lab, struct finding *f)
{
	uint64_t end = lab->info.zone_range[KMEMLAB_ZONE_DMA].end;
	struct kmemlab_report r;
	struct utsname u;
	char zone[32], phys[64];
	bool addrs, below;
	int err;

	if (uname(&u))
		return lab_failed(lab, -errno, "uname");
	if (strcmp(u.machine, "x86_64"))
		return found(f, NOT_CHECKED, "a claim about x86_64; this machine is %s",
			     u.machine);
	err = lab_try(lab, &(struct ask){ KMEMLAB_API_KMALLOC, 256,
			   KMEMLAB_GFP_KERNEL | KMEMLAB_GFP_DMA, 0 }, &r);
	if (err)
		return err;
	addrs = r.flags & KMEMLAB_REPORT_ADDRS;
	if (end)
		out_u64(f->t, FC_DMA_END, end);
	if (addrs) {
		out_u64(f->t, FC_PHYS, r.phys);
		snprintf(phys, sizeof(phys), "phys 0x%llx", (unsigned long long)r.phys);
	} else {
		snprintf(phys, sizeof(phys), "phys withheld (needs CAP_SYS_ADMIN)");
	}
	below = r.zone == KMEMLAB_ZONE_DMA && (r.flags & KMEMLAB_REPORT_ZONE_OK) &&
		end && end <= ISA_DMA_LIMIT &&
		(!addrs || r.phys + r.size <= ISA_DMA_LIMIT);
	return found(f, below ? HOLDS : DOES_NOT_HOLD, "zone %s; ZONE_DMA ends at %s; %s",
		     name_of(&zone_names, r.zone, zone, sizeof(zone)),
		     end ? SZ(end) : "- (no ZONE_DMA)", phys);
}

#define SPEED_PAIRS	21	/* odd: the median is one of them */

static const struct {
	uint64_t size;
	size_t col;
} speed_sizes[] = {
	{ 4 * KiB, FC_RATIO_4K },
	{ 64 * KiB, FC_RATIO_64K },
	{ MiB, FC_RATIO_1M },
};

static uint64_t median(uint64_t *v, size_t n)
{
	stats_sort(v, n);
	return stats_percentile(v, n, 50);
}

/* vmalloc/kmalloc median time of @size, pairs interleaved against drift. */
static int speed_ratio(struct lab *lab, uint64_t size, double *ratio)
{
	uint64_t k[SPEED_PAIRS], v[SPEED_PAIRS], km;
	struct kmemlab_report r;

	for (size_t i = 0; i < SPEED_PAIRS; i++) {
		int err = lab_try(lab, &(struct ask){ KMEMLAB_API_KMALLOC, size, 0, 0 }, &r);

		if (err)
			return err;
		k[i] = r.time_ns;
		err = lab_try(lab, &(struct ask){ KMEMLAB_API_VMALLOC, size, 0, 0 }, &r);
		if (err)
			return err;
		v[i] = r.time_ns;
	}
	km = median(k, SPEED_PAIRS);
	*ratio = (double)median(v, SPEED_PAIRS) / (double)(km ? km : 1);
	return 0;
}

static int fact_vmalloc_speed(struct lab *lab, struct finding *f)
{
	char seen[160] = "";
	size_t slower = 0;

	for (size_t i = 0; i < ARRAY_SIZE(speed_sizes); i++) {
		double ratio;
		int err = speed_ratio(lab, speed_sizes[i].size, &ratio);

		if (err)
			return err;
		out_ratio(f->t, speed_sizes[i].col, ratio);
		slower += ratio > 1;
		snprintf(seen + strlen(seen), sizeof(seen) - strlen(seen), "%s%s: %.1fx",
			 i ? ", " : "", SZ(speed_sizes[i].size), ratio);
	}
	return found(f, slower == ARRAY_SIZE(speed_sizes) ? HOLDS :
		     !slower ? DOES_NOT_HOLD : DEPENDS,
		     "%svmalloc/kmalloc median time ratio %s (%d pairs each%s)",
		     slower && slower < ARRAY_SIZE(speed_sizes) ? "depends on the size: " : "",
		     seen, SPEED_PAIRS, lab->info.flags & KMEMLAB_INFO_INIT_ON_ALLOC ?
		     "; both zero the pages: init_on_alloc=1" : "");
}

/* The contexts that cannot sleep, and the bits that show the driver ran there. */
static const struct {
	uint32_t context;
	bool irq;		/* interrupt context */
	uint32_t need;		/* KMEMLAB_SEEN_* bits it must show */
	uint32_t forbid;	/* and must not */
	const char *proof;
} atomic_contexts[] = {
	{ KMEMLAB_CTX_HARDIRQ, true, KMEMLAB_SEEN_IN_HARDIRQ, 0, "in_hardirq()" },
	{ KMEMLAB_CTX_SOFTIRQ, true, KMEMLAB_SEEN_IN_SOFTIRQ, 0, "in_serving_softirq()" },
	{ KMEMLAB_CTX_ATOMIC, false, 0, KMEMLAB_SEEN_PREEMPTIBLE, "!preemptible()" },
};

static int fact_vmalloc_irq(struct lab *lab, struct finding *f)
{
	struct kmemlab_report r;
	char ctx[32];

	for (size_t i = 0; i < ARRAY_SIZE(atomic_contexts); i++) {
		uint32_t c = atomic_contexts[i].context;
		int err;

		if (!atomic_contexts[i].irq)
			continue;
		err = lab_try(lab, &(struct ask){ KMEMLAB_API_VMALLOC, 4 * KiB, 0, c }, &r);
		if (!err)
			return found(f, DOES_NOT_HOLD, "vmalloc ran in %s context",
				     name_of(&context_names, c, ctx, sizeof(ctx)));
		/* Refused for that reason, not for another malformation. */
		if (err != -EINVAL || lab->reason != KMEMLAB_REASON_API_SLEEPS)
			return err ? err : -EPROTO;
	}
	out_str(f->t, FC_ERRNO, errno_name(EINVAL));
	return found(f, HOLDS, "refused in hardirq and softirq context with EINVAL "
		     "before running, because the driver describes vmalloc as an API "
		     "that may sleep (its might_sleep()): the rule is the driver's, "
		     "the kernel is not made to break it");
}

static int fact_atomic_irq(struct lab *lab, struct finding *f)
{
	char seen[160] = "", buf[32], bits[96];
	struct kmemlab_report r;

	for (size_t i = 0; i < ARRAY_SIZE(atomic_contexts); i++) {
		uint32_t c = atomic_contexts[i].context;
		const char *ctx = name_of(&context_names, c, buf, sizeof(buf));
		int err = lab_try(lab, &(struct ask){ KMEMLAB_API_KMALLOC, 256,
					KMEMLAB_GFP_ATOMIC, c }, &r);

		if (err == -ENOMEM)
			return found(f, DOES_NOT_HOLD, "GFP_ATOMIC failed in %s context: ENOMEM",
				     ctx);
		if (err)
			return err;
		if ((r.seen & atomic_contexts[i].need) != atomic_contexts[i].need ||
		    (r.seen & atomic_contexts[i].forbid))
			return lab_failed(lab, -EPROTO, "the driver ran the %s request with "
					  "context bits '%s'", ctx,
					  names_join(&seen_names, r.seen, ",", bits, sizeof(bits)));
		snprintf(seen + strlen(seen), sizeof(seen) - strlen(seen), "%s%s (%s)",
			 i ? ", " : "", ctx, atomic_contexts[i].proof);
	}
	return found(f, HOLDS, "kmalloc(GFP_ATOMIC) succeeded in %s", seen);
}

/* A bound kmemlab device other than the lab's with no live allocations, or -1. */
static int idle_device(const struct lab *lab)
{
	unsigned int *ids = NULL;
	size_t count = 0;
	int found_id = -1;

	if (device_list(&ids, &count))
		return -1;
	for (size_t i = 0; i < count && found_id < 0; i++) {
		char path[PATH_MAX];
		uint64_t live;

		device_path(ids[i], "live/allocs", path, sizeof(path));
		if (ids[i] != lab->device && device_bound(ids[i]) &&
		    !sysfs_read_u64(path, &live) && !live)
			found_id = (int)ids[i];
	}
	free(ids);
	return found_id;
}

static const uint64_t devm_sizes[] = { 64, 4 * KiB, 64 * KiB };

/* Another process has /dev/kmemlab@id open (or we cannot tell). */
static bool node_in_use(unsigned int id)
{
	struct fuser *users = NULL;
	size_t count = 0, hidden = 0, others = 0;
	char node[64];

	node_path(id, node, sizeof(node));
	if (fuser_scan(node, &users, &count, &hidden))
		return true;
	for (size_t i = 0; i < count; i++)
		others += users[i].pid != getpid();
	free(users);
	return others || hidden;
}

/*
 * Close the lab's file while device @id (if it is the lab's) goes away and
 * comes back: a file still open on the old node would keep its number, and
 * the device would come back as another node.
 */
static void lab_leave(struct lab *lab, unsigned int id)
{
	if (id == lab->device && lab->fd >= 0) {
		close(lab->fd);
		lab->fd = -1;
	}
}

static int lab_return(struct lab *lab)
{
	char node[64];
	int err;

	if (lab->fd >= 0)
		return 0;
	err = kml_open(lab->device, &lab->fd);
	node_path(lab->device, node, sizeof(node));
	return err ? lab_failed(lab, err, "opening %s again", node) : 0;
}

/*
 * Allocate on device @id with devm_kzalloc, note the module's live
 * allocations in *@before and unbind the device. On failure the device is
 * still bound and the allocations are freed.
 */
static int devm_unbind(struct lab *lab, unsigned int id, uint64_t *before)
{
	struct kmemlab_report r;
	struct lab dev;
	char name[32];
	int err = lab_open(&dev, id);

	snprintf(name, sizeof(name), DEVICE_NAME_FMT, id);
	for (size_t i = 0; !err && i < ARRAY_SIZE(devm_sizes); i++)
		err = lab_alloc(&dev, &(struct ask){ KMEMLAB_API_DEVM_KZALLOC,
				devm_sizes[i], 0, 0 }, &r);
	if (!err && (err = sysfs_read_u64(SYS_DRIVER_DIR "/live_allocs", before)))
		lab_failed(&dev, err, "reading " SYS_DRIVER_DIR "/live_allocs");
	if (!err) {
		lab_leave(lab, id);
		err = sysfs_write(SYS_DRIVER_DIR "/unbind", name);
		if (err)
			lab_failed(&dev, err, "unbinding %s", name);
	}
	if (err) {
		memcpy(lab->what, dev.what, sizeof(lab->what));
		if (dev.fd >= 0)
			lab_close(&dev);
		return err;
	}
	dev.nheld = 0;		/* devres has freed them */
	close(dev.fd);
	return 0;
}

/* Bind device @id again and wait for its node. */
static int rebind(struct lab *lab, unsigned int id)
{
	char name[32];
	int err;

	snprintf(name, sizeof(name), DEVICE_NAME_FMT, id);
	err = sysfs_write(SYS_DRIVER_DIR "/bind", name);
	if (err)
		return lab_failed(lab, err, "binding %s again: it is left unbound "
				  "(dmesg may say why; then 'kmemlab bind %u')", name, id);
	if (!node_wait(id, NODE_WAIT_MS))
		return lab_failed(lab, -ETIMEDOUT, "the node of %s did not come back "
				  "within %d ms", name, NODE_WAIT_MS);
	return 0;
}

static int fact_devm_unbind(struct lab *lab, struct finding *f)
{
	int id = lab->info.dev_live.allocs ? idle_device(lab) : (int)lab->device;
	uint64_t before = 0, after = 0, freed;
	size_t n = ARRAY_SIZE(devm_sizes);
	int err, back;

	if (id < 0)
		return found(f, NOT_CHECKED, "device has live allocations; unbinding would "
			     "free them (a second device without any would do: devices=2)");
	if (access(SYS_DRIVER_DIR "/unbind", W_OK))
		return found(f, NOT_CHECKED, "needs root: unbinding writes "
			     SYS_DRIVER_DIR "/unbind");
	if (node_in_use((unsigned int)id))
		return found(f, NOT_CHECKED, "other processes have the node of "
			     DEVICE_NAME_FMT " open; unbinding it would take it from "
			     "them", id);
	err = devm_unbind(lab, (unsigned int)id, &before);
	if (err) {	/* still bound */
		back = lab_return(lab);
		if (back || (err != -EACCES && err != -EPERM))
			return back ? back : err;
		return found(f, NOT_CHECKED, "unbinding was refused: %s", errno_name(-err));
	}
	err = sysfs_read_u64(SYS_DRIVER_DIR "/live_allocs", &after);
	back = rebind(lab, (unsigned int)id);
	if (!back)
		back = lab_return(lab);
	if (back)
		return back;
	if (err)
		return lab_failed(lab, err, "reading " SYS_DRIVER_DIR "/live_allocs");
	freed = before > after ? before - after : 0;
	out_u64(f->t, FC_LIVE_BEFORE, before);
	out_u64(f->t, FC_LIVE_AFTER, after);
	return found(f, freed == n ? HOLDS : DOES_NOT_HOLD,
		     "unbinding " DEVICE_NAME_FMT " freed %llu of %zu devm_kzalloc "
		     "allocations (module live: %llu -> %llu); bound again", id,
		     (unsigned long long)freed, n, (unsigned long long)before,
		     (unsigned long long)after);
}

static int fact_regions(struct lab *lab, struct finding *f)
{
	const uint32_t regions = KMEMLAB_REPORT_DIRECT_MAP | KMEMLAB_REPORT_VMALLOC_RANGE;
	struct kmemlab_report k, v;
	char kr[64], vr[64];
	int err;

	err = lab_try(lab, &(struct ask){ KMEMLAB_API_KMALLOC, 256, 0, 0 }, &k);
	if (!err)
		err = lab_try(lab, &(struct ask){ KMEMLAB_API_VMALLOC, 64 * KiB, 0, 0 }, &v);
	if (err)
		return err;
	return found(f, (k.flags & regions) == KMEMLAB_REPORT_DIRECT_MAP &&
		     (v.flags & regions) == KMEMLAB_REPORT_VMALLOC_RANGE ?
		     HOLDS : DOES_NOT_HOLD, "kmalloc %s: %s; vmalloc %s: %s", SZ(256),
		     names_join(&region_names, k.flags & regions, ",", kr, sizeof(kr)),
		     SZ(64 * KiB),
		     names_join(&region_names, v.flags & regions, ",", vr, sizeof(vr)));
}

static int fact_dma_map(struct lab *lab, struct finding *f)
{
	struct kmemlab_report k, v;
	struct kmemlab_dma single, refused, sg;
	int err, vsingle;

	err = lab_alloc(lab, &(struct ask){ KMEMLAB_API_KMALLOC, 64 * KiB, 0, 0 }, &k);
	if (!err)
		err = lab_alloc(lab, &(struct ask){ KMEMLAB_API_VMALLOC, 256 * KiB, 0, 0 }, &v);
	if (!err)
		err = lab_dma(lab, k.handle, KMEMLAB_DMA_SINGLE, &single);
	if (err == -ENOTTY)
		return found(f, NOT_CHECKED, "the module has no DMA_MAP: it predates DMA "
			     "support");
	if (err == -ERANGE)
		return found(f, DEPENDS, "depends on the device's DMA mask (0x%llx): kmalloc "
			     "memory lies beyond it and no bounce buffer is reachable (ERANGE)",
			     (unsigned long long)lab->info.dma_mask);
	if (err)
		return err;
	vsingle = lab_dma(lab, v.handle, KMEMLAB_DMA_SINGLE, &refused);
	if (vsingle && vsingle != -EINVAL)
		return vsingle;
	err = lab_dma(lab, v.handle, KMEMLAB_DMA_SG, &sg);
	if (err)
		return err;
	out_u64(f->t, FC_NENTS_SINGLE, single.nents);
	out_u64(f->t, FC_NENTS_SG, sg.nents);
	if (vsingle)
		out_str(f->t, FC_ERRNO, errno_name(-vsingle));
	return found(f, single.nents == 1 && vsingle ? HOLDS : DOES_NOT_HOLD,
		     "kmalloc %s: %u segment with dma_map_single%s; vmalloc %s: "
		     "dma_map_single %s, dma_map_sgtable %u segments over %u pages",
		     SZ(64 * KiB), single.nents,
		     single.result & KMEMLAB_DMA_BOUNCED ? " (bounced through swiotlb)" : "",
		     SZ(256 * KiB), vsingle ? "refused (EINVAL)" : "accepted",
		     sg.nents, sg.pages);
}

static const struct fact facts[] = {
	{ "kmalloc-max", "kmalloc cannot allocate more than 128 KB",
	  fact_kmalloc_max, 0 },
	{ "kmalloc-large", "kmalloc requests above KMALLOC_MAX_CACHE_SIZE bypass "
	  "the slab caches", fact_kmalloc_large, 0 },
	{ "kmalloc-rounding", "kmalloc rounds up to a size class, at most 2x the "
	  "request; the smallest object is KMALLOC_MIN_SIZE bytes",
	  fact_kmalloc_rounding, 0 },
	{ "kmalloc-zeroed", "kmalloc memory is not zeroed",
	  fact_kmalloc_zeroed, FACT_ONE_CPU },
	{ "kzalloc-zeroed", "kzalloc memory is always zeroed",
	  fact_kzalloc_zeroed, FACT_ONE_CPU },
	{ "contiguity", "kmalloc memory is physically contiguous; vmalloc memory "
	  "usually is not", fact_contiguity, 0 },
	{ "gfp-dma", "GFP_DMA memory lies below 16 MiB on x86_64", fact_gfp_dma, 0 },
	{ "vmalloc-speed", "vmalloc is slower than kmalloc", fact_vmalloc_speed, 0 },
	{ "vmalloc-irq", "vmalloc must not be called from interrupt context",
	  fact_vmalloc_irq, 0 },
	{ "atomic-irq", "GFP_ATOMIC allocations succeed from hardirq and softirq "
	  "context", fact_atomic_irq, 0 },
	{ "devm-unbind", "devm allocations are freed automatically when the "
	  "driver detaches", fact_devm_unbind, 0 },
	{ "regions", "kmalloc'd addresses are in the direct map; vmalloc'd in "
	  "VMALLOC_START..END", fact_regions, 0 },
	{ "dma-map", "kmalloc memory is suitable for DMA; vmalloc memory is not, "
	  "as one contiguous mapping", fact_dma_map, 0 },
};

/* ---- the runner ---- */

/* Run @fa into a new row of @t; 0, or -errno when it could not run. */
static int run_fact(const struct cli *cli, struct lab *lab, const struct fact *fa,
		    struct out_table *t)
{
	struct finding f = { .t = t };
	char what[sizeof(lab->what)];
	bool pinned = false;
	cpu_set_t saved;
	int err = 0, rel;

	out_row(t);
	out_str(t, FC_ID, fa->id);
	out_str(t, FC_CLAIM, fa->claim);
	for (size_t col = FC_VERDICT + 1; col < ARRAY_SIZE(fact_cols); col++)
		out_none(t, col);
	lab->what[0] = '\0';
	if (fa->flags & FACT_ONE_CPU) {
		err = pin_cpu(&saved);
		pinned = !err;
	}
	if (err)
		lab_failed(lab, err, "pinning to one CPU");
	else
		err = fa->run(lab, &f);
	memcpy(what, lab->what, sizeof(what));
	rel = lab_release(lab);
	if (pinned)
		sched_setaffinity(0, sizeof(saved), &saved);
	if (err)	/* what failed first, not what could not be freed after */
		memcpy(lab->what, what, sizeof(what));
	err = err ? err : rel;
	if (err) {
		found(&f, NOT_CHECKED, "the experiment failed: %s: %s", errno_name(-err),
		      lab->what);
		err_fail(cli->cmd, -err, NULL, "%s: the experiment could not run: %s",
			 fa->id, lab->what);
	}
	out_str(t, FC_OBSERVED, f.observed);
	out_str(t, FC_VERDICT, verdicts[f.verdict]);
	return err;
}

static size_t fact_index(const struct cli *cli, const char *id)
{
	char ids[512] = "", hint[600];

	for (size_t i = 0; i < ARRAY_SIZE(facts); i++) {
		if (!strcmp(id, facts[i].id))
			return i;
		snprintf(ids + strlen(ids), sizeof(ids) - strlen(ids), "%s%s",
			 i ? " " : "", facts[i].id);
	}
	snprintf(hint, sizeof(hint), "claims: %s", ids);
	cli_usage(cli, hint, "unknown claim '%s'", id);
}

static int list_facts(struct cli *cli, const bool *chosen)
{
	struct out_table t;

	cli_table(cli, &t, "facts", &claim_columns);
	for (size_t i = 0; i < ARRAY_SIZE(facts); i++) {
		if (!chosen[i])
			continue;
		out_row(&t);
		out_str(&t, FC_ID, facts[i].id);
		out_str(&t, FC_CLAIM, facts[i].claim);
	}
	return cli_print(cli, &t, 1);
}

enum { OPT_LIST = 'l' };

static const struct cli_opt facts_opts[] = {
	{ "list", OPT_LIST, NULL, "list the claims and their IDs; run nothing" },
	{ 0 }
};

static int run_facts(struct cli *cli, int argc, char **argv)
{
	bool list = false, chosen[ARRAY_SIZE(facts)];
	struct out_table t;
	struct lab lab = { .device = cli->device };
	int c, err, rc = EXIT_SUCCESS;

	while ((c = cli_getopt(cli, argc, argv)) != -1)
		list |= c == OPT_LIST;
	for (size_t i = 0; i < ARRAY_SIZE(facts); i++)
		chosen[i] = optind == argc;
	for (int i = optind; i < argc; i++)
		chosen[fact_index(cli, argv[i])] = true;
	if (list)
		return list_facts(cli, chosen);
	lab.fd = cli_open_with_table(cli, &t, "facts", &fact_columns);
	if (lab.fd < 0)
		return EXIT_FAILURE;
	err = kml_info(lab.fd, &lab.info);
	if (err) {
		close(lab.fd);
		out_free(&t, 1);
		return cli_ioctl_fail(cli, -err, NULL);
	}
	for (size_t i = 0; i < ARRAY_SIZE(facts); i++)
		if (chosen[i] && run_fact(cli, &lab, &facts[i], &t))
			rc = EXIT_FAILURE;
	close(lab.fd);
	err = cli_print(cli, &t, 1);
	return err ? err : rc;
}

static void facts_help(void)
{
	size_t col = 72;

	printf("\nClaims (ID):");
	for (size_t i = 0; i < ARRAY_SIZE(facts); i++) {
		size_t len = strlen(facts[i].id) + 1;

		col = col + len > 72 ? 2 + len : col + len;
		printf("%s%s", col == 2 + len ? "\n  " : " ", facts[i].id);
	}
	printf("\n\nRuns one experiment per claim (or those named) on the device and\n"
	       "gives a verdict: holds, does not hold, depends (OBSERVED says on what)\n"
	       "or not checked (OBSERVED says why). Each experiment frees what it\n"
	       "allocated before the next starts, so the live counters end where they\n"
	       "began. Times are compared only as ratios: under emulation their\n"
	       "absolute values mean little.\n"
	       "\n"
	       "devm-unbind unbinds the device and binds it again (root only). Since\n"
	       "unbinding frees all of a device's allocations, it runs only on a device\n"
	       "that had none when facts started: this one, else another bound kmemlab\n"
	       "device (load with devices=2); otherwise, or while other processes\n"
	       "have its node open (it could not be bound again), it is not checked.\n"
	       "\n"
	       "Exit status: 0 when every experiment ran, whatever the verdicts; 1 when\n"
	       "one could not run (its row says why).\n");
}

static void facts_complete(const char *cur)
{
	for (size_t i = 0; i < ARRAY_SIZE(facts); i++)
		complete_word(cur, facts[i].id);
}

static const struct cli_opt *const facts_optsets[] = { facts_opts, NULL };

const struct cmd cmd_facts = {
	.name = "facts",
	.args = "[ID...]",
	.summary = "test what kernel-memory articles claim, one experiment each",
	.flags = CMD_DEVICE | CMD_OUTPUT | CMD_COLUMNS,
	.opts = facts_optsets,
	.columns = &fact_columns,
	.help = facts_help,
	.complete = facts_complete,
	.run = run_facts,
};
