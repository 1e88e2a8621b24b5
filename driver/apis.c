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

/* ABI gfp bits -> kernel gfp flags; the ABI never carries raw gfp_t bits. */
static const struct {
	u64 abi;
	gfp_t gfp;
} kmemlab_gfp_map[] = {
	{ KMEMLAB_GFP_KERNEL,		GFP_KERNEL },
	{ KMEMLAB_GFP_ATOMIC,		GFP_ATOMIC },
	{ KMEMLAB_GFP_NOWAIT,		GFP_NOWAIT },
	{ KMEMLAB_GFP_NOIO,		GFP_NOIO },
	{ KMEMLAB_GFP_NOFS,		GFP_NOFS },
	{ KMEMLAB_GFP_USER,		GFP_USER },
	{ KMEMLAB_GFP_HIGHUSER,		GFP_HIGHUSER },
	{ KMEMLAB_GFP_DMA,		GFP_DMA },
	{ KMEMLAB_GFP_DMA32,		GFP_DMA32 },
	{ KMEMLAB_GFP_ZERO,		__GFP_ZERO },
	{ KMEMLAB_GFP_NOWARN,		__GFP_NOWARN },
	{ KMEMLAB_GFP_NORETRY,		__GFP_NORETRY },
	{ KMEMLAB_GFP_RETRY_MAYFAIL,	__GFP_RETRY_MAYFAIL },
	{ KMEMLAB_GFP_NOFAIL,		__GFP_NOFAIL },
	{ KMEMLAB_GFP_HIGH,		__GFP_HIGH },
	{ KMEMLAB_GFP_ACCOUNT,		__GFP_ACCOUNT },
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
/* __vmalloc(): reclaim-capable contexts only; vmalloc_32() zones. */
#define GFP_VMALLOC	(KMEMLAB_GFP_KERNEL | KMEMLAB_GFP_NOIO |		\
			 KMEMLAB_GFP_NOFS | KMEMLAB_GFP_DMA32 |			\
			 (GFP_MODIFIERS & ~KMEMLAB_GFP_HIGH))
#define GFP_KVMALLOC	(GFP_SLAB & ~KMEMLAB_GFP_DMA)
/* dma_alloc_coherent() picks the zone from the device's mask itself. */
#define GFP_COHERENT	(KMEMLAB_GFP_KERNEL | KMEMLAB_GFP_ATOMIC |		\
			 KMEMLAB_GFP_NOWAIT | KMEMLAB_GFP_ZERO |		\
			 KMEMLAB_GFP_NOWARN)

/* vmalloc may sleep whatever the flags: it maps pages with GFP_KERNEL. */
#define CAPS_VMAP	(KMEMLAB_CAP_SLEEPS | KMEMLAB_CAP_VMAP)

static u64 kmemlab_max_kmalloc(void)
{
	return KMALLOC_MAX_SIZE;
}

static u64 kmemlab_max_pages(void)
{
	return PAGE_SIZE << KMEMLAB_MAX_PAGE_ORDER;
}

static u64 kmemlab_max_page(void)
{
	return PAGE_SIZE;
}

static u64 kmemlab_max_vmalloc(void)
{
	return (u64)totalram_pages() << PAGE_SHIFT;
}

