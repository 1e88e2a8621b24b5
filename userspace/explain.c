// SPDX-License-Identifier: GPL-2.0
/*
 * Explaining refused requests. The driver says why it refused (struct
 * kmemlab_refusal: a reason code, what it is about, the limit passed); this
 * file is a table from reason code to sentence and hint. The rules
 * themselves live in the driver alone: the sentences name the limits the
 * driver reports and the APIs, flags and contexts it describes.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "explain.h"
#include "output.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* What a sentence may draw on. */
struct why {
	const struct alloc_req *req;
	const struct kmemlab_refusal *r;
	const struct kmemlab_info *info;	/* may be NULL */
	const struct api_row *row;		/* the API, as the driver describes it */
	const char *api;			/* the API's name */
	uint64_t caps;				/* the API's caps, as the driver says */
	const char *what;			/* "alloc", "realloc", "bench" */
};

/* ---- helpers ---- */

/* "not in this kernel version", as unavailable_names describes @why. */
static const char *unavailable_text(uint64_t why, char *buf, size_t len)
{
	const struct name_row *r = name_by_value(&unavailable_names, why);

	if (r)
		return r->desc;
	snprintf(buf, len, "unavailable (reason %llu)",
		 (unsigned long long)why);
	return buf;
}

/* Bytes the request asks for: count * size for the array APIs. */
static uint64_t total(const struct why *w)
{
	const struct alloc_req *r = w->req;

	if ((w->caps & KMEMLAB_API_CAP_COUNT) && r->count &&
	    r->size <= UINT64_MAX / r->count)
		return r->size * r->count;
	return r->size;
}

static uint64_t page_size(const struct why *w)
{
	long page = sysconf(_SC_PAGESIZE);

	return w->info ? w->info->page_size : (uint64_t)(page > 0 ? page : 4096);
}

/* The smallest page order that covers @bytes. */
static unsigned int order_of(uint64_t bytes, uint64_t page)
{
	unsigned int order = 0;

	while (order < 63 && (page << order) < bytes)
		order++;
	return order;
}

/* The names of the rows of @t whose driver caps include @caps (and not @not). */
static char *rows_with(const struct name_table *t, uint64_t caps, uint64_t not,
		       char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < t->count; i++) {
		const struct name_row *r = name_at(t, i);
		size_t used = strlen(buf);

		if ((r->caps & caps) != caps || (r->caps & not))
			continue;
		if (used < len)
			snprintf(buf + used, len - used, "%s%s", used ? ", " : "", r->name);
	}
	return buf;
}

/* The APIs that take every bit of @gfp. */
static char *apis_taking(uint64_t gfp, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < api_names.count; i++) {
		const struct api_row *a = (const struct api_row *)name_at(&api_names, i);
		size_t used = strlen(buf);

		if ((api_gfp_ok(a) & gfp) != gfp)
			continue;
		if (used < len)
			snprintf(buf + used, len - used, "%s%s", used ? ", " : "", a->n.name);
	}
	return buf;
}

static const char *ctx_name(uint32_t ctx, char *buf, size_t len)
{
	return name_of(&context_names, ctx, buf, len);
}

/* ---- -EINVAL ---- */

static void say_api(const struct why *w, struct errmsg *m)
{
	errmsg_set(m, "'kmemlab apis' lists the APIs this module has",
		   "this module has no API %u", w->r->arg);
}

static void say_context(const struct why *w, struct errmsg *m)
{
	errmsg_set(m, "'kmemlab contexts' lists the contexts this module has",
		   "this module has no context %u", w->r->arg);
}

static void say_size_zero(const struct why *w, struct errmsg *m)
{
	(void)w;
	errmsg_set(m, NULL, "a size of 0 allocates nothing: give --size 1 or more");
}

