// SPDX-License-Identifier: GPL-2.0
/*
 * Explaining refused allocations: a table of rules, tried in order; the first
 * whose errno and condition match writes the sentence and the hint.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "explain.h"
#include "output.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

struct ectx {
	const struct alloc_req *req;
	const struct kmemlab_info *info;	/* may be NULL */
	uint64_t page;				/* page size */
	const char *api;			/* the API's name */
	unsigned int caps;			/* the API's caps */
	bool can_sleep;				/* the context may sleep */
};

struct rule {
	int err;
	bool (*when)(const struct ectx *e);
	void (*say)(const struct ectx *e, struct errmsg *m);
};

/* ---- helpers ---- */

/* The first GFP flag of @gfp that has @caps, or NULL. */
static const char *flag_with(uint64_t gfp, unsigned int caps)
{
	for (size_t i = 0; i < gfp_names.count; i++) {
		const struct name_row *r = name_at(&gfp_names, i);

		if ((r->caps & caps) == caps && (gfp & r->value))
			return r->name;
	}
	return NULL;
}

static unsigned int popcount(uint64_t v)
{
	return (unsigned int)__builtin_popcountll(v);
}

/* Bytes the request needs: count * size for the array APIs. */
static uint64_t total(const struct ectx *e)
{
	const struct alloc_req *r = e->req;

	if ((e->caps & API_COUNT) && r->count &&
	    r->size <= UINT64_MAX / r->count)
		return r->size * r->count;
	return r->size;
}

/* The smallest page order that covers @bytes. */
static unsigned int order_of(uint64_t bytes, uint64_t page)
{
	unsigned int order = 0;

	while (order < 63 && (page << order) < bytes)
		order++;
	return order;
}

static bool api_known(const struct ectx *e)
{
	return e->req->api != NULL;
}

/* ---- EINVAL ---- */

static bool api_unsupported(const struct ectx *e)
{
	return e->info && api_known(e) && !(e->info->apis & (1ULL << e->req->api->n.value));
}

static void say_api_unsupported(const struct ectx *e, struct errmsg *m)
{
	errmsg_set(m, "'kmemlab info' lists the APIs this module supports",
		   "this module does not support %s", e->api);
}

static bool ctx_unsupported(const struct ectx *e)
{
	return e->info && e->req->context < 32 &&
	       !(e->info->contexts & (1U << e->req->context));
}

static void say_ctx_unsupported(const struct ectx *e, struct errmsg *m)
{
	char buf[32];

	errmsg_set(m, "'kmemlab info' lists the contexts this module supports",
		   "this module does not support the %s context",
		   name_of(&context_names, e->req->context, buf, sizeof(buf)));
}

static bool not_resizable(const struct ectx *e)
{
	return e->req->handle && api_known(e) && !(e->caps & API_RESIZE);
}

static void say_not_resizable(const struct ectx *e, struct errmsg *m)
{
	char apis[128];

	names_list(&api_names, API_RESIZE, ", ", apis, sizeof(apis));
	errmsg_set(m, "allocate with --api krealloc to resize it later",
		   "handle %u is a %s allocation: krealloc resizes only %s memory",
		   e->req->handle, e->api, apis);
}

static bool api_sleeps(const struct ectx *e)
{
	return !e->can_sleep && (e->caps & API_SLEEPS);
}

static void say_api_sleeps(const struct ectx *e, struct errmsg *m)
{
	errmsg_set(m, "use --context process, or an API that does not sleep "
		   "(kmalloc, alloc_pages) with --gfp GFP_ATOMIC",
		   "%s may sleep; only the process context may sleep", e->api);
}

static bool gfp_sleeps(const struct ectx *e)
{
	return !e->can_sleep && flag_with(e->req->gfp, GFPF_SLEEPS);
}

static void say_gfp_sleeps(const struct ectx *e, struct errmsg *m)
{
	char hint[128], buf[32];

	snprintf(hint, sizeof(hint), "in the %s context use --gfp GFP_ATOMIC or GFP_NOWAIT",
		 name_of(&context_names, e->req->context, buf, sizeof(buf)));
	errmsg_set(m, hint, "%s may sleep; only the process context may sleep",
		   flag_with(e->req->gfp, GFPF_SLEEPS));
}

static bool two_bases(const struct ectx *e)
{
	return popcount(e->req->gfp & KMEMLAB_GFP_BASE_MASK) > 1;
}

