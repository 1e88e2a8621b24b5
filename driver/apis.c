// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab: the allocator back-end table.
 *
 * One row per API: its name, what it takes, which gfp flags it accepts, the
 * largest request it could ever satisfy, and how to allocate and free. The
 * ioctls, the sysfs counters and INFO all read this table; adding an API is
 * adding an enum value to the UAPI header and a row here.
 */
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "internal.h"

/* Classes of gfp bits. */
#define GFP_CLASS_BASE	KMEMLAB_GFP_CAP_BASE
#define GFP_CLASS_ZONE	KMEMLAB_GFP_CAP_ZONE
#define GFP_CLASS_MOD	KMEMLAB_GFP_CAP_MODIFIER

/*
 * ABI gfp bits -> kernel gfp flags, with the kernel's names; the ABI never
 * carries raw gfp_t bits. DESCRIBE reports this table.
 */
static const struct {
	u64 abi;
	gfp_t gfp;
	u64 class;
	const char *name;
} kmemlab_gfp_map[] = {
	{ KMEMLAB_GFP_KERNEL, GFP_KERNEL, GFP_CLASS_BASE, "GFP_KERNEL" },
	{ KMEMLAB_GFP_ATOMIC, GFP_ATOMIC, GFP_CLASS_BASE, "GFP_ATOMIC" },
	{ KMEMLAB_GFP_NOWAIT, GFP_NOWAIT, GFP_CLASS_BASE, "GFP_NOWAIT" },
	{ KMEMLAB_GFP_NOIO, GFP_NOIO, GFP_CLASS_BASE, "GFP_NOIO" },
	{ KMEMLAB_GFP_NOFS, GFP_NOFS, GFP_CLASS_BASE, "GFP_NOFS" },
	{ KMEMLAB_GFP_USER, GFP_USER, GFP_CLASS_BASE, "GFP_USER" },
	{ KMEMLAB_GFP_HIGHUSER, GFP_HIGHUSER, GFP_CLASS_BASE, "GFP_HIGHUSER" },
	{ KMEMLAB_GFP_DMA, GFP_DMA, GFP_CLASS_ZONE, "GFP_DMA" },
	{ KMEMLAB_GFP_DMA32, GFP_DMA32, GFP_CLASS_ZONE, "GFP_DMA32" },
	{ KMEMLAB_GFP_ZERO, __GFP_ZERO, GFP_CLASS_MOD, "__GFP_ZERO" },
	{ KMEMLAB_GFP_NOWARN, __GFP_NOWARN, GFP_CLASS_MOD, "__GFP_NOWARN" },
	{ KMEMLAB_GFP_NORETRY, __GFP_NORETRY, GFP_CLASS_MOD, "__GFP_NORETRY" },
	{ KMEMLAB_GFP_RETRY_MAYFAIL, __GFP_RETRY_MAYFAIL, GFP_CLASS_MOD,
	  "__GFP_RETRY_MAYFAIL" },
	{ KMEMLAB_GFP_NOFAIL, __GFP_NOFAIL, GFP_CLASS_MOD, "__GFP_NOFAIL" },
	{ KMEMLAB_GFP_HIGH, __GFP_HIGH, GFP_CLASS_MOD, "__GFP_HIGH" },
	{ KMEMLAB_GFP_ACCOUNT, __GFP_ACCOUNT, GFP_CLASS_MOD, "__GFP_ACCOUNT" },
};

gfp_t kmemlab_gfp(u64 abi_gfp)
{
	gfp_t gfp = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kmemlab_gfp_map); i++)
		if (abi_gfp & kmemlab_gfp_map[i].abi)
			gfp |= kmemlab_gfp_map[i].gfp;
	return gfp;
}

/* Every KMEMLAB_GFP_* bit the driver knows. */
u64 kmemlab_gfp_known(void)
{
	u64 bits = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kmemlab_gfp_map); i++)
		bits |= kmemlab_gfp_map[i].abi;
	return bits;
}

static u64 kmemlab_gfp_bits(u64 class)
{
	u64 bits = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kmemlab_gfp_map); i++)
		if (kmemlab_gfp_map[i].class == class)
			bits |= kmemlab_gfp_map[i].abi;
	return bits;
}

/* The base type that decides whether a request may reclaim; none: NOWAIT. */
static u64 kmemlab_gfp_base(u64 abi_gfp)
{
	u64 base = abi_gfp & kmemlab_gfp_bits(GFP_CLASS_BASE);

	return base ?: KMEMLAB_GFP_NOWAIT;
}

/*
 * The privilege rules of single gfp bits (see policy.c): above how many
 * bytes a request with @abi_bit needs CAP_SYS_ADMIN, and the reason it
 * reports. A base type that cannot reclaim takes what it gets from the
 * atomic reserves: more than a page of that is the administrator's call.
 */
static u64 kmemlab_gfp_admin(u64 abi_bit, u32 *reason)
{
	*reason = 0;
	if (abi_bit == KMEMLAB_GFP_NOFAIL) {
		*reason = KMEMLAB_REASON_PERM_NOFAIL;
		return 0;
	}
	if (abi_bit == KMEMLAB_GFP_DMA) {
		*reason = KMEMLAB_REASON_PERM_DMA;
		return KMEMLAB_DMA_USER_MAX;
	}
	if ((abi_bit & kmemlab_gfp_bits(GFP_CLASS_BASE)) &&
	    !gfpflags_allow_blocking(kmemlab_gfp(abi_bit))) {
		*reason = KMEMLAB_REASON_PERM_NO_SLEEP;
		return PAGE_SIZE;
	}
	return KMEMLAB_DESC_NO_LIMIT;
}

