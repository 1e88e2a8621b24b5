// SPDX-License-Identifier: GPL-2.0
/*
 * The name tables. One row per name: CLI name (= the kernel's name), ABI
 * value, capabilities, one-line description.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <linux/kmemlab.h>

#include "names.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BIT(n)		(1ULL << (n))
#define TABLE(w, r, b, c) { .what = (w), .rows = (r), .count = ARRAY_SIZE(r), \
			    .stride = sizeof((r)[0]), .bits = (b), .caps = (c) }
/* A table whose names an option takes (completion offers them). */
#define OPTION_TABLE(w, r, b, c, o) { .what = (w), .rows = (r), .count = ARRAY_SIZE(r), \
				     .stride = sizeof((r)[0]), .bits = (b), .caps = (c), \
				     .option = (o) }

#define SLAB	BIT(KMEMLAB_BACKING_SLAB)
#define PAGES	BIT(KMEMLAB_BACKING_PAGES)
#define VMALLOC	BIT(KMEMLAB_BACKING_VMALLOC)

/* ---- capability names (shown by the listings) ---- */

static const struct name_row api_cap_rows[] = {
	{ "may-sleep", NULL, API_SLEEPS, 0, "may sleep: process context only" },
	{ "count", NULL, API_COUNT, 0, "takes --count" },
	{ "cache", NULL, API_CACHE, 0, "takes --name, --align, --hwcache-align" },
	{ "resizable", NULL, API_RESIZE, 0, "kmemlab realloc can resize it" },
	{ "devm", NULL, API_DEVM, 0, "device-managed: freed on unbind" },
	{ "zeroed", NULL, API_ZEROES, 0, "always zeroed" },
	{ "pages", NULL, API_PAGE, 0, "page API: 2^order pages" },
	{ "one-page", NULL, API_ONE_PAGE, 0, "at most one page" },
	{ "dma-mask", NULL, API_DMA_MASK, 0, "within the device's DMA mask" },
};
static const struct name_table api_caps = TABLE("property", api_cap_rows, true, NULL);

static const struct name_row gfp_cap_rows[] = {
	{ "base", NULL, GFPF_BASE, 0, "base type: give at most one" },
	{ "zone", NULL, GFPF_ZONE, 0, "zone modifier: give at most one" },
	{ "modifier", NULL, GFPF_MOD, 0, "action modifier: combines freely" },
	{ "may-sleep", NULL, GFPF_SLEEPS, 0, "may sleep: process context only" },
	{ "pages-only", NULL, GFPF_PAGES_ONLY, 0, "page APIs only" },
	{ "order<=1", NULL, GFPF_LOW_ORDER, 0, "up to order 1 only" },
};
static const struct name_table gfp_caps = TABLE("property", gfp_cap_rows, true, NULL);

static const struct name_row ctx_cap_rows[] = {
	{ "may-sleep", NULL, CTXF_SLEEPS, 0, "allocations may sleep here" },
};
static const struct name_table ctx_caps = TABLE("property", ctx_cap_rows, true, NULL);

/* ---- APIs ---- */

/* The GFP flags each kind of allocator takes. */
#define GFP_MODIFIERS	(KMEMLAB_GFP_ZERO | KMEMLAB_GFP_NOWARN | KMEMLAB_GFP_NORETRY | \
			 KMEMLAB_GFP_RETRY_MAYFAIL | KMEMLAB_GFP_NOFAIL |	\
			 KMEMLAB_GFP_HIGH | KMEMLAB_GFP_ACCOUNT)
/* slab memory: no highmem, and there are no DMA32 kmalloc caches */
#define GFP_SLAB	(KMEMLAB_GFP_KERNEL | KMEMLAB_GFP_ATOMIC | KMEMLAB_GFP_NOWAIT | \
			 KMEMLAB_GFP_NOIO | KMEMLAB_GFP_NOFS | KMEMLAB_GFP_USER | \
			 KMEMLAB_GFP_DMA | GFP_MODIFIERS)