static bool two_zones(const struct ectx *e)
{
	return popcount(e->req->gfp & KMEMLAB_GFP_ZONE_MASK) > 1;
}

static void say_two(struct errmsg *m, uint64_t bits, const char *what)
{
	char names[128];

	names_join(&gfp_names, bits, " and ", names, sizeof(names));
	errmsg_set(m, "combine one base type with modifiers, e.g. GFP_KERNEL|__GFP_ZERO",
		   "%s are %s: give at most one", names, what);
}

static void say_two_bases(const struct ectx *e, struct errmsg *m)
{
	say_two(m, e->req->gfp & KMEMLAB_GFP_BASE_MASK, "base types");
}

static void say_two_zones(const struct ectx *e, struct errmsg *m)
{
	say_two(m, e->req->gfp & KMEMLAB_GFP_ZONE_MASK, "zone modifiers");
}

static bool highmem(const struct ectx *e)
{
	return api_known(e) && (e->req->api->backings & (1U << KMEMLAB_BACKING_SLAB)) &&
	       flag_with(e->req->gfp & ~e->req->api->gfp_ok, GFPF_PAGES_ONLY);
}

static void say_highmem(const struct ectx *e, struct errmsg *m)
{
	char apis[128], hint[192];

	names_list(&api_names, API_PAGE, ", ", apis, sizeof(apis));
	snprintf(hint, sizeof(hint), "use GFP_USER, or a page API: %s", apis);
	errmsg_set(m, hint, "slab memory cannot come from highmem: %s is for page APIs",
		   flag_with(e->req->gfp, GFPF_PAGES_ONLY));
}

static bool zone_by_mask(const struct ectx *e)
{
	return (e->caps & API_DMA_MASK) && (e->req->gfp & KMEMLAB_GFP_ZONE_MASK);
}

static void say_zone_by_mask(const struct ectx *e, struct errmsg *m)
{
	char zone[64];

	errmsg_set(m, "drop it: the dma_bits module parameter sets the mask",
		   "%s takes no %s: the device's DMA mask picks the zone", e->api,
		   gfp_format(e->req->gfp & KMEMLAB_GFP_ZONE_MASK, zone, sizeof(zone)));
}

static bool gfp_refused(const struct ectx *e)
{
	return api_known(e) && (e->req->gfp & ~e->req->api->gfp_ok);
}

static void say_gfp_refused(const struct ectx *e, struct errmsg *m)
{
	char refused[128], ok[384], hint[448];

	gfp_format(e->req->gfp & ~e->req->api->gfp_ok, refused, sizeof(refused));
	names_join(&gfp_names, e->req->api->gfp_ok, " ", ok, sizeof(ok));
	snprintf(hint, sizeof(hint), "%s takes: %s", e->api, ok);
	errmsg_set(m, hint, "%s does not take %s", e->api, refused);
}

static bool nofail_atomic(const struct ectx *e)
{
	return flag_with(e->req->gfp, GFPF_LOW_ORDER) && !flag_with(e->req->gfp, GFPF_SLEEPS);
}

static void say_nofail_atomic(const struct ectx *e, struct errmsg *m)
{
	(void)e;
	errmsg_set(m, "use GFP_KERNEL|__GFP_NOFAIL in the process context, or drop __GFP_NOFAIL",
		   "__GFP_NOFAIL needs a base type that may sleep: without reclaim "
		   "it cannot retry until it succeeds");
}

/* vmalloc maps order-0 pages: only the others need an order. */
static bool needs_order(const struct ectx *e)
{
	return api_known(e) && !(e->req->api->backings & (1U << KMEMLAB_BACKING_VMALLOC));
}

static bool nofail_order(const struct ectx *e)
{
	return flag_with(e->req->gfp, GFPF_LOW_ORDER) && needs_order(e) &&
	       total(e) > 2 * e->page;
}

static void say_nofail_order(const struct ectx *e, struct errmsg *m)
{
	char hint[128];

	snprintf(hint, sizeof(hint), "drop __GFP_NOFAIL, or ask for at most %s",
		 SZ(2 * e->page));
	errmsg_set(m, hint, "__GFP_NOFAIL is allowed up to order 1 (%s); %s needs order %u",
		   SZ(2 * e->page), SZ(total(e)), order_of(total(e), e->page));
}