/**
 * kmemlab_gfp_priv() - does @size bytes with @abi_gfp need CAP_SYS_ADMIN?
 * @abi_gfp: KMEMLAB_GFP_* bits, already validated.
 * @size: bytes.
 * @limit: set to the size that was passed.
 *
 * Return: the enum kmemlab_reason that asks for it, or 0.
 */
u32 kmemlab_gfp_priv(u64 abi_gfp, size_t size, u64 *limit)
{
	u64 bits = (abi_gfp & ~kmemlab_gfp_bits(GFP_CLASS_BASE)) |
		   kmemlab_gfp_base(abi_gfp);
	unsigned int i;
	u32 reason;

	for (i = 0; i < ARRAY_SIZE(kmemlab_gfp_map); i++) {
		if (!(bits & kmemlab_gfp_map[i].abi))
			continue;
		*limit = kmemlab_gfp_admin(kmemlab_gfp_map[i].abi, &reason);
		if (reason && size > *limit)
			return reason;
	}
	return 0;
}

unsigned int kmemlab_order(size_t size)
{
	return get_order(size);
}

/* Flag sets, by what the allocator behind the API can take. */
#define GFP_MODIFIERS	(KMEMLAB_GFP_ZERO | KMEMLAB_GFP_NOWARN |		\
			 KMEMLAB_GFP_NORETRY | KMEMLAB_GFP_RETRY_MAYFAIL |	\
			 KMEMLAB_GFP_NOFAIL | KMEMLAB_GFP_HIGH |		\
			 KMEMLAB_GFP_ACCOUNT)
/* Slab memory: no highmem, and no DMA32 kmalloc caches exist. */
#define GFP_SLAB	(KMEMLAB_GFP_KERNEL | KMEMLAB_GFP_ATOMIC |		\
			 KMEMLAB_GFP_NOWAIT | KMEMLAB_GFP_NOIO |		\
			 KMEMLAB_GFP_NOFS | KMEMLAB_GFP_USER |			\
			 KMEMLAB_GFP_DMA | GFP_MODIFIERS)
#define GFP_PAGES	(GFP_SLAB | KMEMLAB_GFP_HIGHUSER | KMEMLAB_GFP_DMA32)
/* __vmalloc(): the base types and zones it takes (compat.h). */
#define GFP_VMALLOC	(KMEMLAB_GFP_KERNEL | KMEMLAB_GFP_NOIO |		\
			 KMEMLAB_GFP_NOFS | GFP_VMALLOC_NONBLOCK |		\
			 KMEMLAB_VMALLOC_ZONES |				\
			 (GFP_MODIFIERS & ~KMEMLAB_GFP_HIGH))
#define GFP_KVMALLOC	(GFP_SLAB & ~KMEMLAB_GFP_DMA)
/* A bucket set has one cache per size whatever the zone or type flags. */
#define GFP_BUCKETS	(GFP_SLAB & ~KMEMLAB_GFP_DMA)
/* What the nolock APIs take: no base type, they never wait for anything. */
#define GFP_KMALLOC_NOLOCK	(KMEMLAB_GFP_ZERO | KMEMLAB_GFP_ACCOUNT)
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 18, 0)
#define GFP_PAGES_NOLOCK	KMEMLAB_GFP_ACCOUNT
#else
#define GFP_PAGES_NOLOCK	0
#endif
/* dma_alloc_coherent() picks the zone from the device's mask itself. */
#define GFP_COHERENT	(KMEMLAB_GFP_KERNEL | KMEMLAB_GFP_ATOMIC |		\
			 KMEMLAB_GFP_NOWAIT | KMEMLAB_GFP_ZERO |		\
			 KMEMLAB_GFP_NOWARN)

#if KMEMLAB_VMALLOC_NONBLOCK
/* vmalloc sleeps only where its flags allow it, never in an interrupt. */
#define CAPS_VMAP	(KMEMLAB_API_CAP_NO_IRQ | KMEMLAB_API_CAP_VMAP |	\
			 KMEMLAB_API_CAP_FREE_SLEEPS)
#define GFP_VMALLOC_NONBLOCK	(KMEMLAB_GFP_ATOMIC | KMEMLAB_GFP_NOWAIT)
#else
/* vmalloc may sleep whatever the flags: it maps pages with GFP_KERNEL. */
#define CAPS_VMAP	(KMEMLAB_API_CAP_SLEEPS | KMEMLAB_API_CAP_VMAP |	\
			 KMEMLAB_API_CAP_FREE_SLEEPS)
#define GFP_VMALLOC_NONBLOCK	0
#endif
/* Device-managed: only in process context, devres registers with GFP_KERNEL. */
#define CAPS_DEVM	(KMEMLAB_API_CAP_DEVM | KMEMLAB_API_CAP_SLEEPS |	\
			 KMEMLAB_API_CAP_NO_BENCH)
#define CAP_ZEROES	KMEMLAB_API_CAP_ZEROES
#if KMEMLAB_HAVE_SHEAVES
#define CAP_SHEAVES	KMEMLAB_API_CAP_SHEAVES
#else
#define CAP_SHEAVES	0
#endif