#define GFP_PAGES	(GFP_SLAB | KMEMLAB_GFP_HIGHUSER | KMEMLAB_GFP_DMA32)
#define GFP_PAGE_ADDR	(GFP_PAGES & ~KMEMLAB_GFP_HIGHUSER)	/* returns an address */
/* __vmalloc(): reclaiming base types, vmalloc_32() zones */
#define GFP_VMALLOC	(KMEMLAB_GFP_KERNEL | KMEMLAB_GFP_NOIO | KMEMLAB_GFP_NOFS | \
			 KMEMLAB_GFP_DMA32 | (GFP_MODIFIERS & ~KMEMLAB_GFP_HIGH))
#define GFP_KVMALLOC	(GFP_SLAB & ~KMEMLAB_GFP_DMA)
/* dma_alloc_coherent(): the device's mask picks the zone, not the flags */
#define GFP_COHERENT	(KMEMLAB_GFP_KERNEL | KMEMLAB_GFP_ATOMIC | KMEMLAB_GFP_NOWAIT | \
			 KMEMLAB_GFP_ZERO | KMEMLAB_GFP_NOWARN)

static const struct api_row api_rows[] = {
	{ { "kmalloc", NULL, KMEMLAB_API_KMALLOC, API_RESIZE,
	    "kmalloc(): a slab object; whole pages above KMALLOC_MAX_CACHE_SIZE" },
	  SLAB | PAGES, GFP_SLAB, LIMIT_KMALLOC, "kfree" },
	{ { "kzalloc", NULL, KMEMLAB_API_KZALLOC, API_RESIZE | API_ZEROES,
	    "kzalloc(): kmalloc() with __GFP_ZERO" },
	  SLAB | PAGES, GFP_SLAB, LIMIT_KMALLOC, "kfree" },
	{ { "kcalloc", NULL, KMEMLAB_API_KCALLOC,
	    API_COUNT | API_RESIZE | API_ZEROES,
	    "kcalloc(): a zeroed array of --count elements of --size bytes" },
	  SLAB | PAGES, GFP_SLAB, LIMIT_KMALLOC, "kfree" },
	{ { "krealloc", NULL, KMEMLAB_API_KREALLOC, API_RESIZE,
	    "krealloc() from NULL; 'kmemlab realloc' resizes it" },
	  SLAB | PAGES, GFP_SLAB, LIMIT_KMALLOC, "kfree" },
	{ { "vmalloc", "__vmalloc", KMEMLAB_API_VMALLOC, API_SLEEPS,
	    "__vmalloc(): pages mapped contiguously into the vmalloc range" },
	  VMALLOC, GFP_VMALLOC, LIMIT_QUOTA, "vfree" },
	{ { "vzalloc", NULL, KMEMLAB_API_VZALLOC, API_SLEEPS | API_ZEROES,
	    "vzalloc(): zeroed vmalloc()" },
	  VMALLOC, GFP_VMALLOC, LIMIT_QUOTA, "vfree" },
	{ { "kvmalloc", NULL, KMEMLAB_API_KVMALLOC, API_SLEEPS,
	    "kvmalloc(): kmalloc(), falling back to vmalloc() when that fails" },
	  SLAB | PAGES | VMALLOC, GFP_KVMALLOC, LIMIT_QUOTA, "kvfree" },
	{ { "kvzalloc", NULL, KMEMLAB_API_KVZALLOC, API_SLEEPS | API_ZEROES,
	    "kvzalloc(): zeroed kvmalloc()" },
	  SLAB | PAGES | VMALLOC, GFP_KVMALLOC, LIMIT_QUOTA, "kvfree" },
	{ { "get_free_pages", "__get_free_pages", KMEMLAB_API_GET_FREE_PAGES,
	    API_PAGE, "__get_free_pages(): 2^order contiguous pages, as an address" },
	  PAGES, GFP_PAGE_ADDR, LIMIT_ORDER, "free_pages" },
	{ { "alloc_pages", NULL, KMEMLAB_API_ALLOC_PAGES, API_PAGE,
	    "alloc_pages(): 2^order contiguous pages, as a struct page" },
	  PAGES, GFP_PAGES, LIMIT_ORDER, "__free_pages" },
	{ { "get_zeroed_page", NULL, KMEMLAB_API_GET_ZEROED_PAGE,
	    API_PAGE | API_ONE_PAGE | API_ZEROES,
	    "get_zeroed_page(): one zeroed page" },
	  PAGES, GFP_PAGE_ADDR, LIMIT_PAGE, "free_page" },
	{ { "kmem_cache", "kmem_cache_alloc", KMEMLAB_API_KMEM_CACHE, API_CACHE,
	    "kmem_cache_alloc() from the cache --name, created on first use" },
	  SLAB, GFP_SLAB, LIMIT_KMALLOC, "kmem_cache_free" },
	{ { "devm_kmalloc", NULL, KMEMLAB_API_DEVM_KMALLOC, API_DEVM | API_SLEEPS,
	    "devm_kmalloc(): kmalloc() that devres frees on unbind" },
	  SLAB | PAGES, GFP_SLAB, LIMIT_KMALLOC, "devm_kfree" },
	{ { "devm_kzalloc", NULL, KMEMLAB_API_DEVM_KZALLOC,
	    API_DEVM | API_SLEEPS | API_ZEROES,
	    "devm_kzalloc(): kzalloc() that devres frees on unbind" },
	  SLAB | PAGES, GFP_SLAB, LIMIT_KMALLOC, "devm_kfree" },
	{ { "devm_kcalloc", NULL, KMEMLAB_API_DEVM_KCALLOC,
	    API_DEVM | API_SLEEPS | API_COUNT | API_ZEROES,
	    "devm_kcalloc(): kcalloc() that devres frees on unbind" },
	  SLAB | PAGES, GFP_SLAB, LIMIT_KMALLOC, "devm_kfree" },
	{ { "dma_alloc_coherent", NULL, KMEMLAB_API_DMA_ALLOC_COHERENT,
	    API_ZEROES | API_DMA_MASK,
	    "dma_alloc_coherent(): zeroed pages within the device's DMA mask, "
	    "mapped for it" },
	  PAGES, GFP_COHERENT, LIMIT_ORDER, "dma_free_coherent" },
};
const struct name_table api_names = OPTION_TABLE("API", api_rows, false, &api_caps, "api");