static void say_field(const struct why *w, struct errmsg *m)
{
	bool cache = w->caps & KMEMLAB_API_CAP_CACHE;
	const char *name = w->req->name ? w->req->name : "";
	char apis[256];

	switch (w->r->arg) {
	case KMEMLAB_FIELD_COUNT:
		if (w->caps & KMEMLAB_API_CAP_COUNT)
			errmsg_set(m, "--size is the size of one element",
				   "%s needs --count N, the number of elements", w->api);
		else
			errmsg_set(m, "drop --count", "%s takes no --count; only %s do",
				   w->api, rows_with(&api_names, KMEMLAB_API_CAP_COUNT, 0,
						     apis, sizeof(apis)));
		break;
	case KMEMLAB_FIELD_NAME:
		if (cache && !name[0])
			errmsg_set(m, "e.g. --name lab-objs",
				   "%s needs --name NAME, the cache's name", w->api);
		else if (cache)
			errmsg_set(m, NULL, "cache name '%s' may only use a-z, 0-9, '_' "
				   "and '-', at most %d of them", name,
				   KMEMLAB_CACHE_NAME_MAX);
		else
			errmsg_set(m, "drop it", "%s takes no --name; only %s do", w->api,
				   rows_with(&api_names, KMEMLAB_API_CAP_CACHE, 0, apis,
					     sizeof(apis)));
		break;
	case KMEMLAB_FIELD_ALIGN:
		if (cache)
			errmsg_set(m, NULL, "--align %u must be a power of two up to "
				   "the page size (%s)", w->req->align,
				   SZ(page_size(w)));
		else
			errmsg_set(m, "drop it", "%s takes no --align; only %s do", w->api,
				   rows_with(&api_names, KMEMLAB_API_CAP_CACHE, 0, apis,
					     sizeof(apis)));
		break;
	case KMEMLAB_FIELD_FLAGS:
		errmsg_set(m, "drop it", "%s takes no --hwcache-align; only %s do", w->api,
			   rows_with(&api_names, KMEMLAB_API_CAP_CACHE, 0, apis,
				     sizeof(apis)));
		break;
	case KMEMLAB_FIELD_SHEAF_CAPACITY:
		if (w->caps & KMEMLAB_API_CAP_SHEAVES)
			errmsg_set(m, NULL, "--sheaf-capacity %u is above the module's most, %d",
				   w->req->sheaf_capacity, KMEMLAB_SHEAF_CAPACITY_MAX);
		else if (w->caps & KMEMLAB_API_CAP_CACHE)
			errmsg_set(m, "drop it", "%s takes no --sheaf-capacity on this kernel: "
				   "sheaves came in Linux 6.18", w->api);
		else
			errmsg_set(m, "drop it", "%s takes no --sheaf-capacity; only a "
				   "kmem_cache has sheaves", w->api);
		break;
	case KMEMLAB_FIELD_ITERATIONS:
		errmsg_set(m, "give --iterations 1 or more",
			   "--iterations 0: a bench times at least one allocation");
		break;
	case KMEMLAB_FIELD_THREADS:
		errmsg_set(m, "give --threads 1 or more",
			   "--threads 0: a bench runs at least one thread");
		break;
	case KMEMLAB_FIELD_BATCH:
		errmsg_set(m, "use --pattern batch:N with N from 2 to --iterations, or pair",
			   "a batch must hold 2 objects or more, and no more than "
			   "--iterations");
		break;
	default:
		errmsg_set(m, "compare 'kmemlab --version': use the CLI built with the module",
			   "the module refused a field this CLI sets (field %u): "
			   "the two disagree on the ABI", w->r->arg);
		break;
	}
}

static void say_gfp_none(const struct why *w, struct errmsg *m)
{
	(void)w;
	errmsg_set(m, "e.g. --gfp GFP_KERNEL", "no GFP flag given");
}