static u64 kmemlab_max_kmalloc(u32 *limit)
{
	*limit = KMEMLAB_LIMIT_KMALLOC;
	return KMALLOC_MAX_SIZE;
}

static u64 kmemlab_max_pages(u32 *limit)
{
	*limit = KMEMLAB_LIMIT_ORDER;
	return PAGE_SIZE << KMEMLAB_MAX_PAGE_ORDER;
}

static u64 kmemlab_max_page(u32 *limit)
{
	*limit = KMEMLAB_LIMIT_PAGE;
	return PAGE_SIZE;
}

static u64 kmemlab_max_kmalloc_cache(u32 *limit)
{
	*limit = KMEMLAB_LIMIT_KMALLOC_CACHE;
	return KMALLOC_MAX_CACHE_SIZE;
}

/* alloc_pages_nolock() serves only what the per-CPU lists hold. */
static u64 kmemlab_max_pcp(u32 *limit)
{
	*limit = KMEMLAB_LIMIT_PCP_ORDER;
	return PAGE_SIZE << PAGE_ALLOC_COSTLY_ORDER;
}

static u64 kmemlab_max_vmalloc(u32 *limit)
{
	*limit = KMEMLAB_LIMIT_RAM;
	return (u64)totalram_pages() << PAGE_SHIFT;
}

/* kvmalloc() refuses anything above INT_MAX. */
static u64 kmemlab_max_kvmalloc(u32 *limit)
{
	u64 ram = kmemlab_max_vmalloc(limit);

	if (ram <= INT_MAX)
		return ram;
	*limit = KMEMLAB_LIMIT_INT_MAX;
	return INT_MAX;
}

static struct device *kmemlab_op_dev(struct kmemlab_op *op)
{
	return &op->kd->pdev->dev;
}

/*
 * The back-ends. Each alloc runs in the requested context. The allocators
 * record their caller (/proc/vmallocinfo, the kmem trace events' call_site),
 * and that should be the back-end named after the API: KMEMLAB_CALL() keeps
 * the compiler from turning the call into a tail call, which would make the
 * caller's caller the one recorded.
 */
#define KMEMLAB_CALL(expr) ({ void *__p = (expr); OPTIMIZER_HIDE_VAR(__p); __p; })

static void *kmemlab_kmalloc(struct kmemlab_op *op)
{
	return KMEMLAB_CALL(kmalloc(op->size, op->gfp));
}

static void *kmemlab_kzalloc(struct kmemlab_op *op)
{
	return KMEMLAB_CALL(kzalloc(op->size, op->gfp));
}

static void *kmemlab_kcalloc(struct kmemlab_op *op)
{
	return KMEMLAB_CALL(kcalloc(op->count, op->size / op->count, op->gfp));
}

/* krealloc() from NULL (ALLOC) or of @op->old (REALLOC). */
static void *kmemlab_krealloc(struct kmemlab_op *op)
{
	return KMEMLAB_CALL(krealloc(op->old, op->size, op->gfp));
}

static void kmemlab_kfree(struct kmemlab_buf *buf)
{
	kfree(buf->ptr);
}

#if KMEMLAB_HAVE_KMALLOC_NOLOCK
static void *kmemlab_kmalloc_nolock(struct kmemlab_op *op)
{
	return KMEMLAB_CALL(kmalloc_nolock(op->size, op->gfp, NUMA_NO_NODE));
}

static void kmemlab_kfree_nolock(struct kmemlab_buf *buf)
{
	kfree_nolock(buf->ptr);
}

#else
#define kmemlab_kmalloc_nolock	NULL
#define kmemlab_kfree_nolock	NULL
#endif

/*
 * What the kmalloc_obj() rows allocate: a record the size of a small
 * driver's state, 200 bytes, which no kmalloc size class fits exactly.
 */
struct kmemlab_obj {
	u64 word[25];
};

#if KMEMLAB_HAVE_KMALLOC_OBJ
static void *kmemlab_kmalloc_obj(struct kmemlab_op *op)
{
	return KMEMLAB_CALL(kmalloc_obj(struct kmemlab_obj, op->gfp));
}

static void *kmemlab_kzalloc_obj(struct kmemlab_op *op)
{
	return KMEMLAB_CALL(kzalloc_obj(struct kmemlab_obj, op->gfp));
}

static void *kmemlab_kmalloc_objs(struct kmemlab_op *op)
{
	return KMEMLAB_CALL(kmalloc_objs(struct kmemlab_obj, op->count,
					 op->gfp));
}

#else
#define kmemlab_kmalloc_obj	NULL
#define kmemlab_kzalloc_obj	NULL
#define kmemlab_kmalloc_objs	NULL
#endif

/* The module's bucket set: caches "kmemlab_buckets-<size>". */
#define KMEMLAB_BUCKETS_NAME	"kmemlab_buckets"

#if KMEMLAB_HAVE_KMEM_BUCKETS
static typeof(kmem_buckets) *kmemlab_buckets;

static void *kmemlab_kmem_buckets_alloc(struct kmemlab_op *op)
{
	return KMEMLAB_CALL(kmem_buckets_alloc(kmemlab_buckets, op->size,
					       op->gfp));
}

/*
 * The kernel has no kmem_buckets_destroy() (7.2): undo kmem_buckets_create()
 * as its own failure path does. Sizes that share a cache (an alignment
 * larger than the size class) share the pointer: each cache goes once.
 */