/* ---- GFP flags ---- */

#define SLEEPY_BASE	(GFPF_BASE | GFPF_SLEEPS)

static const struct name_row gfp_rows[] = {
	{ "GFP_KERNEL", NULL, KMEMLAB_GFP_KERNEL, SLEEPY_BASE,
	  "may sleep and reclaim: the usual choice in process context" },
	{ "GFP_ATOMIC", NULL, KMEMLAB_GFP_ATOMIC, GFPF_BASE,
	  "never sleeps; may use the atomic reserves" },
	{ "GFP_NOWAIT", NULL, KMEMLAB_GFP_NOWAIT, GFPF_BASE,
	  "never sleeps, no reserves: fails fast" },
	{ "GFP_NOIO", NULL, KMEMLAB_GFP_NOIO, SLEEPY_BASE,
	  "may sleep, but reclaim starts no I/O" },
	{ "GFP_NOFS", NULL, KMEMLAB_GFP_NOFS, SLEEPY_BASE,
	  "may sleep, but reclaim does not call into filesystems" },
	{ "GFP_USER", NULL, KMEMLAB_GFP_USER, SLEEPY_BASE,
	  "for memory that userspace will map; may sleep" },
	{ "GFP_HIGHUSER", NULL, KMEMLAB_GFP_HIGHUSER,
	  SLEEPY_BASE | GFPF_PAGES_ONLY,
	  "GFP_USER that may use highmem: page APIs only" },
	{ "GFP_DMA", "__GFP_DMA", KMEMLAB_GFP_DMA, GFPF_ZONE,
	  "from ZONE_DMA (legacy devices)" },
	{ "GFP_DMA32", "__GFP_DMA32", KMEMLAB_GFP_DMA32, GFPF_ZONE,
	  "from ZONE_DMA32 (below 4 GiB)" },
	{ "__GFP_ZERO", NULL, KMEMLAB_GFP_ZERO, GFPF_MOD,
	  "return zeroed memory" },
	{ "__GFP_NOWARN", NULL, KMEMLAB_GFP_NOWARN, GFPF_MOD,
	  "no warning when the allocation fails" },
	{ "__GFP_NORETRY", NULL, KMEMLAB_GFP_NORETRY, GFPF_MOD,
	  "give up after one light attempt at reclaim" },
	{ "__GFP_RETRY_MAYFAIL", NULL, KMEMLAB_GFP_RETRY_MAYFAIL, GFPF_MOD,
	  "retry hard, but fail rather than invoke the OOM killer" },
	{ "__GFP_NOFAIL", NULL, KMEMLAB_GFP_NOFAIL, GFPF_MOD | GFPF_LOW_ORDER,
	  "retry forever, never fail; up to order 1" },
	{ "__GFP_HIGH", NULL, KMEMLAB_GFP_HIGH, GFPF_MOD,
	  "high priority: may use part of the emergency reserves" },
	{ "__GFP_ACCOUNT", NULL, KMEMLAB_GFP_ACCOUNT, GFPF_MOD,
	  "charge the memory to the caller's memory cgroup" },
};
const struct name_table gfp_names = OPTION_TABLE("GFP flag", gfp_rows, true, &gfp_caps, "gfp");