/* kvmalloc() refuses anything above INT_MAX. */
static u64 kmemlab_max_kvmalloc(void)
{
	return min_t(u64, INT_MAX, kmemlab_max_vmalloc());
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

static void *kmemlab_krealloc(struct kmemlab_op *op)
{
	return KMEMLAB_CALL(krealloc(op->old, op->size, op->gfp));
}

static void kmemlab_kfree(struct kmemlab_buf *buf)
{
	kfree(buf->ptr);
}

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

/* No highmem on 64-bit kernels: every page has a direct-map address. */
static void *kmemlab_alloc_pages(struct kmemlab_op *op)
{
	struct page *page = KMEMLAB_CALL(alloc_pages(op->gfp, op->order));

	return page ? page_address(page) : NULL;
}

static void kmemlab___free_pages(struct kmemlab_buf *buf)
{
	__free_pages(virt_to_page(buf->ptr), buf->order);
}

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

#define KMEMLAB_API(_api, _name, _caps, _gfp, _max, _alloc, _free)	\
	[KMEMLAB_API_##_api] = {					\
		.api = KMEMLAB_API_##_api,				\
		.name = _name,						\
		.caps = _caps,						\
		.gfp_ok = _gfp,						\
		.max_size = _max,					\
		.alloc = _alloc,					\
		.free = _free,						\
	}

/*
 * devm memory is only ever asked for in process context: the devres action
 * that accounts for its release is registered with GFP_KERNEL.
 */
static const struct kmemlab_api_ops kmemlab_apis[KMEMLAB_API_COUNT] = {
	KMEMLAB_API(KMALLOC, "kmalloc", KMEMLAB_CAP_RESIZE, GFP_SLAB,
		    kmemlab_max_kmalloc, kmemlab_kmalloc, kmemlab_kfree),
	KMEMLAB_API(KZALLOC, "kzalloc", KMEMLAB_CAP_RESIZE, GFP_SLAB,
		    kmemlab_max_kmalloc, kmemlab_kzalloc, kmemlab_kfree),
	KMEMLAB_API(KCALLOC, "kcalloc", KMEMLAB_CAP_RESIZE | KMEMLAB_CAP_COUNT,
		    GFP_SLAB, kmemlab_max_kmalloc, kmemlab_kcalloc,
		    kmemlab_kfree),
	KMEMLAB_API(KREALLOC, "krealloc", KMEMLAB_CAP_RESIZE, GFP_SLAB,
		    kmemlab_max_kmalloc, kmemlab_krealloc, kmemlab_kfree),
	KMEMLAB_API(VMALLOC, "vmalloc", CAPS_VMAP, GFP_VMALLOC,
		    kmemlab_max_vmalloc, kmemlab_vmalloc, kmemlab_vfree),
	KMEMLAB_API(VZALLOC, "vzalloc", CAPS_VMAP, GFP_VMALLOC,
		    kmemlab_max_vmalloc, kmemlab_vzalloc, kmemlab_vfree),
	KMEMLAB_API(KVMALLOC, "kvmalloc", CAPS_VMAP, GFP_KVMALLOC,
		    kmemlab_max_kvmalloc, kmemlab_kvmalloc, kmemlab_kvfree),
	KMEMLAB_API(KVZALLOC, "kvzalloc", CAPS_VMAP, GFP_KVMALLOC,
		    kmemlab_max_kvmalloc, kmemlab_kvzalloc, kmemlab_kvfree),
	KMEMLAB_API(GET_FREE_PAGES, "get_free_pages", KMEMLAB_CAP_ORDER,
		    GFP_PAGES & ~KMEMLAB_GFP_HIGHUSER, kmemlab_max_pages,
		    kmemlab_get_free_pages, kmemlab_free_pages),
	KMEMLAB_API(ALLOC_PAGES, "alloc_pages", KMEMLAB_CAP_ORDER, GFP_PAGES,
		    kmemlab_max_pages, kmemlab_alloc_pages,
		    kmemlab___free_pages),
	KMEMLAB_API(GET_ZEROED_PAGE, "get_zeroed_page", KMEMLAB_CAP_ORDER,
		    GFP_PAGES & ~KMEMLAB_GFP_HIGHUSER, kmemlab_max_page,
		    kmemlab_get_zeroed_page, kmemlab_free_page),
	KMEMLAB_API(KMEM_CACHE, "kmem_cache", KMEMLAB_CAP_CACHE,
		    GFP_SLAB, kmemlab_max_kmalloc, kmemlab_kmem_cache_alloc,
		    kmemlab_kmem_cache_free),
	KMEMLAB_API(DEVM_KMALLOC, "devm_kmalloc",
		    KMEMLAB_CAP_DEVM | KMEMLAB_CAP_SLEEPS, GFP_SLAB,
		    kmemlab_max_kmalloc, kmemlab_devm_kmalloc,
		    kmemlab_devm_kfree),
	KMEMLAB_API(DEVM_KZALLOC, "devm_kzalloc",
		    KMEMLAB_CAP_DEVM | KMEMLAB_CAP_SLEEPS, GFP_SLAB,
		    kmemlab_max_kmalloc, kmemlab_devm_kzalloc,
		    kmemlab_devm_kfree),
	KMEMLAB_API(DEVM_KCALLOC, "devm_kcalloc",
		    KMEMLAB_CAP_DEVM | KMEMLAB_CAP_SLEEPS | KMEMLAB_CAP_COUNT,
		    GFP_SLAB, kmemlab_max_kmalloc, kmemlab_devm_kcalloc,
		    kmemlab_devm_kfree),
	KMEMLAB_API(DMA_ALLOC_COHERENT, "dma_alloc_coherent", KMEMLAB_CAP_ORDER,
		    GFP_COHERENT, kmemlab_max_pages, kmemlab_dma_alloc_coherent,
		    kmemlab_dma_free_coherent),
};

const struct kmemlab_api_ops *kmemlab_api(u32 api)
{
	if (api >= KMEMLAB_API_COUNT || !kmemlab_apis[api].name)
		return NULL;
	return &kmemlab_apis[api];
}

u64 kmemlab_apis_mask(void)
{
	u64 mask = 0;
	u32 api;

	for (api = 0; api < KMEMLAB_API_COUNT; api++)
		if (kmemlab_apis[api].name)
			mask |= BIT_ULL(api);
	return mask;
}

/**
 * kmemlab_check_gfp() - may @ops be asked for @size bytes with @abi_gfp here?
 * @ops: the API.
 * @abi_gfp: KMEMLAB_GFP_* bits.
 * @size: bytes.
 * @context: enum kmemlab_context it will run in.
 *
 * Refuses, before anything runs, what the kernel would warn about or what
 * would sleep where sleeping is a bug.
 *
 * Return: 0, or -EINVAL.
 */
int kmemlab_check_gfp(const struct kmemlab_api_ops *ops, u64 abi_gfp,
		      size_t size, u32 context)
{
	gfp_t gfp = kmemlab_gfp(abi_gfp);
	unsigned int order;

	if (!abi_gfp || (abi_gfp & ~ops->gfp_ok))
		return -EINVAL;
	if (hweight64(abi_gfp & KMEMLAB_GFP_BASE_MASK) > 1 ||
	    hweight64(abi_gfp & KMEMLAB_GFP_ZONE_MASK) > 1)
		return -EINVAL;
	if (context != KMEMLAB_CTX_PROCESS &&
	    ((ops->caps & KMEMLAB_CAP_SLEEPS) || gfpflags_allow_blocking(gfp)))
		return -EINVAL;
	/*
	 * The page allocator warns about __GFP_NOFAIL above order 1 and about
	 * __GFP_NOFAIL callers that cannot reclaim. vmalloc maps order-0
	 * pages; everything else needs at least get_order(size) in one piece.
	 */
	if (abi_gfp & KMEMLAB_GFP_NOFAIL) {
		/*
		 * devm_kmalloc() puts a struct devres (private to
		 * drivers/base/devres.c, 40 bytes on 64-bit) before the data:
		 * 8 KiB asked is an order-2 allocation.
		 */
		if (ops->caps & KMEMLAB_CAP_DEVM)
			size += KMEMLAB_DEVRES_MAX;
		order = ops->caps & KMEMLAB_CAP_VMAP ? 0 : get_order(size);
		if (order > 1 || !gfpflags_allow_blocking(gfp))
			return -EINVAL;
	}
	return 0;
}