static void kmemlab_buckets_destroy(kmem_buckets *b)
{
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(*b); i++) {
		for (j = 0; j < i && (*b)[j] != (*b)[i]; j++)
			;
		if ((*b)[i] && j == i)
			kmem_cache_destroy((*b)[i]);
	}
	kfree(b);	/* a kmem_cache_alloc() object: kfree() takes it */
}

#else
#define kmemlab_kmem_buckets_alloc	NULL
#endif

static void *kmemlab_vmalloc(struct kmemlab_op *op)
{
	return KMEMLAB_CALL(__vmalloc(op->size, op->gfp));
}

static void *kmemlab_vzalloc(struct kmemlab_op *op)
{
	return KMEMLAB_CALL(__vmalloc(op->size, op->gfp | __GFP_ZERO));
}

static void kmemlab_vfree(struct kmemlab_buf *buf)
{
	vfree(buf->ptr);
}

static void *kmemlab_kvmalloc(struct kmemlab_op *op)
{
	return KMEMLAB_CALL(kvmalloc(op->size, op->gfp));
}

static void *kmemlab_kvzalloc(struct kmemlab_op *op)
{
	return KMEMLAB_CALL(kvzalloc(op->size, op->gfp));
}

/* kvrealloc() of @op->old: slab, pages or vmalloc, whichever fits now. */
static void *kmemlab_kvrealloc(struct kmemlab_op *op)
{
	return KMEMLAB_CALL(kmemlab_kvrealloc_call(op->old, op->old_size, op->size,
					      op->gfp));
}

#if KMEMLAB_HAVE_VREALLOC
static void *kmemlab_vrealloc(struct kmemlab_op *op)
{
	return KMEMLAB_CALL(vrealloc(op->old, op->size, op->gfp));
}
#else
#define kmemlab_vrealloc	NULL
#endif

static void *kmemlab_kvcalloc(struct kmemlab_op *op)
{
	return KMEMLAB_CALL(kvcalloc(op->count, op->size / op->count, op->gfp));
}

static void kmemlab_kvfree(struct kmemlab_buf *buf)
{
	kvfree(buf->ptr);
}

static void *kmemlab_get_free_pages(struct kmemlab_op *op)
{
	return KMEMLAB_CALL((void *)__get_free_pages(op->gfp, op->order));
}

static void kmemlab_free_pages(struct kmemlab_buf *buf)
{
	free_pages((unsigned long)buf->ptr, buf->order);
}

/* The struct page itself: with GFP_HIGHUSER it may have no address. */
static void *kmemlab_alloc_pages(struct kmemlab_op *op)
{
	return KMEMLAB_CALL((void *)alloc_pages(op->gfp, op->order));
}

static void kmemlab___free_pages(struct kmemlab_buf *buf)
{
	__free_pages(buf->ptr, buf->order);
}

#if KMEMLAB_HAVE_ALLOC_PAGES_NOLOCK
static void *kmemlab_alloc_pages_nolock(struct kmemlab_op *op)
{
	return KMEMLAB_CALL((void *)kmemlab_alloc_pages_nolock_call(op->gfp,
								op->order));
}

#else
#define kmemlab_alloc_pages_nolock	NULL
#endif

static void *kmemlab_get_zeroed_page(struct kmemlab_op *op)
{
	return KMEMLAB_CALL((void *)get_zeroed_page(op->gfp));
}

static void kmemlab_free_page(struct kmemlab_buf *buf)
{
	free_page((unsigned long)buf->ptr);
}

static void *kmemlab_kmem_cache_alloc(struct kmemlab_op *op)
{
	return KMEMLAB_CALL(kmem_cache_alloc(op->cache, op->gfp));
}

static void kmemlab_kmem_cache_free(struct kmemlab_buf *buf)
{
	kmem_cache_free(buf->cache->cache, buf->ptr);
}

static void *kmemlab_devm_kmalloc(struct kmemlab_op *op)
{
	return KMEMLAB_CALL(devm_kmalloc(kmemlab_op_dev(op), op->size, op->gfp));
}

static void *kmemlab_devm_kzalloc(struct kmemlab_op *op)
{
	return KMEMLAB_CALL(devm_kzalloc(kmemlab_op_dev(op), op->size, op->gfp));
}

static void *kmemlab_devm_kcalloc(struct kmemlab_op *op)
{
	return KMEMLAB_CALL(devm_kcalloc(kmemlab_op_dev(op), op->count,
					 op->size / op->count, op->gfp));
}

static void kmemlab_devm_kfree(struct kmemlab_buf *buf)
{
	devm_kfree(&buf->kd->pdev->dev, buf->ptr);
}

static void *kmemlab_dma_alloc_coherent(struct kmemlab_op *op)
{
	return KMEMLAB_CALL(dma_alloc_coherent(kmemlab_op_dev(op), op->size,
					       &op->dma, op->gfp));
}

static void kmemlab_dma_free_coherent(struct kmemlab_buf *buf)
{
	dma_free_coherent(&buf->kd->pdev->dev, buf->report.size, buf->ptr,
			  buf->dma);
}

