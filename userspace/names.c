// SPDX-License-Identifier: GPL-2.0
/*
 * The name tables. One row per name: CLI name (= the kernel's name), ABI
 * value, capabilities, one-line description.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <linux/kmemlab.h>

#include "ioctl.h"
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
	{ "may-sleep", NULL, KMEMLAB_API_CAP_SLEEPS, 0, "may sleep: process context only", NULL },
	{ "count", NULL, KMEMLAB_API_CAP_COUNT, 0, "takes --count", NULL },
	{ "cache", NULL, KMEMLAB_API_CAP_CACHE, 0, "takes --name, --align, --hwcache-align", NULL },
	{ "resizable", NULL, KMEMLAB_API_CAP_RESIZE, 0, "kmemlab realloc can resize it", NULL },
	{ "devm", NULL, KMEMLAB_API_CAP_DEVM, 0, "device-managed: freed on unbind", NULL },
	{ "zeroed", NULL, KMEMLAB_API_CAP_ZEROES, 0, "always zeroed", NULL },
	{ "pages", NULL, KMEMLAB_API_CAP_ORDER, 0, "page API: 2^order pages", NULL },
	{ "vmap", NULL, KMEMLAB_API_CAP_VMAP, 0, "may map order-0 pages (vmalloc)", NULL },
	{ "no-bench", NULL, KMEMLAB_API_CAP_NO_BENCH, 0, "kmemlab bench cannot time it", NULL },
	{ "free-sleeps", NULL, KMEMLAB_API_CAP_FREE_SLEEPS, 0, "its free may sleep", NULL },
	{ "dma-mask", NULL, KMEMLAB_API_CAP_DMA_MASK, 0, "within the device's DMA mask", NULL },
	{ "coherent", NULL, KMEMLAB_API_CAP_COHERENT, 0, "already mapped for the device", NULL },
	{ "create-admin", NULL, KMEMLAB_API_CAP_CREATE_ADMIN, 0,
	  "creating its cache needs CAP_SYS_ADMIN", NULL },
	{ "no-irq", NULL, KMEMLAB_API_CAP_NO_IRQ, 0,
	  "never in interrupt context (its locks are not irq-safe)", NULL },
	{ "sheaves", NULL, KMEMLAB_API_CAP_SHEAVES, 0,
	  "its cache can have per-CPU sheaves (--sheaf-capacity)", NULL },
};
static const struct name_table api_caps = TABLE("property", api_cap_rows, true, NULL);

static const struct name_row gfp_cap_rows[] = {
	{ "base", NULL, KMEMLAB_GFP_CAP_BASE, 0, "base type: give at most one", NULL },
	{ "zone", NULL, KMEMLAB_GFP_CAP_ZONE, 0, "zone modifier: give at most one", NULL },
	{ "modifier", NULL, KMEMLAB_GFP_CAP_MODIFIER, 0, "action modifier: combines freely", NULL },
	{ "may-sleep", NULL, KMEMLAB_GFP_CAP_SLEEPS, 0, "may sleep: process context only", NULL },
	{ "needs-reclaim", NULL, KMEMLAB_GFP_CAP_NEEDS_RECLAIM, 0,
	  "needs a base type that may sleep", NULL },
};
static const struct name_table gfp_caps = TABLE("property", gfp_cap_rows, true, NULL);

static const struct name_row ctx_cap_rows[] = {
	{ "may-sleep", NULL, KMEMLAB_CTX_CAP_SLEEPS, 0, "allocations may sleep here", NULL },
	{ "irq", NULL, KMEMLAB_CTX_CAP_IRQ, 0, "interrupt context (in_interrupt())", NULL },
};
static const struct name_table ctx_caps = TABLE("property", ctx_cap_rows, true, NULL);

/* ---- APIs ---- */

