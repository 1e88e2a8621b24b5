/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmemlab: every kernel-version difference the driver meets, one guard per
 * API change, each naming the version that made it. No guards elsewhere.
 */
#ifndef KMEMLAB_COMPAT_H
#define KMEMLAB_COMPAT_H

#include <linux/device.h>
#include <linux/mmzone.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/swiotlb.h>
#include <linux/version.h>

/*
 * The largest order the page allocator serves. 6.4 made MAX_ORDER inclusive
 * (it was one past the largest order); 6.8 renamed it MAX_PAGE_ORDER.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
#define KMEMLAB_MAX_PAGE_ORDER	MAX_PAGE_ORDER
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define KMEMLAB_MAX_PAGE_ORDER	MAX_ORDER
#else
#define KMEMLAB_MAX_PAGE_ORDER	(MAX_ORDER - 1)
#endif

/* 6.4 dropped class_create()'s owner argument. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define kmemlab_class_create(name)	class_create(name)
#else
#define kmemlab_class_create(name)	class_create(THIS_MODULE, name)
#endif

/*
 * kmalloc_type() for a module's own request. 6.6 gave it the call site
 * (unsigned long), which picks one of the RANDOM_KMALLOC_CACHES copies; 7.2
 * made that a kmalloc_token_t, the key of KMALLOC_PARTITION_CACHES, and
 * added DECL_TOKEN_PARAM() with it. An empty token is what kmalloc passes
 * when partitioning is off (PASS_TOKEN_PARAM()), and the zero token when
 * it is on.
 */
#if defined(DECL_TOKEN_PARAM)
#define kmemlab_kmalloc_type(flags)	kmalloc_type(flags, (kmalloc_token_t){})
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define kmemlab_kmalloc_type(flags)	kmalloc_type(flags, 0)
#else
#define kmemlab_kmalloc_type(flags)	kmalloc_type(flags)
#endif

/*
 * How many copies of each kmalloc cache a kernel keeps beside the plain
 * one, picked per call site or type, which a module cannot tell apart:
 * 6.6's RANDOM_KMALLOC_CACHES (RANDOM_KMALLOC_CACHES_NR), which 7.2 turned
 * into KMALLOC_PARTITION_CACHES, random or typed
 * (KMALLOC_PARTITION_CACHES_NR; the old option name is gone from .config).
 * Each count is defined, 0 when the option is off, where the option exists.
 */
#if defined(KMALLOC_PARTITION_CACHES_NR)
#define KMEMLAB_KMALLOC_COPIES	KMALLOC_PARTITION_CACHES_NR
#elif defined(RANDOM_KMALLOC_CACHES_NR)
#define KMEMLAB_KMALLOC_COPIES	RANDOM_KMALLOC_CACHES_NR
#elif defined(DECL_TOKEN_PARAM)
#error "kmalloc_type() takes a token but no cache-copy count is known: see compat.h"
#else
#define KMEMLAB_KMALLOC_COPIES	0
#endif

/*
 * The name of the kmalloc cache whose objects are @usable bytes, for @flags.
 * struct kmem_cache is private to mm/, so the name is built the way
 * create_kmalloc_caches() builds it (mm/slab_common.c, kmalloc_info[]):
 * a prefix per kmalloc_type() and the object size ("kmalloc-cg-1k").
 * The cache is checked to exist in kmalloc_caches[][]. With copies of the
 * caches (KMEMLAB_KMALLOC_COPIES) the one an allocation used is unknown.
 */
static inline bool kmemlab_kmalloc_cache_name(char *name, size_t len,
					      size_t usable, gfp_t flags)
{
	const char *prefix = "kmalloc-";
	enum kmalloc_cache_type type;

	if (KMEMLAB_KMALLOC_COPIES)
		return false;
	type = kmemlab_kmalloc_type(flags);

	if (!usable || usable > KMALLOC_MAX_CACHE_SIZE ||
	    !kmalloc_caches[type][__kmalloc_index(usable, false)])
		return false;
	/*
	 * Types a kernel lacks are aliases of KMALLOC_NORMAL (CONFIG_ZONE_DMA,
	 * CONFIG_MEMCG_KMEM until 6.10, then CONFIG_MEMCG, ...).
	 */
	if (type != KMALLOC_NORMAL && type == KMALLOC_DMA)
		prefix = "dma-kmalloc-";
	else if (type != KMALLOC_NORMAL && type == KMALLOC_CGROUP)
		prefix = "kmalloc-cg-";
	else if (type != KMALLOC_NORMAL && type == KMALLOC_RECLAIM)
		prefix = "kmalloc-rcl-";
	if (usable >= SZ_1K && !(usable % SZ_1K))
		snprintf(name, len, "%s%zuk", prefix, usable / SZ_1K);
	else
		snprintf(name, len, "%s%zu", prefix, usable);
	return true;
}

/*
 * Where the device's swiotlb bounce buffers lie, if it has any (what
 * is_swiotlb_active() tells, which is not exported to modules from 6.x on).
 * Drivers are not meant to look (struct device.dma_io_tlb_mem), but a lab
 * that refuses mappings the DMA layer would warn about must. 6.6 moved the
 * range into a default pool.
 */
static inline bool kmemlab_swiotlb_range(struct device *dev,
					 phys_addr_t *start, phys_addr_t *end)
{
#ifdef CONFIG_SWIOTLB
	struct io_tlb_mem *mem = dev->dma_io_tlb_mem;

	if (!mem || !mem->nslabs)
		return false;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	*start = mem->defpool.start;
	*end = mem->defpool.end;
#else
	*start = mem->start;
	*end = mem->end;
#endif
	return *end > *start;
#else
	return false;
#endif
}

/*
 * The zone __vmalloc() may be asked for: GFP_DMA32 (what vmalloc_32() asks)
 * until 6.19, which made __vmalloc() warn ("Unexpected gfp ... Fix your
 * code!") about any flag outside its GFP_VMALLOC_SUPPORTED, private to
 * mm/vmalloc.c and without zone modifiers, and drop it: ABI flag bits.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 19, 0)
#define KMEMLAB_VMALLOC_ZONES	0
#else
#define KMEMLAB_VMALLOC_ZONES	KMEMLAB_GFP_DMA32
#endif

/*
 * 6.11 made platform_driver.remove return void; before, it returned int:
 * "static KMEMLAB_REMOVE_RET f(...) { ...; return KMEMLAB_REMOVE_OK; }".
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define KMEMLAB_REMOVE_RET	void
#define KMEMLAB_REMOVE_OK
#else
#define KMEMLAB_REMOVE_RET	int
#define KMEMLAB_REMOVE_OK	0
#endif

/*
 * 6.9 added BH workqueues (system_bh_wq), the tasklet's replacement:
 * softirq context is a work item there where the kernel has one.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
#define KMEMLAB_BH_WQ	1
#else
#define KMEMLAB_BH_WQ	0
#endif

/*
 * nth_page() steps over struct pages that need not be contiguous (sparse
 * memory without vmemmap); where the kernel no longer has it they are.
 */
#ifdef nth_page
#define kmemlab_nth_page(page, n)	nth_page(page, n)
#else
#define kmemlab_nth_page(page, n)	((page) + (n))
#endif

#endif /* KMEMLAB_COMPAT_H */