const struct removed_gfp removed_gfps[] = {
	{ "__GFP_WAIT", "4.4",
	  "use a base type that may sleep, such as GFP_KERNEL" },
	{ "__GFP_REPEAT", "4.13",
	  "use __GFP_RETRY_MAYFAIL, or __GFP_NORETRY for the opposite" },
	{ "GFP_TEMPORARY", "4.14", "use GFP_KERNEL" },
	{ "__GFP_COLD", "4.15",
	  "no successor: the page allocator no longer keeps cache-cold lists" },
};
const size_t removed_gfps_count = ARRAY_SIZE(removed_gfps);

/* ---- contexts, zones, backings, observed context, address regions ---- */

static const struct name_row context_rows[] = {
	{ "process", NULL, KMEMLAB_CTX_PROCESS, CTXF_SLEEPS,
	  "in the ioctl caller's task: may sleep" },
	{ "atomic", NULL, KMEMLAB_CTX_ATOMIC, 0,
	  "in the caller's task with a spinlock held (preemption off)" },
	{ "softirq", NULL, KMEMLAB_CTX_SOFTIRQ, 0,
	  "on the BH workqueue or in a tasklet (softirq context)" },
	{ "hardirq", NULL, KMEMLAB_CTX_HARDIRQ, 0,
	  "in a hard irq_work callback (hardirq context)" },
};
const struct name_table context_names = OPTION_TABLE("context", context_rows, false, &ctx_caps,
						    "context");

static const struct name_row zone_rows[] = {
	{ "DMA", NULL, KMEMLAB_ZONE_DMA, 0, "ZONE_DMA: legacy DMA (below 16 MiB on x86)" },
	{ "DMA32", NULL, KMEMLAB_ZONE_DMA32, 0, "ZONE_DMA32: below 4 GiB" },
	{ "Normal", NULL, KMEMLAB_ZONE_NORMAL, 0, "ZONE_NORMAL" },
	{ "HighMem", NULL, KMEMLAB_ZONE_HIGHMEM, 0, "ZONE_HIGHMEM (32-bit kernels)" },
	{ "Movable", NULL, KMEMLAB_ZONE_MOVABLE, 0, "ZONE_MOVABLE" },
	{ "Device", NULL, KMEMLAB_ZONE_DEVICE, 0, "ZONE_DEVICE" },
};
const struct name_table zone_names = TABLE("zone", zone_rows, false, NULL);

static const struct name_row backing_rows[] = {
	{ "slab", NULL, KMEMLAB_BACKING_SLAB, 0, "an object of a slab cache" },
	{ "pages", NULL, KMEMLAB_BACKING_PAGES, 0, "whole pages of the page allocator" },
	{ "vmalloc", NULL, KMEMLAB_BACKING_VMALLOC, 0, "pages mapped into the vmalloc range" },
};
const struct name_table backing_names = TABLE("backing", backing_rows, false, NULL);