#define __KMEMLAB_API(_api, _name, _caps, _gfp, _max, _alloc, _resize,	\
		      _free, _page_ptr, _unavailable, _resize_unavailable,	\
		      _cache_prefix, _type_size)				\
	[KMEMLAB_API_##_api] = {					\
		.api = KMEMLAB_API_##_api,				\
		.name = _name,						\
		.caps = _caps,						\
		.gfp_ok = _gfp,						\
		.max_size = _max,					\
		.alloc = _alloc,					\
		.resize = _resize,					\
		.page_ptr = _page_ptr,					\
		.free = _free,						\
		.unavailable = _unavailable,				\
		.resize_unavailable = _resize_unavailable,		\
		.cache_prefix = _cache_prefix,				\
		.type_size = _type_size,				\
	}
#define KMEMLAB_API(...)	__KMEMLAB_API(__VA_ARGS__, false, 0, 0, NULL, 0)
/* An API whose @alloc returns a struct page (see struct kmemlab_api_ops). */
#define KMEMLAB_API_PAGES(...)	__KMEMLAB_API(__VA_ARGS__, true, 0, 0, NULL, 0)
/*
 * An API some kernels lack: its operations are NULL where compat.h's
 * KMEMLAB_HAVE_<API> is 0, and KMEMLAB_<API> says why.
 */
#define KMEMLAB_API_IF(_api, _name, _caps, _gfp, _max, _alloc, _free,	\
		       _page_ptr, _cache_prefix)			\
	__KMEMLAB_API(_api, _name, _caps, _gfp, _max, _alloc, NULL, _free,	\
		      _page_ptr, KMEMLAB_##_api, 0, _cache_prefix, 0)
/* A kmalloc() of one or @count objects of @_type; some kernels lack it. */
#define KMEMLAB_API_TYPED_IF(_api, _name, _caps, _alloc, _type)		\
	__KMEMLAB_API(_api, _name, _caps, GFP_SLAB, kmemlab_max_kmalloc,	\
		      _alloc, NULL, kmemlab_kfree, false, KMEMLAB_##_api, 0,	\
		      NULL, sizeof(_type))
/* An API whose resize operation some kernels lack, likewise. */
#define KMEMLAB_API_RESIZE_IF(_api, _name, _caps, _gfp, _max, _alloc,	\
			      _resize, _free, _resize_unavailable)	\
	__KMEMLAB_API(_api, _name, _caps, _gfp, _max, _alloc, _resize,	\
		      _free, false, 0, _resize_unavailable, NULL, 0)