static const struct api_row api_rows[] = {
	{ { "kmalloc", NULL, KMEMLAB_API_KMALLOC, 0,
	    "kmalloc(): a slab object; whole pages above KMALLOC_MAX_CACHE_SIZE", NULL },
	  SLAB | PAGES, "kfree" },
	{ { "kzalloc", NULL, KMEMLAB_API_KZALLOC, 0,
	    "kzalloc(): kmalloc() with __GFP_ZERO", NULL },
	  SLAB | PAGES, "kfree" },
	{ { "kcalloc", NULL, KMEMLAB_API_KCALLOC, 0,
	    "kcalloc(): a zeroed array of --count elements of --size bytes", NULL },
	  SLAB | PAGES, "kfree" },
	{ { "krealloc", NULL, KMEMLAB_API_KREALLOC, 0,
	    "krealloc() from NULL; 'kmemlab realloc' resizes it", NULL },
	  SLAB | PAGES, "kfree" },
	{ { "vmalloc", "__vmalloc", KMEMLAB_API_VMALLOC, 0,
	    "__vmalloc(): pages mapped contiguously into the vmalloc range", NULL },
	  VMALLOC, "vfree" },
	{ { "vzalloc", NULL, KMEMLAB_API_VZALLOC, 0,
	    "vzalloc(): zeroed vmalloc()", NULL },
	  VMALLOC, "vfree" },
	{ { "kvmalloc", NULL, KMEMLAB_API_KVMALLOC, 0,
	    "kvmalloc(): kmalloc(), falling back to vmalloc() when that fails", NULL },
	  SLAB | PAGES | VMALLOC, "kvfree" },
	{ { "kvzalloc", NULL, KMEMLAB_API_KVZALLOC, 0,
	    "kvzalloc(): zeroed kvmalloc()", NULL },
	  SLAB | PAGES | VMALLOC, "kvfree" },
	{ { "kvcalloc", NULL, KMEMLAB_API_KVCALLOC, 0,
	    "kvcalloc(): a zeroed array of --count elements, kmalloc() or vmalloc()",
	    NULL },
	  SLAB | PAGES | VMALLOC, "kvfree" },
	{ { "get_free_pages", "__get_free_pages", KMEMLAB_API_GET_FREE_PAGES, 0, "__get_free_pages(): 2^order contiguous pages, as an address", NULL },
	  PAGES, "free_pages" },
	{ { "alloc_pages", NULL, KMEMLAB_API_ALLOC_PAGES, 0,
	    "alloc_pages(): 2^order contiguous pages, as a struct page", NULL },
	  PAGES, "__free_pages" },
	{ { "get_zeroed_page", NULL, KMEMLAB_API_GET_ZEROED_PAGE, 0,
	    "get_zeroed_page(): one zeroed page", NULL },
	  PAGES, "free_page" },
	{ { "kmem_cache", "kmem_cache_alloc", KMEMLAB_API_KMEM_CACHE, 0,
	    "kmem_cache_alloc() from the cache --name, created on first use", NULL },
	  SLAB, "kmem_cache_free" },
	{ { "devm_kmalloc", NULL, KMEMLAB_API_DEVM_KMALLOC, 0,
	    "devm_kmalloc(): kmalloc() that devres frees on unbind", NULL },
	  SLAB | PAGES, "devm_kfree" },
	{ { "devm_kzalloc", NULL, KMEMLAB_API_DEVM_KZALLOC, 0,
	    "devm_kzalloc(): kzalloc() that devres frees on unbind", NULL },
	  SLAB | PAGES, "devm_kfree" },
	{ { "devm_kcalloc", NULL, KMEMLAB_API_DEVM_KCALLOC, 0,
	    "devm_kcalloc(): kcalloc() that devres frees on unbind", NULL },
	  SLAB | PAGES, "devm_kfree" },
	{ { "dma_alloc_coherent", NULL, KMEMLAB_API_DMA_ALLOC_COHERENT, 0,
	    "dma_alloc_coherent(): zeroed pages within the device's DMA mask, "
	    "mapped for it; for a device that is not cache-coherent (arm64's "
	    "platform devices) mapped again, uncached, in the vmalloc area", NULL },
	  PAGES | VMALLOC, "dma_free_coherent" },
	{ { "kmalloc_nolock", NULL, KMEMLAB_API_KMALLOC_NOLOCK, 0,
	    "kmalloc_nolock(): a slab object from any context, failing rather "
	    "than spinning on a lock (Linux 6.18)", NULL },
	  SLAB, "kfree_nolock" },
	{ { "alloc_pages_nolock", NULL, KMEMLAB_API_ALLOC_PAGES_NOLOCK, 0,
	    "alloc_pages_nolock(): zeroed pages from any context, from the "
	    "per-CPU lists only (Linux 6.16)", NULL },
	  PAGES, "__free_pages" },
	{ { "kmem_buckets", "kmem_buckets_alloc", KMEMLAB_API_KMEM_BUCKETS, 0,
	    "kmem_buckets_alloc(): kmalloc() from the module's own size buckets, "
	    "caches apart from kmalloc-N (Linux 6.11)", NULL },
	  SLAB | PAGES, "kfree" },
	{ { "kmalloc_obj", NULL, KMEMLAB_API_KMALLOC_OBJ, 0,
	    "kmalloc_obj(): one object of a type; its size comes from the type", NULL },
	  SLAB | PAGES, "kfree" },
	{ { "kzalloc_obj", NULL, KMEMLAB_API_KZALLOC_OBJ, 0,
	    "kzalloc_obj(): kmalloc_obj() with __GFP_ZERO", NULL },
	  SLAB | PAGES, "kfree" },
	{ { "kmalloc_objs", NULL, KMEMLAB_API_KMALLOC_OBJS, 0,
	    "kmalloc_objs(): an array of --count objects of a type", NULL },
	  SLAB | PAGES, "kfree" },
};
struct name_table api_names = OPTION_TABLE("API", api_rows, false, &api_caps, "api");