static void say_gfp_not_taken(const struct why *w, struct errmsg *m)
{
	char refused[128], ok[384], others[256], hint[1024];
	uint64_t zones = 0;

	for (size_t i = 0; i < gfp_names.count; i++)
		if (name_at(&gfp_names, i)->caps & KMEMLAB_GFP_CAP_ZONE)
			zones |= name_at(&gfp_names, i)->value;
	gfp_format(w->r->value, refused, sizeof(refused));
	if ((w->caps & KMEMLAB_API_CAP_DMA_MASK) && (w->r->value & zones)) {
		errmsg_set(m, "drop it: the dma_bits module parameter sets the mask",
			   "%s takes no %s: the device's DMA mask picks the zone",
			   w->api, refused);
		return;
	}
	/* What the CLI knows of the memory: slab objects have no highmem. */
	if ((w->r->value & KMEMLAB_GFP_HIGHUSER) && w->row &&
	    (w->row->backings & (1U << KMEMLAB_BACKING_SLAB))) {
		snprintf(hint, sizeof(hint), "use GFP_USER, or an API that takes it: %s",
			 apis_taking(KMEMLAB_GFP_HIGHUSER, others, sizeof(others)));
		errmsg_set(m, hint, "%s does not take %s: slab memory cannot come from "
			   "highmem", w->api, refused);
		return;
	}
	names_join(&gfp_names, api_gfp_ok(w->row), " ", ok, sizeof(ok));
	apis_taking(w->r->value, others, sizeof(others));
	if (others[0])
		snprintf(hint, sizeof(hint), "%s takes: %s; %s is taken by: %s",
			 w->api, ok, refused, others);
	else
		snprintf(hint, sizeof(hint), "%s takes: %s", w->api, ok);
	errmsg_set(m, hint, "%s does not take %s", w->api, refused);
}

static void say_two(const struct why *w, struct errmsg *m, const char *what)
{
	char names[128];

	(void)w;
	names_join(&gfp_names, w->r->value, " and ", names, sizeof(names));
	errmsg_set(m, "combine one base type with modifiers, e.g. GFP_KERNEL|__GFP_ZERO",
		   "%s are %s: give at most one", names, what);
}

static void say_two_bases(const struct why *w, struct errmsg *m)
{
	say_two(w, m, "base types");
}

static void say_two_zones(const struct why *w, struct errmsg *m)
{
	say_two(w, m, "zone modifiers");
}

static void say_api_sleeps(const struct why *w, struct errmsg *m)
{
	char buf[32], sleepy[64], ok[128], hint[256];

	snprintf(hint, sizeof(hint), "use --context %s, or an API that does not sleep: %s",
		 rows_with(&context_names, KMEMLAB_CTX_CAP_SLEEPS, 0, sleepy, sizeof(sleepy)),
		 rows_with(&api_names, 0, KMEMLAB_API_CAP_SLEEPS, ok, sizeof(ok)));
	errmsg_set(m, hint, "%s may sleep, and the %s context may not", w->api,
		   ctx_name(w->r->arg, buf, sizeof(buf)));
}

static void say_api_irq(const struct why *w, struct errmsg *m)
{
	char buf[32], ctxs[64], hint[128];

	snprintf(hint, sizeof(hint), "use --context %s",
		 rows_with(&context_names, 0, KMEMLAB_CTX_CAP_IRQ, ctxs, sizeof(ctxs)));
	errmsg_set(m, hint, "%s must not run in interrupt context, and %s is one: its "
		   "locks are not irq-safe", w->api, ctx_name(w->r->arg, buf, sizeof(buf)));
}

static void say_type_size(const struct why *w, struct errmsg *m)
{
	char hint[96];

	snprintf(hint, sizeof(hint), "use --size %llu, or leave --size out",
		 (unsigned long long)w->r->value);
	errmsg_set(m, hint, "%s allocates objects of a type of %llu bytes: the size comes "
		   "from the type, not from the caller", w->api,
		   (unsigned long long)w->r->value);
}