static const struct kmemlab_api_ops kmemlab_apis[KMEMLAB_API_COUNT] = {
	KMEMLAB_API(KMALLOC, "kmalloc", 0, GFP_SLAB, kmemlab_max_kmalloc,
		    kmemlab_kmalloc, kmemlab_krealloc, kmemlab_kfree),
	KMEMLAB_API(KZALLOC, "kzalloc", CAP_ZEROES, GFP_SLAB,
		    kmemlab_max_kmalloc, kmemlab_kzalloc, kmemlab_krealloc,
		    kmemlab_kfree),
	KMEMLAB_API(KCALLOC, "kcalloc", KMEMLAB_API_CAP_COUNT | CAP_ZEROES,
		    GFP_SLAB, kmemlab_max_kmalloc, kmemlab_kcalloc,
		    kmemlab_krealloc, kmemlab_kfree),
	KMEMLAB_API(KREALLOC, "krealloc", 0, GFP_SLAB, kmemlab_max_kmalloc,
		    kmemlab_krealloc, kmemlab_krealloc, kmemlab_kfree),
	KMEMLAB_API_RESIZE_IF(VMALLOC, "vmalloc", CAPS_VMAP, GFP_VMALLOC,
			      kmemlab_max_vmalloc, kmemlab_vmalloc,
			      kmemlab_vrealloc, kmemlab_vfree, KMEMLAB_VREALLOC),
	KMEMLAB_API_RESIZE_IF(VZALLOC, "vzalloc", CAPS_VMAP | CAP_ZEROES,
			      GFP_VMALLOC, kmemlab_max_vmalloc, kmemlab_vzalloc,
			      kmemlab_vrealloc, kmemlab_vfree, KMEMLAB_VREALLOC),
	KMEMLAB_API(KVMALLOC, "kvmalloc", CAPS_VMAP, GFP_KVMALLOC,
		    kmemlab_max_kvmalloc, kmemlab_kvmalloc, kmemlab_kvrealloc,
		    kmemlab_kvfree),
	KMEMLAB_API(KVZALLOC, "kvzalloc", CAPS_VMAP | CAP_ZEROES, GFP_KVMALLOC,
		    kmemlab_max_kvmalloc, kmemlab_kvzalloc, kmemlab_kvrealloc,
		    kmemlab_kvfree),
	KMEMLAB_API(KVCALLOC, "kvcalloc",
		    CAPS_VMAP | KMEMLAB_API_CAP_COUNT | CAP_ZEROES, GFP_KVMALLOC,
		    kmemlab_max_kvmalloc, kmemlab_kvcalloc, kmemlab_kvrealloc,
		    kmemlab_kvfree),
	KMEMLAB_API(GET_FREE_PAGES, "get_free_pages", KMEMLAB_API_CAP_ORDER,
		    GFP_PAGES & ~KMEMLAB_GFP_HIGHUSER, kmemlab_max_pages,
		    kmemlab_get_free_pages, NULL, kmemlab_free_pages),
	KMEMLAB_API_PAGES(ALLOC_PAGES, "alloc_pages", KMEMLAB_API_CAP_ORDER,
			  GFP_PAGES, kmemlab_max_pages, kmemlab_alloc_pages,
			  NULL, kmemlab___free_pages),
	KMEMLAB_API(GET_ZEROED_PAGE, "get_zeroed_page",
		    KMEMLAB_API_CAP_ORDER | CAP_ZEROES,
		    GFP_PAGES & ~KMEMLAB_GFP_HIGHUSER, kmemlab_max_page,
		    kmemlab_get_zeroed_page, NULL, kmemlab_free_page),
	KMEMLAB_API(KMEM_CACHE, "kmem_cache",
		    KMEMLAB_API_CAP_CACHE | KMEMLAB_API_CAP_CREATE_ADMIN |
		    CAP_SHEAVES,
		    GFP_SLAB, kmemlab_max_kmalloc, kmemlab_kmem_cache_alloc,
		    NULL, kmemlab_kmem_cache_free),
	KMEMLAB_API(DEVM_KMALLOC, "devm_kmalloc", CAPS_DEVM, GFP_SLAB,
		    kmemlab_max_kmalloc, kmemlab_devm_kmalloc, NULL,
		    kmemlab_devm_kfree),
	KMEMLAB_API(DEVM_KZALLOC, "devm_kzalloc", CAPS_DEVM | CAP_ZEROES,
		    GFP_SLAB, kmemlab_max_kmalloc, kmemlab_devm_kzalloc, NULL,
		    kmemlab_devm_kfree),
	KMEMLAB_API(DEVM_KCALLOC, "devm_kcalloc",
		    CAPS_DEVM | KMEMLAB_API_CAP_COUNT | CAP_ZEROES, GFP_SLAB,
		    kmemlab_max_kmalloc, kmemlab_devm_kcalloc, NULL,
		    kmemlab_devm_kfree),
	/* dma_free_coherent() must not run with interrupts off. */
	KMEMLAB_API(DMA_ALLOC_COHERENT, "dma_alloc_coherent",
		    KMEMLAB_API_CAP_ORDER | KMEMLAB_API_CAP_NO_BENCH |
		    KMEMLAB_API_CAP_FREE_SLEEPS | KMEMLAB_API_CAP_DMA_MASK |
		    KMEMLAB_API_CAP_COHERENT | CAP_ZEROES,
		    GFP_COHERENT, kmemlab_max_pages, kmemlab_dma_alloc_coherent,
		    NULL, kmemlab_dma_free_coherent),
	KMEMLAB_API_IF(KMALLOC_NOLOCK, "kmalloc_nolock", 0, GFP_KMALLOC_NOLOCK,
		       kmemlab_max_kmalloc_cache, kmemlab_kmalloc_nolock,
		       kmemlab_kfree_nolock, false, NULL),
	/* It zeroes its pages itself (always __GFP_ZERO). */
	KMEMLAB_API_IF(ALLOC_PAGES_NOLOCK, "alloc_pages_nolock",
		       KMEMLAB_API_CAP_ORDER | CAP_ZEROES, GFP_PAGES_NOLOCK,
		       kmemlab_max_pcp, kmemlab_alloc_pages_nolock,
		       kmemlab___free_pages, true, NULL),
	KMEMLAB_API_IF(KMEM_BUCKETS, "kmem_buckets", 0, GFP_BUCKETS,
		       kmemlab_max_kmalloc, kmemlab_kmem_buckets_alloc,
		       kmemlab_kfree, false, KMEMLAB_BUCKETS_NAME "-"),
	KMEMLAB_API_TYPED_IF(KMALLOC_OBJ, "kmalloc_obj", 0, kmemlab_kmalloc_obj,
			     struct kmemlab_obj),
	KMEMLAB_API_TYPED_IF(KZALLOC_OBJ, "kzalloc_obj", CAP_ZEROES,
			     kmemlab_kzalloc_obj, struct kmemlab_obj),
	KMEMLAB_API_TYPED_IF(KMALLOC_OBJS, "kmalloc_objs",
			     KMEMLAB_API_CAP_COUNT, kmemlab_kmalloc_objs,
			     struct kmemlab_obj),
};

const struct kmemlab_api_ops *kmemlab_api(u32 api)
{
	if (api >= KMEMLAB_API_COUNT || !kmemlab_apis[api].name)
		return NULL;
	return &kmemlab_apis[api];
}

/* The APIs the running kernel has (INFO.apis). */
u64 kmemlab_apis_mask(void)
{
	u64 mask = 0;
	u32 api;

	for (api = 0; api < KMEMLAB_API_COUNT; api++)
		if (kmemlab_apis[api].name && !kmemlab_apis[api].unavailable)
			mask |= BIT_ULL(api);
	return mask;
}

/**
 * kmemlab_apis_init() - what the API table needs before the first request
 *
 * Return: 0, or -ENOMEM.
 */
int kmemlab_apis_init(void)
{
#if KMEMLAB_HAVE_KMEM_BUCKETS
	kmemlab_buckets = kmem_buckets_create(KMEMLAB_BUCKETS_NAME, 0, 0, 0,
					      NULL);
	if (!kmemlab_buckets)
		return -ENOMEM;
#endif
	return 0;
}

/* Undo kmemlab_apis_init(), once no allocation is left. */
void kmemlab_apis_exit(void)
{
#if KMEMLAB_HAVE_KMEM_BUCKETS
	kmemlab_buckets_destroy(kmemlab_buckets);
	kmemlab_buckets = NULL;
#endif
}