/* ---- GFP flags ---- */

static const struct name_row gfp_rows[] = {
	{ "GFP_KERNEL", NULL, KMEMLAB_GFP_KERNEL, 0,
	  "may sleep and reclaim: the usual choice in process context", NULL },
	{ "GFP_ATOMIC", NULL, KMEMLAB_GFP_ATOMIC, 0,
	  "never sleeps; may use the atomic reserves", NULL },
	{ "GFP_NOWAIT", NULL, KMEMLAB_GFP_NOWAIT, 0,
	  "never sleeps, no reserves: fails fast", NULL },
	{ "GFP_NOIO", NULL, KMEMLAB_GFP_NOIO, 0,
	  "may sleep, but reclaim starts no I/O", NULL },
	{ "GFP_NOFS", NULL, KMEMLAB_GFP_NOFS, 0,
	  "may sleep, but reclaim does not call into filesystems", NULL },
	{ "GFP_USER", NULL, KMEMLAB_GFP_USER, 0,
	  "for memory that userspace will map; may sleep", NULL },
	{ "GFP_HIGHUSER", NULL, KMEMLAB_GFP_HIGHUSER, 0,
	  "GFP_USER that may use highmem: page APIs only", NULL },
	{ "GFP_DMA", "__GFP_DMA", KMEMLAB_GFP_DMA, 0,
	  "from ZONE_DMA (legacy devices)", NULL },
	{ "GFP_DMA32", "__GFP_DMA32", KMEMLAB_GFP_DMA32, 0,
	  "from ZONE_DMA32 (below 4 GiB)", NULL },
	{ "__GFP_ZERO", NULL, KMEMLAB_GFP_ZERO, 0,
	  "return zeroed memory", NULL },
	{ "__GFP_NOWARN", NULL, KMEMLAB_GFP_NOWARN, 0,
	  "no warning when the allocation fails", NULL },
	{ "__GFP_NORETRY", NULL, KMEMLAB_GFP_NORETRY, 0,
	  "give up after one light attempt at reclaim", NULL },
	{ "__GFP_RETRY_MAYFAIL", NULL, KMEMLAB_GFP_RETRY_MAYFAIL, 0,
	  "retry hard, but fail rather than invoke the OOM killer", NULL },
	{ "__GFP_NOFAIL", NULL, KMEMLAB_GFP_NOFAIL, 0,
	  "retry forever, never fail; up to order 1", NULL },
	{ "__GFP_HIGH", NULL, KMEMLAB_GFP_HIGH, 0,
	  "high priority: may use part of the emergency reserves", NULL },
	{ "__GFP_ACCOUNT", NULL, KMEMLAB_GFP_ACCOUNT, 0,
	  "charge the memory to the caller's memory cgroup", NULL },
};
struct name_table gfp_names = OPTION_TABLE("GFP flag", gfp_rows, true, &gfp_caps, "gfp");

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
	{ "process", NULL, KMEMLAB_CTX_PROCESS, 0,
	  "in the ioctl caller's task: may sleep", NULL },
	{ "atomic", NULL, KMEMLAB_CTX_ATOMIC, 0,
	  "in the caller's task with a spinlock held (preemption off)", NULL },
	{ "softirq", NULL, KMEMLAB_CTX_SOFTIRQ, 0,
	  "on the BH workqueue or in a tasklet (softirq context)", NULL },
	{ "hardirq", NULL, KMEMLAB_CTX_HARDIRQ, 0,
	  "in a hard irq_work callback (hardirq context)", NULL },
};
struct name_table context_names = OPTION_TABLE("context", context_rows, false, &ctx_caps,
						    "context");