static void say_gfp_sleeps(const struct why *w, struct errmsg *m)
{
	char buf[32], flag[64], ok[128], hint[256];
	const char *ctx = ctx_name(w->r->arg, buf, sizeof(buf));

	snprintf(hint, sizeof(hint), "in the %s context use a base type that does not "
		 "sleep: %s", ctx,
		 rows_with(&gfp_names, KMEMLAB_GFP_CAP_BASE, KMEMLAB_GFP_CAP_SLEEPS,
			   ok, sizeof(ok)));
	errmsg_set(m, hint, "%s may sleep, and the %s context may not",
		   w->r->value ? gfp_format(w->r->value, flag, sizeof(flag)) :
		   "this GFP combination", ctx);
}

static void say_nofail_order(const struct why *w, struct errmsg *m)
{
	char hint[128];

	snprintf(hint, sizeof(hint), "drop __GFP_NOFAIL, or ask for at most %s",
		 SZ(w->r->value));
	errmsg_set(m, hint, "__GFP_NOFAIL is allowed up to order 1: %s takes at most %s "
		   "with it, and %s needs order %u", w->api, SZ(w->r->value),
		   SZ(total(w)), w->r->arg);
}

static void say_nofail_no_reclaim(const struct why *w, struct errmsg *m)
{
	(void)w;
	errmsg_set(m, "use GFP_KERNEL|__GFP_NOFAIL in the process context, or drop "
		   "__GFP_NOFAIL",
		   "__GFP_NOFAIL needs a base type that may sleep: without reclaim "
		   "it cannot retry until it succeeds");
}

static void say_not_resizable(const struct why *w, struct errmsg *m)
{
	char apis[256], buf[32], why[64];

	if (w->r->value) {
		errmsg_set(m, "allocate with an API that can be resized to resize it later",
			   "handle %u is a %s allocation, whose resize operation is %s",
			   w->req->handle, name_of(&api_names, w->r->arg, buf, sizeof(buf)),
			   unavailable_text(w->r->value, why, sizeof(why)));
		return;
	}
	errmsg_set(m, "allocate with an API that can be resized to resize it later",
		   "handle %u is a %s allocation, which cannot be resized; %s can",
		   w->req->handle, name_of(&api_names, w->r->arg, buf, sizeof(buf)),
		   rows_with(&api_names, KMEMLAB_API_CAP_RESIZE, 0, apis, sizeof(apis)));
}

static void say_api_unavailable(const struct why *w, struct errmsg *m)
{
	char buf[32], why[64], rel[80];
	struct utsname u;

	snprintf(rel, sizeof(rel), "%s", uname(&u) ? "this kernel" : u.release);
	errmsg_set(m, "'kmemlab apis' shows which APIs this kernel has",
		   "%s is %s (%s)", name_of(&api_names, w->r->arg, buf, sizeof(buf)),
		   unavailable_text(w->r->value, why, sizeof(why)), rel);
}

static void say_not_benchable(const struct why *w, struct errmsg *m)
{
	char apis[256], hint[300];

	snprintf(hint, sizeof(hint), "bench another API: %s",
		 rows_with(&api_names, 0, KMEMLAB_API_CAP_NO_BENCH, apis, sizeof(apis)));
	errmsg_set(m, hint, "bench does not run %s: %s memory is not freed in a tight "
		   "loop", w->api, (w->caps & KMEMLAB_API_CAP_DEVM) ?
		   "device-managed" : "coherent DMA");
}

/* ---- -EOVERFLOW, -E2BIG ---- */

static void say_overflow(const struct why *w, struct errmsg *m)
{
	errmsg_set(m, "ask for fewer or smaller elements",
		   "count × size overflows: %u × %llu", w->req->count,
		   (unsigned long long)w->req->size);
}