/**
 * kmemlab_api_max() - the largest request @ops could ever satisfy here
 * @ops: the API.
 * @limit: set to the enum kmemlab_limit that sets it.
 *
 * Return: bytes; never more than a size_t holds.
 */
static u64 kmemlab_api_max(const struct kmemlab_api_ops *ops, u32 *limit)
{
	u64 max = ops->max_size(limit);

	if (max > SIZE_MAX) {
		*limit = KMEMLAB_LIMIT_SIZE_T;
		max = SIZE_MAX;
	}
	return max;
}

/**
 * kmemlab_check_size() - is @size within what @ops can ever allocate?
 * @ops: the API.
 * @size: bytes in total, as the u64 it came in (size_t is 32 bits on
 *	32-bit kernels).
 * @why: the refusal to fill, or NULL.
 *
 * Return: 0, or -E2BIG.
 */
int kmemlab_check_size(const struct kmemlab_api_ops *ops, u64 size,
		       struct kmemlab_refusal *why)
{
	u32 limit;
	u64 max = kmemlab_api_max(ops, &limit);

	if (size > max)
		return kmemlab_refuse(why, -E2BIG, KMEMLAB_REASON_SIZE_MAX,
				      limit, max);
	return 0;
}

/*
 * The bytes a request of @size takes from the allocator: devm_kmalloc() puts
 * a struct devres before the data in the same object.
 */
static u64 kmemlab_footprint(const struct kmemlab_api_ops *ops, u64 size)
{
	return ops->caps & KMEMLAB_API_CAP_DEVM ? size + KMEMLAB_DEVRES_MAX : size;
}

/*
 * The most a request with __GFP_NOFAIL may ask of @ops: the page allocator
 * warns about __GFP_NOFAIL above order 1. vmalloc maps order-0 pages;
 * everything else needs get_order() of its footprint in one piece.
 */
static u64 kmemlab_nofail_max(const struct kmemlab_api_ops *ops)
{
	u32 limit;

	if (ops->caps & KMEMLAB_API_CAP_VMAP)
		return kmemlab_api_max(ops, &limit);
	return (PAGE_SIZE << 1) - kmemlab_footprint(ops, 0);
}

/**
 * kmemlab_check_gfp() - may @ops be asked for @size bytes with @abi_gfp here?
 * @ops: the API.
 * @abi_gfp: KMEMLAB_GFP_* bits.
 * @size: bytes.
 * @context: enum kmemlab_context it will run in, already validated.
 * @why: the refusal to fill, or NULL.
 *
 * Refuses, before anything runs, what the kernel would warn about or what
 * would sleep where sleeping is a bug. Every rule here reads what DESCRIBE
 * reports: the row's gfp set and caps, the gfp table, the context table.
 *
 * Return: 0, or -EINVAL.
 */
int kmemlab_check_gfp(const struct kmemlab_api_ops *ops, u64 abi_gfp,
		      size_t size, u32 context, struct kmemlab_refusal *why)
{
	u64 base = abi_gfp & kmemlab_gfp_bits(GFP_CLASS_BASE);
	u64 zone = abi_gfp & kmemlab_gfp_bits(GFP_CLASS_ZONE);
	bool sleeps = gfpflags_allow_blocking(kmemlab_gfp(abi_gfp));

	/* An API without base types (the nolock ones) takes no flag at all. */
	if (!abi_gfp && (ops->gfp_ok & kmemlab_gfp_bits(GFP_CLASS_BASE)))
		return kmemlab_refuse(why, -EINVAL, KMEMLAB_REASON_GFP_NONE,
				      0, 0);
	if (abi_gfp & ~ops->gfp_ok)
		return kmemlab_refuse(why, -EINVAL,
				      KMEMLAB_REASON_GFP_NOT_TAKEN, ops->api,
				      abi_gfp & ~ops->gfp_ok);
	if (hweight64(base) > 1)
		return kmemlab_refuse(why, -EINVAL,
				      KMEMLAB_REASON_GFP_TWO_BASES, 0, base);
	if (hweight64(zone) > 1)
		return kmemlab_refuse(why, -EINVAL,
				      KMEMLAB_REASON_GFP_TWO_ZONES, 0, zone);
	if (!kmemlab_context_sleeps(context)) {
		if (ops->caps & KMEMLAB_API_CAP_SLEEPS)
			return kmemlab_refuse(why, -EINVAL,
					      KMEMLAB_REASON_API_SLEEPS,
					      context, 0);
		if ((ops->caps & KMEMLAB_API_CAP_NO_IRQ) &&
		    kmemlab_context_irq(context))
			return kmemlab_refuse(why, -EINVAL,
					      KMEMLAB_REASON_API_IRQ,
					      context, 0);
		if (sleeps)
			return kmemlab_refuse(why, -EINVAL,
					      KMEMLAB_REASON_GFP_SLEEPS,
					      context, base);
	}
	if (abi_gfp & KMEMLAB_GFP_NOFAIL) {
		if (!sleeps)
			return kmemlab_refuse(why, -EINVAL,
					      KMEMLAB_REASON_NOFAIL_NO_RECLAIM,
					      0, base);
		if (size > kmemlab_nofail_max(ops))
			return kmemlab_refuse(why, -EINVAL,
					      KMEMLAB_REASON_NOFAIL_ORDER,
					      get_order(kmemlab_footprint(ops, size)),
					      kmemlab_nofail_max(ops));
	}
	return 0;
}