static const struct name_row zone_rows[] = {
	{ "DMA", NULL, KMEMLAB_ZONE_DMA, 0, "ZONE_DMA: legacy DMA (below 16 MiB on x86)", NULL },
	{ "DMA32", NULL, KMEMLAB_ZONE_DMA32, 0, "ZONE_DMA32: below 4 GiB", NULL },
	{ "Normal", NULL, KMEMLAB_ZONE_NORMAL, 0, "ZONE_NORMAL", NULL },
	{ "HighMem", NULL, KMEMLAB_ZONE_HIGHMEM, 0, "ZONE_HIGHMEM (32-bit kernels)", NULL },
	{ "Movable", NULL, KMEMLAB_ZONE_MOVABLE, 0, "ZONE_MOVABLE", NULL },
	{ "Device", NULL, KMEMLAB_ZONE_DEVICE, 0, "ZONE_DEVICE", NULL },
};
const struct name_table zone_names = TABLE("zone", zone_rows, false, NULL);

static const struct name_row backing_rows[] = {
	{ "slab", NULL, KMEMLAB_BACKING_SLAB, 0, "an object of a slab cache", NULL },
	{ "pages", NULL, KMEMLAB_BACKING_PAGES, 0, "whole pages of the page allocator", NULL },
	{ "vmalloc", NULL, KMEMLAB_BACKING_VMALLOC, 0, "pages mapped into the vmalloc range", NULL },
};
const struct name_table backing_names = TABLE("backing", backing_rows, false, NULL);

static const struct name_row seen_rows[] = {
	{ "preemptible", NULL, KMEMLAB_SEEN_PREEMPTIBLE, 0, "preemptible()", NULL },
	{ "interrupt", NULL, KMEMLAB_SEEN_IN_INTERRUPT, 0, "in_interrupt()", NULL },
	{ "softirq", NULL, KMEMLAB_SEEN_IN_SOFTIRQ, 0, "in_serving_softirq()", NULL },
	{ "hardirq", NULL, KMEMLAB_SEEN_IN_HARDIRQ, 0, "in_hardirq()", NULL },
	{ "irqs-off", NULL, KMEMLAB_SEEN_IRQS_DISABLED, 0, "irqs_disabled()", NULL },
	{ "no-preempt-count", NULL, KMEMLAB_SEEN_NO_PREEMPT_COUNT, 0,
	  "the kernel keeps no preempt count (CONFIG_PREEMPT_COUNT off): preemptible() "
	  "cannot tell", NULL },
};
const struct name_table seen_names = TABLE("context bit", seen_rows, true, NULL);

static const struct name_row region_rows[] = {
	{ "direct-map", NULL, KMEMLAB_REPORT_DIRECT_MAP, 0, "the kernel's direct map", NULL },
	{ "vmalloc", NULL, KMEMLAB_REPORT_VMALLOC_RANGE, 0, "the vmalloc range", NULL },
};
const struct name_table region_names = TABLE("region", region_rows, true, NULL);

/* ---- DMA mapping modes and directions ---- */

static const struct name_row dma_mode_rows[] = {
	{ "single", NULL, KMEMLAB_DMA_SINGLE, 0,
	  "dma_map_single(): one segment; direct-map memory only", NULL },
	{ "sg", NULL, KMEMLAB_DMA_SG, 0,
	  "dma_map_sgtable(): page by page; the way to map vmalloc memory", NULL },
};
const struct name_table dma_mode_names = OPTION_TABLE("DMA mode", dma_mode_rows, false, NULL,
						     "mode");

static const struct name_row dma_dir_rows[] = {
	{ "to-device", NULL, KMEMLAB_DMA_TO_DEVICE, 0, "DMA_TO_DEVICE", NULL },
	{ "from-device", NULL, KMEMLAB_DMA_FROM_DEVICE, 0, "DMA_FROM_DEVICE", NULL },
	{ "bidirectional", NULL, KMEMLAB_DMA_BIDIRECTIONAL, 0, "DMA_BIDIRECTIONAL", NULL },
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
	  "alloc, free, alloc, free: the per-CPU fast path", NULL },
	{ "batch", NULL, KMEMLAB_BENCH_BATCH, 0,
	  "N allocs, then N frees: the allocator refills and drains", NULL },
};
const struct name_table bench_pattern_names = TABLE("pattern", bench_pattern_rows, false, NULL);