static void say_size_max(const struct why *w, struct errmsg *m)
{
	uint64_t max = w->r->value, page = page_size(w);
	char what[96], hint[160];

	if ((w->caps & KMEMLAB_API_CAP_COUNT) && w->req->count)
		snprintf(what, sizeof(what), "%u × %s = %s", w->req->count,
			 SZ(w->req->size), SZ(total(w)));
	else
		snprintf(what, sizeof(what), "%s", SZ(total(w)));
	switch (w->r->arg) {
	case KMEMLAB_LIMIT_KMALLOC:
		errmsg_set(m, "use vmalloc or kvmalloc for large buffers",
			   "%s is above KMALLOC_MAX_SIZE (%s), the most %s can "
			   "allocate", what, SZ(max), w->api);
		break;
	case KMEMLAB_LIMIT_ORDER:
		snprintf(hint, sizeof(hint), "ask for at most %s, or use vmalloc, "
			 "which needs no contiguous pages", SZ(max));
		errmsg_set(m, hint, "%s needs order %u, above the largest order the "
			   "page allocator serves (%u: %s)", what,
			   order_of(total(w), page), order_of(max, page), SZ(max));
		break;
	case KMEMLAB_LIMIT_PAGE:
		errmsg_set(m, "use get_free_pages or alloc_pages with __GFP_ZERO for more",
			   "%s gives one page: %s is above the page size (%s)",
			   w->api, what, SZ(max));
		break;
	case KMEMLAB_LIMIT_RAM:
		snprintf(hint, sizeof(hint), "ask for at most %s; no quota or module "
			 "parameter changes this", SZ(max));
		errmsg_set(m, hint, "%s is more than all the RAM of this machine (%s): "
			   "%s can never allocate it", what, SZ(max), w->api);
		break;
	case KMEMLAB_LIMIT_INT_MAX:
		errmsg_set(m, "use vmalloc for more",
			   "%s is above INT_MAX (%s): %s refuses larger sizes", what,
			   SZ(max), w->api);
		break;
	case KMEMLAB_LIMIT_SIZE_T:
		errmsg_set(m, NULL, "%s does not fit in this kernel's size_t (%s)", what,
			   SZ(max));
		break;
	default:
		errmsg_set(m, NULL, "%s is above what %s can ever allocate here (%s)",
			   what, w->api, SZ(max));
		break;
	}
}

static void say_bench_samples(const struct why *w, struct errmsg *m)
{
	errmsg_set(m, "use fewer --iterations or --threads, or load the module with a "
		   "larger bench_max_samples",
		   "iterations × threads is above the module's bench_max_samples (%llu)",
		   (unsigned long long)w->r->value);
}

static void say_bench_cpus(const struct why *w, struct errmsg *m)
{
	char hint[64];

	snprintf(hint, sizeof(hint), "use --threads %llu or fewer",
		 (unsigned long long)w->r->value);
	errmsg_set(m, hint, "only %llu CPU%s online, and a bench pins one thread "
		   "on each", (unsigned long long)w->r->value,
		   w->r->value == 1 ? " is" : "s are");
}

/* ---- -EPERM: what needs CAP_SYS_ADMIN ---- */

static void say_perm_nofail(const struct why *w, struct errmsg *m)
{
	(void)w;
	errmsg_set(m, "run as root, or drop __GFP_NOFAIL",
		   "__GFP_NOFAIL needs CAP_SYS_ADMIN: the allocator retries until it "
		   "succeeds, reclaiming and calling the OOM killer on the way");
}

static void say_perm_no_sleep(const struct why *w, struct errmsg *m)
{
	char hint[160];

	snprintf(hint, sizeof(hint), "run as root, ask for at most %s, or allocate "
		 "in the process context with GFP_KERNEL", SZ(w->r->value));
	errmsg_set(m, hint, "an allocation that cannot sleep above %s needs "
		   "CAP_SYS_ADMIN: without reclaim, %s comes out of the atomic reserves "
		   "interrupt handlers rely on", SZ(w->r->value), SZ(total(w)));
}