static const struct name_row seen_rows[] = {
	{ "preemptible", NULL, KMEMLAB_SEEN_PREEMPTIBLE, 0, "preemptible()" },
	{ "interrupt", NULL, KMEMLAB_SEEN_IN_INTERRUPT, 0, "in_interrupt()" },
	{ "softirq", NULL, KMEMLAB_SEEN_IN_SOFTIRQ, 0, "in_serving_softirq()" },
	{ "hardirq", NULL, KMEMLAB_SEEN_IN_HARDIRQ, 0, "in_hardirq()" },
	{ "irqs-off", NULL, KMEMLAB_SEEN_IRQS_DISABLED, 0, "irqs_disabled()" },
};
const struct name_table seen_names = TABLE("context bit", seen_rows, true, NULL);

static const struct name_row region_rows[] = {
	{ "direct-map", NULL, KMEMLAB_REPORT_DIRECT_MAP, 0, "the kernel's direct map" },
	{ "vmalloc", NULL, KMEMLAB_REPORT_VMALLOC_RANGE, 0, "the vmalloc range" },
};
const struct name_table region_names = TABLE("region", region_rows, true, NULL);

/* ---- DMA mapping modes and directions ---- */

static const struct name_row dma_mode_rows[] = {
	{ "single", NULL, KMEMLAB_DMA_SINGLE, 0,
	  "dma_map_single(): one segment; direct-map memory only" },
	{ "sg", NULL, KMEMLAB_DMA_SG, 0,
	  "dma_map_sgtable(): page by page; the way to map vmalloc memory" },
};
const struct name_table dma_mode_names = OPTION_TABLE("DMA mode", dma_mode_rows, false, NULL,
						     "mode");

static const struct name_row dma_dir_rows[] = {
	{ "to-device", NULL, KMEMLAB_DMA_TO_DEVICE, 0, "DMA_TO_DEVICE" },
	{ "from-device", NULL, KMEMLAB_DMA_FROM_DEVICE, 0, "DMA_FROM_DEVICE" },
	{ "bidirectional", NULL, KMEMLAB_DMA_BIDIRECTIONAL, 0, "DMA_BIDIRECTIONAL" },
};
const struct name_table dma_dir_names = OPTION_TABLE("DMA direction", dma_dir_rows, false,
						    NULL, "direction");

const struct name_table *const name_tables[] = {
	&api_names, &gfp_names, &context_names, &zone_names, &backing_names,
	&seen_names, &region_names, &dma_mode_names, &dma_dir_names, NULL,
};

/* ---- bench patterns ---- */

static const struct name_row bench_pattern_rows[] = {
	{ "pair", NULL, KMEMLAB_BENCH_PAIR, 0,
	  "alloc, free, alloc, free: the per-CPU fast path" },
	{ "batch", NULL, KMEMLAB_BENCH_BATCH, 0,
	  "N allocs, then N frees: the allocator refills and drains" },
};
const struct name_table bench_pattern_names = TABLE("pattern", bench_pattern_rows, false, NULL);

/* ---- generic lookups ---- */

const struct name_row *name_at(const struct name_table *t, size_t i)
{
	return (const struct name_row *)((const char *)t->rows + i * t->stride);
}

const struct name_row *name_find(const struct name_table *t, const char *name)
{
	for (size_t i = 0; i < t->count; i++) {
		const struct name_row *r = name_at(t, i);

		if (!strcasecmp(name, r->name) ||
		    (r->alias && !strcasecmp(name, r->alias)))
			return r;
	}
	return NULL;
}

const struct name_row *name_by_value(const struct name_table *t, uint64_t value)
{
	for (size_t i = 0; i < t->count; i++)
		if (name_at(t, i)->value == value)
			return name_at(t, i);
	return NULL;
}

const char *name_of(const struct name_table *t, uint64_t value,
		    char *buf, size_t len)
{
	const struct name_row *r = name_by_value(t, value);

	if (r)
		return r->name;
	snprintf(buf, len, "unknown(%llu)", (unsigned long long)value);
	return buf;
}

/* Append @s to @buf, with @sep unless @buf is empty. */
static void append(char *buf, size_t len, const char *sep, const char *s)
{
	size_t used = strlen(buf);

	if (used < len)
		snprintf(buf + used, len - used, "%s%s", used ? sep : "", s);
}