static bool count_missing(const struct ectx *e)
{
	return (e->caps & API_COUNT) && !e->req->count;
}

static void say_count_missing(const struct ectx *e, struct errmsg *m)
{
	errmsg_set(m, "--size is the size of one element",
		   "%s needs --count N, the number of elements", e->api);
}

static bool count_extra(const struct ectx *e)
{
	return api_known(e) && !(e->caps & API_COUNT) && e->req->count;
}

static void say_count_extra(const struct ectx *e, struct errmsg *m)
{
	char apis[128];

	names_list(&api_names, API_COUNT, ", ", apis, sizeof(apis));
	errmsg_set(m, "drop --count", "%s takes no --count; only %s do", e->api, apis);
}

static bool cache_extra(const struct ectx *e)
{
	const struct alloc_req *r = e->req;

	return api_known(e) && !(e->caps & API_CACHE) &&
	       (r->name[0] || r->align || r->flags);
}

static void say_cache_extra(const struct ectx *e, struct errmsg *m)
{
	errmsg_set(m, "drop them, or use --api kmem_cache",
		   "%s takes no --name, --align or --hwcache-align; only kmem_cache does",
		   e->api);
}

static bool cache_unnamed(const struct ectx *e)
{
	return (e->caps & API_CACHE) && !e->req->name[0];
}

static void say_cache_unnamed(const struct ectx *e, struct errmsg *m)
{
	errmsg_set(m, "e.g. --name lab-objs", "%s needs --name NAME, the cache's name",
		   e->api);
}