static void say_perm_dma(const struct why *w, struct errmsg *m)
{
	char hint[128];

	snprintf(hint, sizeof(hint), "run as root, or ask for at most %s of GFP_DMA",
		 SZ(w->r->value));
	errmsg_set(m, hint, "GFP_DMA above %s needs CAP_SYS_ADMIN: ZONE_DMA is small "
		   "and shared by the whole system (this request: %s)",
		   SZ(w->r->value), SZ(total(w)));
}

static void say_perm_cache(const struct why *w, struct errmsg *m)
{
	(void)w;
	errmsg_set(m, "run as root, or allocate from a cache root created "
		   "(the same --name, --size and alignment)",
		   "kmem_cache creation needs CAP_SYS_ADMIN: a cache is a named, "
		   "system-wide object of the slab allocator");
}

/* ---- -EEXIST, -ENOENT, -ENOSPC, -ENOMEM, -EBUSY ---- */

static void say_cache_mismatch(const struct why *w, struct errmsg *m)
{
	errmsg_set(m, "free its objects (the cache goes with the last one), "
		   "or use another --name",
		   "a live cache named '%s' has another object size, alignment or flags",
		   w->req->name ? w->req->name : "");
}

static void say_no_handle(const struct why *w, struct errmsg *m)
{
	errmsg_set(m, "'kmemlab list' shows the live handles",
		   "no live allocation has handle %u", w->req->handle);
}

static void say_quota_bytes(const struct why *w, struct errmsg *m)
{
	char live[64] = "";

	if (w->info)
		snprintf(live, sizeof(live), "%s live of ", SZ(w->info->all_live.bytes));
	errmsg_set(m, "free allocations (kmemlab free --all), or raise the max_bytes "
		   "module parameter",
		   "quota exceeded: %smax_bytes %s (this request: %s)", live,
		   SZ(w->r->value), SZ(total(w)));
}

static void say_quota_allocs(const struct why *w, struct errmsg *m)
{
	char live[64] = "";

	if (w->info)
		snprintf(live, sizeof(live), "%llu live allocations of ",
			 (unsigned long long)w->info->all_live.allocs);
	errmsg_set(m, "free allocations (kmemlab free --all), or raise the max_allocs "
		   "module parameter",
		   "quota exceeded: %smax_allocs %llu", live,
		   (unsigned long long)w->r->value);
}

static void say_quota_dma(const struct why *w, struct errmsg *m)
{
	char live[64] = "";

	if (w->info)
		snprintf(live, sizeof(live), "%s live of ", SZ(w->info->dma_live_bytes));
	errmsg_set(m, "free GFP_DMA allocations, or raise the dma_max_bytes module "
		   "parameter",
		   "GFP_DMA quota exceeded: %sdma_max_bytes %s (this request: %s)", live,
		   SZ(w->r->value), SZ(total(w)));
}

static void say_quota_bench(const struct why *w, struct errmsg *m)
{
	errmsg_set(m, "use fewer --iterations or --threads, free allocations, or raise "
		   "max_bytes",
		   "the bench's own memory (its samples and threads) would pass "
		   "max_bytes (%s)", SZ(w->r->value));
}