static uint64_t row_bit(const struct name_table *t, const struct name_row *r)
{
	return t->bits ? r->value : (r->value < 64 ? BIT(r->value) : 0);
}

char *names_join(const struct name_table *t, uint64_t mask, const char *sep,
		 char *buf, size_t len)
{
	uint64_t known = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < t->count; i++) {
		const struct name_row *r = name_at(t, i);
		uint64_t bit = row_bit(t, r);

		known |= bit;
		if (bit && (mask & bit) == bit)
			append(buf, len, sep, r->name);
	}
	if (mask & ~known) {
		char rest[32];

		snprintf(rest, sizeof(rest), "0x%llx",
			 (unsigned long long)(mask & ~known));
		append(buf, len, sep, rest);
	}
	return buf;
}

char *names_list(const struct name_table *t, unsigned int caps,
		 const char *sep, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < t->count; i++) {
		const struct name_row *r = name_at(t, i);

		if ((r->caps & caps) == caps)
			append(buf, len, sep, r->name);
	}
	return buf;
}

uint64_t names_mask(const struct name_table *t, unsigned int caps)
{
	uint64_t mask = 0;

	for (size_t i = 0; i < t->count; i++) {
		const struct name_row *r = name_at(t, i);

		if ((r->caps & caps) == caps)
			mask |= row_bit(t, r);
	}
	return mask;
}

const struct api_row *api_find(const char *name)
{
	return (const struct api_row *)name_find(&api_names, name);
}

const struct api_row *api_by_value(uint32_t value)
{
	return (const struct api_row *)name_by_value(&api_names, value);
}

/* ---- GFP parsing ---- */

/* "__GFP_ZERO" -> "ZERO", "GFP_KERNEL" -> "KERNEL". */
static const char *gfp_stem(const char *name)
{
	if (!strncasecmp(name, "__GFP_", 6))
		return name + 6;
	if (!strncasecmp(name, "GFP_", 4))
		return name + 4;
	return name;
}

/* @tok is @name, or @name without its prefix. */
static bool gfp_matches(const char *tok, const char *name)
{
	return name && (!strcasecmp(tok, name) || !strcasecmp(tok, gfp_stem(name)));
}

static const struct name_row *gfp_find(const char *tok)
{
	for (size_t i = 0; i < gfp_names.count; i++) {
		const struct name_row *r = name_at(&gfp_names, i);

		if (gfp_matches(tok, r->name) || gfp_matches(tok, r->alias))
			return r;
	}
	return NULL;
}

static const struct removed_gfp *gfp_find_removed(const char *tok)
{
	for (size_t i = 0; i < removed_gfps_count; i++)
		if (gfp_matches(tok, removed_gfps[i].name))
			return &removed_gfps[i];
	return NULL;
}

/* Parse one token of @len bytes at @tok; on failure record it in @res. */
static int gfp_token(const char *tok, size_t len, struct gfp_parse *res)
{
	char name[64];
	const struct name_row *r;

	res->bad = tok;
	res->bad_len = len;
	if (len == 0)
		return -EINVAL;
	if (len >= sizeof(name))
		return -ENOENT;
	memcpy(name, tok, len);
	name[len] = '\0';
	r = gfp_find(name);
	if (!r) {
		res->removed = gfp_find_removed(name);
		res->suggest = gfp_find(gfp_stem(name));	/* a wrong prefix */
		return -ENOENT;
	}
	res->bits |= r->value;
	return 0;
}

int gfp_parse(const char *spec, struct gfp_parse *res)
{
	const char *p = spec;

	memset(res, 0, sizeof(*res));
	for (;;) {
		size_t len;
		int err;

		p += strspn(p, " \t");
		len = strcspn(p, "|,");
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		err = gfp_token(p, len, res);
		if (err)
			return err;
		p += strcspn(p, "|,");
		if (*p == '\0')
			return 0;
		p++;	/* the separator */
	}
}

char *gfp_format(uint64_t bits, char *buf, size_t len)
{
	return names_join(&gfp_names, bits, "|", buf, len);
}