static bool cache_bad_name(const struct ectx *e)
{
	const char *name = e->req->name;

	return (e->caps & API_CACHE) &&
	       name[strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_-")];
}

static void say_cache_bad_name(const struct ectx *e, struct errmsg *m)
{
	errmsg_set(m, NULL, "cache name '%s' may only use a-z, 0-9, '_' and '-'",
		   e->req->name);
}

static bool bad_align(const struct ectx *e)
{
	uint32_t a = e->req->align;

	return (e->caps & API_CACHE) && a && ((a & (a - 1)) || a > e->page);
}

static void say_bad_align(const struct ectx *e, struct errmsg *m)
{
	errmsg_set(m, NULL, "--align %u must be a power of two up to the page size (%s)",
		   e->req->align, SZ(e->page));
}

/* ---- E2BIG (and EINVAL for one-page APIs) ---- */

static bool above_page(const struct ectx *e)
{
	return (e->caps & API_ONE_PAGE) && e->req->size > e->page;
}

static void say_above_page(const struct ectx *e, struct errmsg *m)
{
	errmsg_set(m, "use get_free_pages or alloc_pages with __GFP_ZERO for more",
		   "%s gives one page: %s is above the page size (%s)",
		   e->api, SZ(e->req->size), SZ(e->page));
}

static bool limit_is(const struct ectx *e, enum api_limit limit)
{
	return api_known(e) && e->info && e->req->api->limit == limit;
}

static bool above_kmalloc(const struct ectx *e)
{
	return limit_is(e, LIMIT_KMALLOC);
}

static void say_above_kmalloc(const struct ectx *e, struct errmsg *m)
{
	char what[96];

	if ((e->caps & API_COUNT) && e->req->count)
		snprintf(what, sizeof(what), "%u × %s = %s", e->req->count,
			 SZ(e->req->size), SZ(total(e)));
	else
		snprintf(what, sizeof(what), "%s", SZ(e->req->size));
	errmsg_set(m, "use vmalloc or kvmalloc for large buffers",
		   "%s is above KMALLOC_MAX_SIZE (%s)", what,
		   SZ(e->info->kmalloc_max_size));
}

static bool above_order(const struct ectx *e)
{
	return limit_is(e, LIMIT_ORDER);
}

static void say_above_order(const struct ectx *e, struct errmsg *m)
{
	uint64_t max = e->page << e->info->max_order;
	char hint[128];

	snprintf(hint, sizeof(hint), "ask for at most %s, or use vmalloc, "
		 "which needs no contiguous pages", SZ(max));
	errmsg_set(m, hint, "%s needs order %u, above the largest order %u (%s)",
		   SZ(e->req->size), order_of(e->req->size, e->page),
		   e->info->max_order, SZ(max));
}

static bool above_quota(const struct ectx *e)
{
	return limit_is(e, LIMIT_QUOTA) && e->req->size > e->info->max_bytes;
}

static void say_above_quota(const struct ectx *e, struct errmsg *m)
{
	errmsg_set(m, "raise the max_bytes module parameter ('kmemlab status' shows it)",
		   "%s is above the module's quota max_bytes (%s)",
		   SZ(e->req->size), SZ(e->info->max_bytes));
}

/* ---- EPERM: what needs CAP_SYS_ADMIN (the driver's policy.c) ---- */

/* KMEMLAB_DMA_USER_MAX of the driver: the largest GFP_DMA request for all. */
#define DMA_USER_MAX	(64ULL << 10)

static bool perm_cache(const struct ectx *e)
{
	return (e->caps & API_CACHE) != 0;
}

static void say_perm_cache(const struct ectx *e, struct errmsg *m)
{
	(void)e;
	errmsg_set(m, "run as root, or allocate from a cache root created "
		   "(the same --name, --size and alignment)",
		   "kmem_cache creation needs CAP_SYS_ADMIN: a cache is a named, "
		   "system-wide object of the slab allocator");
}

static bool perm_nofail(const struct ectx *e)
{
	return (e->req->gfp & KMEMLAB_GFP_NOFAIL) != 0;
}

static void say_perm_nofail(const struct ectx *e, struct errmsg *m)
{
	(void)e;
	errmsg_set(m, "run as root, or drop __GFP_NOFAIL",
		   "__GFP_NOFAIL needs CAP_SYS_ADMIN: the allocator retries until it "
		   "succeeds, reclaiming and calling the OOM killer on the way");
}

static bool perm_atomic_large(const struct ectx *e)
{
	return (!e->can_sleep || !flag_with(e->req->gfp, GFPF_SLEEPS)) &&
	       total(e) > e->page;
}

static void say_perm_atomic_large(const struct ectx *e, struct errmsg *m)
{
	char hint[128];

	snprintf(hint, sizeof(hint), "run as root, ask for at most %s, or allocate "
		 "in the process context with GFP_KERNEL", SZ(e->page));
	errmsg_set(m, hint, "an allocation that cannot sleep above one page (%s) needs "
		   "CAP_SYS_ADMIN: without reclaim, %s comes out of the atomic reserves "
		   "interrupt handlers rely on", SZ(e->page), SZ(total(e)));
}

static bool perm_dma_large(const struct ectx *e)
{
	return (e->req->gfp & KMEMLAB_GFP_DMA) && total(e) > DMA_USER_MAX;
}

static void say_perm_dma_large(const struct ectx *e, struct errmsg *m)
{
	char hint[128];

	snprintf(hint, sizeof(hint), "run as root, or ask for at most %s of GFP_DMA",
		 SZ(DMA_USER_MAX));
	errmsg_set(m, hint, "GFP_DMA above %s needs CAP_SYS_ADMIN: ZONE_DMA is the "
		   "first 16 MiB, shared by the whole system (this request: %s)",
		   SZ(DMA_USER_MAX), SZ(total(e)));
}

/* ---- ENOSPC, ENOMEM, EOVERFLOW, EEXIST, ENOENT ---- */

static bool have_info(const struct ectx *e)
{
	return e->info != NULL;
}

static bool quota_allocs(const struct ectx *e)
{
	return e->info && e->info->max_allocs && !e->req->handle &&
	       e->info->all_live.allocs >= e->info->max_allocs;
}

static void say_quota_allocs(const struct ectx *e, struct errmsg *m)
{
	errmsg_set(m, "free allocations (kmemlab free --all), or raise the max_allocs "
		   "module parameter",
		   "quota exceeded: %llu live allocations of max_allocs %llu",
		   (unsigned long long)e->info->all_live.allocs,
		   (unsigned long long)e->info->max_allocs);
}

static bool quota_dma(const struct ectx *e)
{
	return e->info && (e->req->gfp & KMEMLAB_GFP_DMA) &&
	       e->info->dma_live_bytes + total(e) > e->info->dma_max_bytes;
}

static void say_quota_dma(const struct ectx *e, struct errmsg *m)
{
	errmsg_set(m, "free GFP_DMA allocations, or raise the dma_max_bytes module "
		   "parameter",
		   "GFP_DMA quota exceeded: %s live of dma_max_bytes %s (this request: %s)",
		   SZ(e->info->dma_live_bytes), SZ(e->info->dma_max_bytes), SZ(total(e)));
}

static void say_quota(const struct ectx *e, struct errmsg *m)
{
	errmsg_set(m, "free allocations (kmemlab free --all), or raise the max_bytes "
		   "module parameter",
		   "quota exceeded: %s live of max_bytes %s (this request: %s)",
		   SZ(e->info->all_live.bytes), SZ(e->info->max_bytes), SZ(total(e)));
}

static bool atomic_gfp(const struct ectx *e)
{
	return !flag_with(e->req->gfp, GFPF_SLEEPS);
}

static void say_atomic_nomem(const struct ectx *e, struct errmsg *m)
{
	(void)e;
	errmsg_set(m, "retry, or allocate in the process context with GFP_KERNEL",
		   "the allocator returned NULL: without GFP_KERNEL (or another "
		   "sleeping base type) it cannot wait for reclaim");
}

static bool noretry(const struct ectx *e)
{
	return (e->req->gfp & KMEMLAB_GFP_NORETRY) != 0;
}

static void say_noretry(const struct ectx *e, struct errmsg *m)
{
	(void)e;
	errmsg_set(m, "drop __GFP_NORETRY to let the kernel reclaim harder",
		   "the allocator returned NULL: __GFP_NORETRY gives up after one "
		   "light attempt at reclaim");
}

static bool zone_limited(const struct ectx *e)
{
	return (e->req->gfp & KMEMLAB_GFP_ZONE_MASK) != 0;
}

static void say_zone_limited(const struct ectx *e, struct errmsg *m)
{
	char names[64];

	errmsg_set(m, "'kmemlab info' shows the zones and their ranges",
		   "the allocator returned NULL: %s limits it to one small zone",
		   gfp_format(e->req->gfp & KMEMLAB_GFP_ZONE_MASK, names, sizeof(names)));
}

static bool costly_order(const struct ectx *e)
{
	return needs_order(e) && order_of(total(e), e->page) > 3;
}

static void say_costly_order(const struct ectx *e, struct errmsg *m)
{
	unsigned int order = order_of(total(e), e->page);

	errmsg_set(m, "memory may be fragmented (see /proc/buddyinfo); "
		   "vmalloc needs no contiguous pages",
		   "the allocator returned NULL: order %u needs %llu physically "
		   "contiguous pages", order, 1ULL << order);
}

static bool always(const struct ectx *e)
{
	(void)e;
	return true;
}

static void say_overflow(const struct ectx *e, struct errmsg *m)
{
	errmsg_set(m, "ask for fewer or smaller elements",
		   "count × size overflows: %u × %llu", e->req->count,
		   (unsigned long long)e->req->size);
}

static void say_cache_exists(const struct ectx *e, struct errmsg *m)
{
	errmsg_set(m, "free its objects (the cache goes with the last one), "
		   "or use another --name",
		   "a live cache named '%s' has another object size, alignment or flags",
		   e->req->name);
}

static bool is_realloc(const struct ectx *e)
{
	return e->req->handle != 0;
}

static void say_no_handle(const struct ectx *e, struct errmsg *m)
{
	errmsg_set(m, "'kmemlab list' shows the live handles",
		   "no live allocation has handle %u", e->req->handle);
}

/* Tried in order; the first match explains. */
static const struct rule rules[] = {
	{ EINVAL, api_unsupported, say_api_unsupported },
	{ EINVAL, ctx_unsupported, say_ctx_unsupported },
	{ EINVAL, not_resizable, say_not_resizable },
	{ EINVAL, api_sleeps, say_api_sleeps },
	{ EINVAL, gfp_sleeps, say_gfp_sleeps },
	{ EINVAL, two_bases, say_two_bases },
	{ EINVAL, two_zones, say_two_zones },
	{ EINVAL, highmem, say_highmem },
	{ EINVAL, zone_by_mask, say_zone_by_mask },
	{ EINVAL, gfp_refused, say_gfp_refused },
	{ EINVAL, count_missing, say_count_missing },
	{ EINVAL, count_extra, say_count_extra },
	{ EINVAL, cache_extra, say_cache_extra },
	{ EINVAL, cache_unnamed, say_cache_unnamed },
	{ EINVAL, cache_bad_name, say_cache_bad_name },
	{ EINVAL, bad_align, say_bad_align },
	{ EINVAL, above_page, say_above_page },
	{ EINVAL, nofail_atomic, say_nofail_atomic },
	{ EINVAL, nofail_order, say_nofail_order },
	{ E2BIG, above_page, say_above_page },
	{ E2BIG, above_kmalloc, say_above_kmalloc },
	{ E2BIG, above_order, say_above_order },
	{ E2BIG, above_quota, say_above_quota },
	{ EPERM, perm_nofail, say_perm_nofail },
	{ EPERM, perm_dma_large, say_perm_dma_large },
	{ EPERM, perm_atomic_large, say_perm_atomic_large },
	{ EPERM, perm_cache, say_perm_cache },
	{ ENOSPC, quota_allocs, say_quota_allocs },
	{ ENOSPC, quota_dma, say_quota_dma },
	{ ENOSPC, have_info, say_quota },
	{ ENOMEM, zone_limited, say_zone_limited },
	{ ENOMEM, atomic_gfp, say_atomic_nomem },
	{ ENOMEM, noretry, say_noretry },
	{ ENOMEM, costly_order, say_costly_order },
	{ EOVERFLOW, always, say_overflow },
	{ EEXIST, always, say_cache_exists },
	{ ENOENT, is_realloc, say_no_handle },
};

/* When no rule matches (or INFO was not available). */
static const struct err_row fallbacks[] = {
	{ EINVAL, "the kernel refused the request as invalid",
	  "'kmemlab apis' shows what each API takes; dmesg may say more" },
	{ E2BIG, "the size is above what this API can ever allocate", NULL },
	{ EPERM, "this request needs CAP_SYS_ADMIN",
	  "run as root; README.md, Privileges, lists what needs it" },
	{ ENOSPC, "quota exceeded: the module's max_bytes, max_allocs or dma_max_bytes "
	  "would be passed",
	  "free allocations (kmemlab free --all), or raise the module parameter" },
	{ ENOMEM, "the allocator returned NULL", "the system is short of memory" },
	{ 0 }
};

void explain_alloc(int err, const struct alloc_req *req,
		   const struct kmemlab_info *info, struct errmsg *m)
{
	const struct name_row *ctx = name_by_value(&context_names, req->context);
	long page = sysconf(_SC_PAGESIZE);
	struct ectx e = {
		.req = req,
		.info = info,
		.page = info ? info->page_size : (uint64_t)(page > 0 ? page : 4096),
		.api = req->api ? req->api->n.name : "this API",
		.caps = req->api ? req->api->n.caps : 0,
		.can_sleep = !ctx || (ctx->caps & CTXF_SLEEPS),
	};

	for (size_t i = 0; i < ARRAY_SIZE(rules); i++) {
		if (rules[i].err == err && rules[i].when(&e)) {
			rules[i].say(&e, m);
			return;
		}
	}
	errmsg_default(m, err, fallbacks);
}

/* ---- DMA_MAP ---- */

/* The first row whose errno matches and whose mode and backing (0: any) do. */
static const struct dma_rule {
	int err;
	uint32_t mode;
	uint32_t backing;
	const char *text;
	const char *hint;
} dma_rules[] = {
	{ EINVAL, KMEMLAB_DMA_SINGLE, KMEMLAB_BACKING_VMALLOC,
	  "vmalloc memory is not physically contiguous: map it page by page "
	  "with --mode sg (dma_map_sgtable)", NULL },
	{ ERANGE, 0, 0,
	  "the memory lies beyond the device's DMA mask (dma_bits) and no bounce "
	  "buffer is reachable (swiotlb needs more than 4 GiB of RAM or swiotlb=force)",
	  "allocate within the mask: GFP_DMA, GFP_DMA32 or dma_alloc_coherent" },
	{ E2BIG, 0, 0,
	  "the memory lies beyond the device's DMA mask and a segment is larger "
	  "than swiotlb can bounce in one mapping",
	  "map a smaller allocation, or allocate within the mask" },
	{ EIO, 0, 0, "the DMA API returned a mapping error", "dmesg may say more" },
	{ ENOENT, 0, 0, "no live allocation has that handle",
	  "'kmemlab list' shows the live handles" },
	{ ENOTTY, 0, 0, "this module has no DMA_MAP: it predates DMA support",
	  "load a newer kmemlab.ko; compare 'kmemlab --version'" },
};

void explain_dma(int err, uint32_t mode, uint32_t backing, struct errmsg *m)
{
	for (size_t i = 0; i < ARRAY_SIZE(dma_rules); i++) {
		const struct dma_rule *r = &dma_rules[i];

		if (r->err == err && (!r->mode || r->mode == mode) &&
		    (!r->backing || r->backing == backing)) {
			errmsg_set(m, r->hint, "%s", r->text);
			return;
		}
	}
	errmsg_default(m, err, NULL);
}

/* ---- BENCH ---- */

/* Bytes one batch of every thread keeps live at once. */
static uint64_t bench_live(const struct bench_req *b)
{
	uint64_t n = (uint64_t)(b->pattern == KMEMLAB_BENCH_BATCH ? b->batch : 1) *
		     b->threads;

	return n && b->size > UINT64_MAX / n ? UINT64_MAX : n * b->size;
}

/* The bench's own refusals; false when the errno is about the allocation. */
static bool bench_own(int err, const struct bench_req *b,
		      const struct kmemlab_info *info, struct errmsg *m)
{
	uint64_t samples = (uint64_t)b->iterations * b->threads;
	char hint[64];

	if (err == EINVAL && !b->iterations)
		errmsg_set(m, "give --iterations 1 or more",
			   "--iterations 0: a bench times at least one allocation");
	else if (err == EINVAL && !b->threads)
		errmsg_set(m, "give --threads 1 or more",
			   "--threads 0: a bench runs at least one thread");
	else if (err == EINVAL && b->pattern == KMEMLAB_BENCH_BATCH && b->batch < 2)
		errmsg_set(m, "use --pattern batch:N with N of 2 or more, or pair",
			   "a batch of %u is no batch: it takes 2 objects or more",
			   b->batch);
	else if (err == EINVAL && b->api && (b->api->n.caps & (API_DEVM | API_DMA_MASK)))
		errmsg_set(m, "bench any other API: kmalloc, vmalloc, alloc_pages, ...",
			   "bench does not run %s: %s memory is not freed in a tight loop",
			   b->api->n.name,
			   (b->api->n.caps & API_DEVM) ? "device-managed" : "coherent DMA");
	else if (err == E2BIG && b->cpus > 0 && b->threads > (uint64_t)b->cpus) {
		snprintf(hint, sizeof(hint), "use --threads %ld or fewer", b->cpus);
		errmsg_set(m, hint, "--threads %u: only %ld CPU%s online, one thread "
			   "is pinned on each", b->threads, b->cpus,
			   b->cpus == 1 ? " is" : "s are");
	} else if (err == E2BIG && b->max_samples && samples > b->max_samples)
		errmsg_set(m, "use fewer --iterations, or load the module with a "
			   "larger bench_max_samples",
			   "%u iterations × %u thread%s = %llu samples, above the "
			   "module's bench_max_samples (%llu)", b->iterations,
			   b->threads, b->threads == 1 ? "" : "s",
			   (unsigned long long)samples,
			   (unsigned long long)b->max_samples);
	else if (err == ENOSPC && info &&
		 bench_live(b) > info->max_bytes - info->all_live.bytes)
		errmsg_set(m, "use a smaller batch or fewer --threads, free "
			   "allocations, or raise max_bytes",
			   "%s in flight at once (batch × threads × size) would pass "
			   "the quota: %s live of max_bytes %s", SZ(bench_live(b)),
			   SZ(info->all_live.bytes), SZ(info->max_bytes));
	else if (err == EINTR)
		errmsg_set(m, NULL, "interrupted by a signal; the driver freed "
			   "everything the bench had allocated");
	else if (err == ENOTTY)
		errmsg_set(m, "load a newer kmemlab.ko; compare 'kmemlab --version'",
			   "this module has no BENCH: it predates the benchmark");
	else
		return false;
	return true;
}

void explain_bench(int err, const struct bench_req *b,
		   const struct kmemlab_info *info, struct errmsg *m)
{
	struct alloc_req req = {
		.api = b->api, .context = b->context, .size = b->size,
		.gfp = b->gfp, .name = "bench",
	};

	if (!bench_own(err, b, info, m))
		explain_alloc(err, &req, info, m);
}