/* The allocator said no: what in the request makes that likely. */
static void say_allocator(const struct why *w, struct errmsg *m)
{
	uint64_t gfp = w->req->gfp, sleeping = 0, zones = 0;
	unsigned int order = order_of(total(w), page_size(w));
	char names[64];

	for (size_t i = 0; i < gfp_names.count; i++) {
		const struct name_row *r = name_at(&gfp_names, i);

		if (r->caps & KMEMLAB_GFP_CAP_SLEEPS)
			sleeping |= r->value;
		if (r->caps & KMEMLAB_GFP_CAP_ZONE)
			zones |= r->value;
	}
	if (gfp & zones)
		errmsg_set(m, "'kmemlab info' shows the zones and their ranges",
			   "the allocator returned NULL: %s limits it to one small zone",
			   gfp_format(gfp & zones, names, sizeof(names)));
	else if (!(gfp & sleeping))
		errmsg_set(m, "retry, or allocate in the process context with GFP_KERNEL",
			   "the allocator returned NULL: without a base type that may "
			   "sleep it cannot wait for reclaim");
	else if (gfp & KMEMLAB_GFP_NORETRY)
		errmsg_set(m, "drop __GFP_NORETRY to let the kernel reclaim harder",
			   "the allocator returned NULL: __GFP_NORETRY gives up after one "
			   "light attempt at reclaim");
	else if (!(w->caps & KMEMLAB_API_CAP_VMAP) && order > 3)
		errmsg_set(m, "memory may be fragmented (see /proc/buddyinfo); "
			   "vmalloc needs no contiguous pages",
			   "the allocator returned NULL: order %u needs %llu physically "
			   "contiguous pages", order, 1ULL << order);
	else
		errmsg_set(m, "the system is short of memory", "the allocator returned NULL");
}

static void say_driver_nomem(const struct why *w, struct errmsg *m)
{
	(void)w;
	errmsg_set(m, "the system is short of memory, or the module's fail_nth "
		   "fault injection fired",
		   "the driver had no memory for its own bookkeeping; nothing was "
		   "allocated");
}

static void say_handles(const struct why *w, struct errmsg *m)
{
	(void)w;
	errmsg_set(m, "free allocations (kmemlab free --all)",
		   "the device has no free handle");
}

/* One row per reason code: its errno and its sentence. */
static const struct {
	int err;
	void (*say)(const struct why *w, struct errmsg *m);
} reasons[KMEMLAB_REASON_COUNT] = {
	[KMEMLAB_REASON_API] = { EINVAL, say_api },
	[KMEMLAB_REASON_CONTEXT] = { EINVAL, say_context },
	[KMEMLAB_REASON_SIZE_ZERO] = { EINVAL, say_size_zero },
	[KMEMLAB_REASON_FIELD] = { EINVAL, say_field },
	[KMEMLAB_REASON_GFP_NONE] = { EINVAL, say_gfp_none },
	[KMEMLAB_REASON_GFP_NOT_TAKEN] = { EINVAL, say_gfp_not_taken },
	[KMEMLAB_REASON_GFP_TWO_BASES] = { EINVAL, say_two_bases },
	[KMEMLAB_REASON_GFP_TWO_ZONES] = { EINVAL, say_two_zones },
	[KMEMLAB_REASON_API_SLEEPS] = { EINVAL, say_api_sleeps },
	[KMEMLAB_REASON_GFP_SLEEPS] = { EINVAL, say_gfp_sleeps },
	[KMEMLAB_REASON_NOFAIL_ORDER] = { EINVAL, say_nofail_order },
	[KMEMLAB_REASON_NOFAIL_NO_RECLAIM] = { EINVAL, say_nofail_no_reclaim },
	[KMEMLAB_REASON_NOT_RESIZABLE] = { EINVAL, say_not_resizable },
	[KMEMLAB_REASON_NOT_BENCHABLE] = { EINVAL, say_not_benchable },
	[KMEMLAB_REASON_OVERFLOW] = { EOVERFLOW, say_overflow },
	[KMEMLAB_REASON_SIZE_MAX] = { E2BIG, say_size_max },
	[KMEMLAB_REASON_BENCH_SAMPLES] = { E2BIG, say_bench_samples },
	[KMEMLAB_REASON_BENCH_CPUS] = { E2BIG, say_bench_cpus },
	[KMEMLAB_REASON_PERM_NOFAIL] = { EPERM, say_perm_nofail },
	[KMEMLAB_REASON_PERM_NO_SLEEP] = { EPERM, say_perm_no_sleep },
	[KMEMLAB_REASON_PERM_DMA] = { EPERM, say_perm_dma },
	[KMEMLAB_REASON_PERM_CACHE] = { EPERM, say_perm_cache },
	[KMEMLAB_REASON_CACHE_MISMATCH] = { EEXIST, say_cache_mismatch },
	[KMEMLAB_REASON_NO_HANDLE] = { ENOENT, say_no_handle },
	[KMEMLAB_REASON_QUOTA_BYTES] = { ENOSPC, say_quota_bytes },
	[KMEMLAB_REASON_QUOTA_ALLOCS] = { ENOSPC, say_quota_allocs },
	[KMEMLAB_REASON_QUOTA_DMA] = { ENOSPC, say_quota_dma },
	[KMEMLAB_REASON_QUOTA_BENCH] = { ENOSPC, say_quota_bench },
	[KMEMLAB_REASON_ALLOCATOR] = { ENOMEM, say_allocator },
	[KMEMLAB_REASON_DRIVER_NOMEM] = { ENOMEM, say_driver_nomem },
	[KMEMLAB_REASON_HANDLES] = { EBUSY, say_handles },
	[KMEMLAB_REASON_API_UNAVAILABLE] = { EOPNOTSUPP, say_api_unavailable },
	[KMEMLAB_REASON_API_IRQ] = { EINVAL, say_api_irq },
	[KMEMLAB_REASON_TYPE_SIZE] = { EINVAL, say_type_size },
};

