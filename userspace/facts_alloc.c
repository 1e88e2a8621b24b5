// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab facts: the experiments on the allocators themselves (kmalloc
 * limits and rounding, zeroing, contiguity, GFP_DMA, vmalloc speed, and what
 * each may do in interrupt context).
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cli.h"
#include "facts.h"
#include "fuser.h"
#include "ioctl.h"
#include "names.h"
#include "stats.h"
#include "sysfs.h"

#define CLAIMED_KMALLOC_MAX	(128 * KiB)

int fact_kmalloc_max(struct lab *lab, struct finding *f)
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

int fact_kmalloc_large(struct lab *lab, struct finding *f)
{
	uint64_t max = lab->info.kmalloc_max_cache_size, page = lab->info.page_size;
	struct kmemlab_report at, above;
	int err;

	err = lab_try(lab, &(struct ask){ KMEMLAB_API_KMALLOC, max, 0, 0 }, &at);
	if (!err)
		err = lab_try(lab, &(struct ask){ KMEMLAB_API_KMALLOC, max + 1, 0, 0 }, &above);
	if (err)
		return err;
	out_u64(f->t, FC_KMALLOC_MAX_CACHE, max);
	out_u64(f->t, FC_PAGE_SIZE, page);
	if (above.backing == KMEMLAB_BACKING_PAGES)
		out_u64(f->t, FC_ORDER, above.order);
	return found(f, at.backing == KMEMLAB_BACKING_SLAB &&
		     above.backing == KMEMLAB_BACKING_PAGES && max == 2 * page ?
		     HOLDS : DOES_NOT_HOLD,
		     "%s (KMALLOC_MAX_CACHE_SIZE, %s PAGE_SIZE): %s; %s + 1 B: %s",
		     SZ(max), max == 2 * page ? "2 x" : "not 2 x", BACKING(&at), SZ(max),
		     BACKING(&above));
}

/* Both sides of every size-class boundary up to 8 KiB. */
static const uint32_t round_sizes[] = {
	1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 24, 31, 32, 33, 48, 63, 64, 65,
	80, 96, 97, 127, 128, 129, 160, 192, 193, 255, 256, 257, 384, 511, 512,
	513, 768, 1000, 1023, 1024, 1025, 1536, 2047, 2048, 2049, 3000, 4095,
	4096, 4097, 6144, 8191, 8192,
};

int fact_kmalloc_rounding(struct lab *lab, struct finding *f)
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

int fact_kmalloc_zeroed(struct lab *lab, struct finding *f)
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

int fact_kzalloc_zeroed(struct lab *lab, struct finding *f)
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

int fact_contiguity(struct lab *lab, struct finding *f)
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

int fact_gfp_dma(struct lab *lab, struct finding *f)
{
	uint64_t end = lab->info.zone_range[KMEMLAB_ZONE_DMA].end;
	struct kmemlab_report r;
	struct utsname u;
	char zone[32], phys[64];
	bool addrs, below;
	int err;

	if (uname(&u))
		return lab_failed(lab, -errno, "uname");
	/* x86_64, or 32-bit x86 (i386 to i686): ZONE_DMA is the ISA's 16 MiB. */
	if (strcmp(u.machine, "x86_64") &&
	    !(u.machine[0] == 'i' && strchr("3456", u.machine[1]) && u.machine[1] &&
	      !strcmp(u.machine + 2, "86")))
		return found(f, NOT_CHECKED, "a claim about x86; this machine is %s",
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

int fact_vmalloc_speed(struct lab *lab, struct finding *f)
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

int fact_vmalloc_irq(struct lab *lab, struct finding *f)
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
		if (err != -EINVAL || (lab->reason != KMEMLAB_REASON_API_SLEEPS &&
				       lab->reason != KMEMLAB_REASON_API_IRQ))
			return err ? err : -EPROTO;
	}
	out_str(f->t, FC_ERRNO, errno_name(EINVAL));
	if (lab->reason == KMEMLAB_REASON_API_IRQ)
		return found(f, HOLDS, "refused in hardirq and softirq context with "
			     "EINVAL before running, because the driver describes vmalloc "
			     "as an API whose locks are not irq-safe (this kernel's "
			     "vmalloc takes GFP_ATOMIC, outside interrupts): the rule is "
			     "the driver's, the kernel is not made to break it");
	return found(f, HOLDS, "refused in hardirq and softirq context with EINVAL "
		     "before running, because the driver describes vmalloc as an API "
		     "that may sleep (its might_sleep()): the rule is the driver's, "
		     "the kernel is not made to break it");
}

int fact_atomic_irq(struct lab *lab, struct finding *f)
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

#define NOLOCK_TRIES	2000
#define NOLOCK_SIZE	256

/*
 * Allocate and free @NOLOCK_TRIES objects of @api with @gfp in hardirq
 * context, one at a time (BENCH, one thread); *@ok: how many succeeded.
 */
static int irq_successes(struct lab *lab, uint32_t api, uint64_t gfp, uint64_t *ok)
{
	struct kmemlab_bench b = {
		.api = api, .context = KMEMLAB_CTX_HARDIRQ, .size = NOLOCK_SIZE,
		.gfp = gfp, .iterations = NOLOCK_TRIES, .pattern = KMEMLAB_BENCH_PAIR,
		.threads = 1,
	};
	char name[32];
	int err = kml_bench(lab->fd, &b);

	if (err) {
		lab->reason = b.refusal.reason;
		return lab_failed(lab, err, "BENCH of %s in hardirq context",
				  name_of(&api_names, api, name, sizeof(name)));
	}
	*ok = b.failures < NOLOCK_TRIES ? NOLOCK_TRIES - b.failures : 0;
	return 0;
}

int fact_nolock_irq(struct lab *lab, struct finding *f)
{
	uint64_t nolock = 0, atomic = 0;
	int err;

	err = irq_successes(lab, KMEMLAB_API_KMALLOC_NOLOCK, 0, &nolock);
	if (err == -EOPNOTSUPP && lab->reason == KMEMLAB_REASON_API_UNAVAILABLE) {
		char why[64];
		const struct name_row *r = name_by_value(&unavailable_names,
							  KMEMLAB_UNAVAILABLE_KERNEL);

		snprintf(why, sizeof(why), "%s", r ? r->desc : "not in this kernel");
		return found(f, NOT_CHECKED, "kmalloc_nolock(): %s (Linux 6.18 added it)",
			     why);
	}
	if (!err)
		err = irq_successes(lab, KMEMLAB_API_KMALLOC, KMEMLAB_GFP_ATOMIC, &atomic);
	if (err)
		return err;
	out_ratio(f->t, FC_NOLOCK_RATE, (double)nolock / NOLOCK_TRIES);
	out_ratio(f->t, FC_ATOMIC_RATE, (double)atomic / NOLOCK_TRIES);
	if (!nolock)
		return found(f, DOES_NOT_HOLD, "kmalloc_nolock() failed all %d times in "
			     "hardirq context; kmalloc(GFP_ATOMIC) succeeded %" PRIu64
			     " times", NOLOCK_TRIES, atomic);
	return found(f, HOLDS, "in hardirq context, %d tries of %d bytes each: "
		     "kmalloc_nolock() succeeded %" PRIu64 " times, kmalloc(GFP_ATOMIC) "
		     "%" PRIu64 "%s", NOLOCK_TRIES, NOLOCK_SIZE, nolock, atomic,
		     nolock < atomic ? "; kmalloc_nolock() gave up where it would have "
		     "had to wait for a lock" : "; no lock it needed was held meanwhile");
}