/* Why the running kernel lacks an API or a resize operation. */
static const struct name_row unavailable_rows[] = {
	{ "not-in-kernel", NULL, KMEMLAB_UNAVAILABLE_KERNEL, 0,
	  "not in this kernel version", NULL },
	{ "not-exported", NULL, KMEMLAB_UNAVAILABLE_EXPORT, 0,
	  "in this kernel, but not exported to modules", NULL },
	{ "config-off", NULL, KMEMLAB_UNAVAILABLE_CONFIG, 0,
	  "compiled out by this kernel's configuration", NULL },
};
const struct name_table unavailable_names = TABLE("reason", unavailable_rows, false, NULL);

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

/* ---- the driver's description ---- */

static struct kmemlab_desc *drv_recs;
static size_t drv_count;

bool names_loaded(void)
{
	return drv_recs != NULL;
}

/* The CLI's own row of @value in @rows, or NULL. */
static const struct name_row *own_row(const void *rows, size_t count, size_t stride,
				      uint64_t value)
{
	for (size_t i = 0; i < count; i++) {
		const struct name_row *r = (const void *)((const char *)rows + i * stride);

		if (r->value == value)
			return r;
	}
	return NULL;
}

/*
 * @t's rows become the driver's records of @kind, in the driver's order,
 * each with the CLI's description of the same value when it has one.
 */
static int load_table(struct name_table *t, const void *own, size_t own_count,
		      uint32_t kind)
{
	size_t n = 0, i = 0;
	char *rows;

	for (size_t k = 0; k < drv_count; k++)
		n += drv_recs[k].kind == kind && (!t->bits || drv_recs[k].id < 64);
	rows = calloc(n ? n : 1, t->stride);
	if (!rows)
		return -ENOMEM;
	for (size_t k = 0; k < drv_count; k++) {
		const struct kmemlab_desc *d = &drv_recs[k];
		struct name_row *r = (struct name_row *)(rows + i * t->stride);
		uint64_t value;
		const struct name_row *mine;

		if (d->kind != kind || (t->bits && d->id >= 64))
			continue;
		value = t->bits ? BIT(d->id) : d->id;
		mine = own_row(own, own_count, t->stride, value);
		if (mine)
			memcpy(r, mine, t->stride);
		else
			r->desc = "(described by the module; this kmemlab has no text for it)";
		r->name = d->name;
		if (r->alias && !strcasecmp(r->alias, r->name))
			r->alias = NULL;
		r->value = value;
		r->caps = (unsigned int)d->caps;
		r->drv = d;
		i++;
	}
	t->rows = rows;
	t->count = n;
	return 0;
}

int names_load(int fd)
{
	struct kmemlab_desc *recs;
	size_t count;
	int err;

	if (drv_recs)
		return 0;
	err = kml_describe(fd, &recs, &count);
	if (err)
		return err;
	for (size_t k = 0; k < count; k++)
		recs[k].name[sizeof(recs[k].name) - 1] = '\0';
	drv_recs = recs;
	drv_count = count;
	if (load_table(&api_names, api_rows, ARRAY_SIZE(api_rows), KMEMLAB_DESC_API) ||
	    load_table(&gfp_names, gfp_rows, ARRAY_SIZE(gfp_rows), KMEMLAB_DESC_GFP) ||
	    load_table(&context_names, context_rows, ARRAY_SIZE(context_rows),
		       KMEMLAB_DESC_CONTEXT))
		return -ENOMEM;
	return 0;
}

bool names_load_device(unsigned int device)
{
	int fd, err;

	if (drv_recs)
		return true;
	if (kml_open(device, &fd))
		return false;
	err = names_load(fd);
	close(fd);
	return !err;
}

uint64_t api_gfp_ok(const struct api_row *api)
{
	return api && api->n.drv ? api->n.drv->gfp : 0;
}

uint64_t api_type_size(const struct api_row *api)
{
	return api && api->n.drv ? api->n.drv->type_size : 0;
}

uint64_t api_default_gfp(const struct api_row *api, uint64_t base)
{
	uint64_t bases = 0;

	if (!api || !api->n.drv)
		return base;
	for (size_t i = 0; i < gfp_names.count; i++) {
		const struct name_row *g = name_at(&gfp_names, i);

		if (g->drv && (g->drv->caps & KMEMLAB_GFP_CAP_BASE))
			bases |= g->value;
	}
	return api->n.drv->gfp & bases ? base : 0;
}