/* Without a reason (or one this CLI does not know): the errno alone. */
static const struct err_row fallbacks[] = {
	{ EINVAL, "the module refused the request as invalid",
	  "'kmemlab apis' shows what each API takes" },
	{ E2BIG, "the size is above what this API can ever allocate", NULL },
	{ EPERM, "this request needs CAP_SYS_ADMIN",
	  "run as root; README.md, Privileges, lists what needs it" },
	{ ENOSPC, "quota exceeded: the module's max_bytes, max_allocs or dma_max_bytes "
	  "would be passed",
	  "free allocations (kmemlab free --all), or raise the module parameter" },
	{ ENOMEM, "the allocator returned NULL", "the system is short of memory" },
	{ EINTR, "interrupted by a signal; nothing is left allocated", NULL },
	{ ENODEV, "the device was unbound meanwhile; nothing is left allocated",
	  "'kmemlab status' shows the devices" },
	{ ENOTTY, "the module does not know this request: it speaks another ABI",
	  "compare 'kmemlab --version': use the CLI built with the module" },
	{ 0 }
};

bool explain_reason(int err, const struct alloc_req *req,
		    const struct kmemlab_refusal *r,
		    const struct kmemlab_info *info, struct errmsg *m)
{
	/* The row the driver describes (@req may name the CLI's own). */
	const struct api_row *row = req->api ? api_by_value(req->api->n.value) : NULL;
	struct why w = {
		.req = req,
		.r = r,
		.info = info,
		.row = row,
		.api = row ? row->n.name : "this API",
		.caps = row ? row->n.caps : 0,
	};

	if (!r || !r->reason || r->reason >= KMEMLAB_REASON_COUNT ||
	    !reasons[r->reason].say || reasons[r->reason].err != err) {
		errmsg_default(m, err, fallbacks);
		return false;
	}
	reasons[r->reason].say(&w, m);
	return true;
}

void explain_alloc(int err, const struct alloc_req *req,
		   const struct kmemlab_refusal *r,
		   const struct kmemlab_info *info, struct errmsg *m)
{
	explain_reason(err, req, r, info, m);
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

void explain_bench(int err, const struct bench_req *b,
		   const struct kmemlab_refusal *r,
		   const struct kmemlab_info *info, struct errmsg *m)
{
	struct alloc_req req = {
		.api = b->api, .context = b->context, .size = b->size,
		.gfp = b->gfp, .name = "bench",
	};

	if (err == ENOTTY)
		errmsg_set(m, "load a newer kmemlab.ko; compare 'kmemlab --version'",
			   "this module has no BENCH: it predates the benchmark");
	else
		explain_reason(err, &req, r, info, m);
}