/**
 * kmemlab_check_call() - the API, context and size of a request
 * @api: enum kmemlab_api asked for.
 * @context: enum kmemlab_context asked for.
 * @size: bytes, > 0 (an element's, with a count); a typed API's type size.
 * @why: the refusal to fill, or NULL.
 * @out: set to the API's row.
 *
 * Return: 0, or -EINVAL.
 */
int kmemlab_check_call(u32 api, u32 context, u64 size,
		       struct kmemlab_refusal *why,
		       const struct kmemlab_api_ops **out)
{
	*out = kmemlab_api(api);
	if (!*out)
		return kmemlab_refuse(why, -EINVAL, KMEMLAB_REASON_API, api, 0);
	if ((*out)->unavailable)
		return kmemlab_refuse(why, -EOPNOTSUPP,
				      KMEMLAB_REASON_API_UNAVAILABLE, api,
				      (*out)->unavailable);
	if (!kmemlab_context_ok(context))
		return kmemlab_refuse(why, -EINVAL, KMEMLAB_REASON_CONTEXT,
				      context, 0);
	if (!size)
		return kmemlab_refuse(why, -EINVAL, KMEMLAB_REASON_SIZE_ZERO,
				      0, 0);
	if ((*out)->type_size && size != (*out)->type_size)
		return kmemlab_refuse(why, -EINVAL, KMEMLAB_REASON_TYPE_SIZE,
				      api, (*out)->type_size);
	return 0;
}

/**
 * kmemlab_check_alloc() - may @ops allocate @size bytes, @abi_gfp, here?
 * @ops: the API.
 * @abi_gfp: KMEMLAB_GFP_* bits.
 * @size: bytes in total, as the u64 it came in.
 * @context: enum kmemlab_context, already validated.
 * @why: the refusal to fill, or NULL.
 *
 * What ALLOC, REALLOC and BENCH all check, in this order: the size the API
 * can ever satisfy, the gfp flags (kmemlab_check_gfp()), the privileges.
 *
 * Return: 0, or -E2BIG, -EINVAL or -EPERM.
 */
int kmemlab_check_alloc(const struct kmemlab_api_ops *ops, u64 abi_gfp,
			u64 size, u32 context, struct kmemlab_refusal *why)
{
	int ret;

	ret = kmemlab_check_size(ops, size, why);
	if (!ret)
		ret = kmemlab_check_gfp(ops, abi_gfp, size, context, why);
	if (!ret)
		ret = kmemlab_check_priv(abi_gfp, size, context, why);
	return ret;
}

/* Fill @d with the record of one name. */
static void kmemlab_desc_name(struct kmemlab_desc *d, u32 kind, u32 id,
			      const char *name)
{
	memset(d, 0, sizeof(*d));
	d->kind = kind;
	d->id = id;
	strscpy(d->name, name, sizeof(d->name));
}

/**
 * kmemlab_describe_apis() - DESCRIBE's records of the APIs
 * @d: room for %KMEMLAB_API_COUNT records, or NULL to count them.
 *
 * Return: the number of records.
 */
unsigned int kmemlab_describe_apis(struct kmemlab_desc *d)
{
	unsigned int n = 0;
	u32 api;

	for (api = 0; api < KMEMLAB_API_COUNT; api++) {
		const struct kmemlab_api_ops *ops = kmemlab_api(api);

		if (!ops)
			continue;
		if (d) {
			struct kmemlab_desc *r = &d[n];

			kmemlab_desc_name(r, KMEMLAB_DESC_API, api, ops->name);
			r->caps = ops->caps |
				  (ops->resize ? KMEMLAB_API_CAP_RESIZE : 0);
			r->gfp = ops->gfp_ok;
			r->max_size = kmemlab_api_max(ops, &r->limit);
			r->admin_above = KMEMLAB_DESC_NO_LIMIT;
			r->unavailable = ops->unavailable;
			r->resize_unavailable = ops->resize_unavailable;
			r->type_size = ops->type_size;
		}
		n++;
	}
	return n;
}

/**
 * kmemlab_describe_gfp() - DESCRIBE's records of the gfp bits
 * @d: room for every record, or NULL to count them.
 *
 * Return: the number of records.
 */
unsigned int kmemlab_describe_gfp(struct kmemlab_desc *d)
{
	unsigned int i;
	u32 reason;

	for (i = 0; d && i < ARRAY_SIZE(kmemlab_gfp_map); i++) {
		u64 abi = kmemlab_gfp_map[i].abi;
		struct kmemlab_desc *r = &d[i];

		kmemlab_desc_name(r, KMEMLAB_DESC_GFP, __ffs64(abi),
				  kmemlab_gfp_map[i].name);
		r->caps = kmemlab_gfp_map[i].class;
		if (r->caps == GFP_CLASS_BASE &&
		    gfpflags_allow_blocking(kmemlab_gfp_map[i].gfp))
			r->caps |= KMEMLAB_GFP_CAP_SLEEPS;
		r->gfp = abi;
		r->admin_above = kmemlab_gfp_admin(abi, &reason);
		if (abi == KMEMLAB_GFP_NOFAIL) {
			r->caps |= KMEMLAB_GFP_CAP_NEEDS_RECLAIM;
			r->max_size = PAGE_SIZE << 1;
			r->limit = KMEMLAB_LIMIT_ORDER_1;
		}
	}
	return ARRAY_SIZE(kmemlab_gfp_map);
}
