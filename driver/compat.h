/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmemlab: every kernel-version difference the driver meets, one guard per
 * API change, each naming the version that made it. No guards elsewhere.
 */
#ifndef KMEMLAB_COMPAT_H
#define KMEMLAB_COMPAT_H

#include <linux/device.h>
#include <linux/gfp.h>
#include <linux/mmzone.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/swiotlb.h>
#include <linux/version.h>
#include <linux/vmalloc.h>
#include <linux/kmemlab.h>

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

/* "<prefix><size>" as the slab names its size classes: "kmalloc-1k". */
static inline void kmemlab_size_name(char *name, size_t len,
				     const char *prefix, size_t size)
{
	if (size >= SZ_1K && !(size % SZ_1K))
		snprintf(name, len, "%s%zuk", prefix, size / SZ_1K);
	else
		snprintf(name, len, "%s%zu", prefix, size);
}

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
	kmemlab_size_name(name, len, prefix, usable);
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
 * The same 6.19 rework let __vmalloc() (and kvmalloc()'s fallback to it)
 * take GFP_ATOMIC and GFP_NOWAIT: it sleeps only where the flags allow.
 * Its locks (vmap_area_lock, the nodes' busy locks) are still plain
 * spinlocks, so it must not run in interrupt context.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 19, 0)
#define KMEMLAB_VMALLOC_NONBLOCK	1
#else
#define KMEMLAB_VMALLOC_NONBLOCK	0
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

/*
 * The allocator APIs newer than the oldest kernel kmemlab supports. Each is
 * a row of the API table either way; KMEMLAB_HAVE_<API> is 1 where the
 * kernel has it, else KMEMLAB_<API> says why (enum kmemlab_unavailable)
 * and the row has no operations. Tested by feature where the headers tell (the API is a macro
 * since memory allocation profiling, 6.10), by version only for argument
 * lists, and through Module.symvers (Kbuild) for what a kernel declares but
 * does not export.
 */

/* kmalloc_nolock() and kfree_nolock(): 6.18. */
#ifdef kmalloc_nolock
#define KMEMLAB_HAVE_KMALLOC_NOLOCK	1
#define KMEMLAB_KMALLOC_NOLOCK	KMEMLAB_UNAVAILABLE_NONE
#else
#define KMEMLAB_HAVE_KMALLOC_NOLOCK	0
#define KMEMLAB_KMALLOC_NOLOCK	KMEMLAB_UNAVAILABLE_KERNEL
#endif

/*
 * alloc_pages_nolock(): 6.15 as try_alloc_pages(nid, order), renamed in
 * 6.16, given gfp flags (only __GFP_ACCOUNT) in front in 6.18. Its pages go
 * back with __free_pages() (free_pages_nolock() is not exported, and the
 * driver frees in process context).
 */
#if defined(alloc_pages_nolock) && LINUX_VERSION_CODE >= KERNEL_VERSION(6, 18, 0)
#define KMEMLAB_HAVE_ALLOC_PAGES_NOLOCK	1
#define KMEMLAB_ALLOC_PAGES_NOLOCK	KMEMLAB_UNAVAILABLE_NONE
#define kmemlab_alloc_pages_nolock_call(gfp, order)				\
	alloc_pages_nolock(gfp, NUMA_NO_NODE, order)
#elif defined(alloc_pages_nolock)
#define KMEMLAB_HAVE_ALLOC_PAGES_NOLOCK	1
#define KMEMLAB_ALLOC_PAGES_NOLOCK	KMEMLAB_UNAVAILABLE_NONE
#define kmemlab_alloc_pages_nolock_call(gfp, order)				\
	alloc_pages_nolock(NUMA_NO_NODE, order)
#elif defined(try_alloc_pages)
#define KMEMLAB_HAVE_ALLOC_PAGES_NOLOCK	1
#define KMEMLAB_ALLOC_PAGES_NOLOCK	KMEMLAB_UNAVAILABLE_NONE
#define kmemlab_alloc_pages_nolock_call(gfp, order)				\
	try_alloc_pages(NUMA_NO_NODE, order)
#else
#define KMEMLAB_HAVE_ALLOC_PAGES_NOLOCK	0
#define KMEMLAB_ALLOC_PAGES_NOLOCK	KMEMLAB_UNAVAILABLE_KERNEL
#endif

/*
 * kmalloc_obj(), kzalloc_obj() and kmalloc_objs(): slab.h macros that take
 * the size from a type (Linux 7.0, and the 6.12.y stable kernels, which got
 * them for the backports of the tree-wide conversion).
 */
#ifdef kmalloc_obj
#define KMEMLAB_HAVE_KMALLOC_OBJ	1
#define KMEMLAB_KMALLOC_OBJ	KMEMLAB_UNAVAILABLE_NONE
#else
#define KMEMLAB_HAVE_KMALLOC_OBJ	0
#define KMEMLAB_KMALLOC_OBJ	KMEMLAB_UNAVAILABLE_KERNEL
#endif
#define KMEMLAB_KZALLOC_OBJ	KMEMLAB_KMALLOC_OBJ
#define KMEMLAB_KMALLOC_OBJS	KMEMLAB_KMALLOC_OBJ

/*
 * kmem_buckets_create() and kmem_buckets_alloc(): 6.11. With
 * CONFIG_SLAB_BUCKETS off they exist but allocate from kmalloc-N.
 */
#if defined(kmem_buckets_alloc) && IS_ENABLED(CONFIG_SLAB_BUCKETS)
#define KMEMLAB_HAVE_KMEM_BUCKETS	1
#define KMEMLAB_KMEM_BUCKETS	KMEMLAB_UNAVAILABLE_NONE
#elif defined(kmem_buckets_alloc)
#define KMEMLAB_HAVE_KMEM_BUCKETS	0
#define KMEMLAB_KMEM_BUCKETS	KMEMLAB_UNAVAILABLE_CONFIG
#else
#define KMEMLAB_HAVE_KMEM_BUCKETS	0
#define KMEMLAB_KMEM_BUCKETS	KMEMLAB_UNAVAILABLE_KERNEL
#endif

/*
 * kvrealloc() lost its old-size argument in 6.12 (it was a macro of four
 * arguments in 6.10 and 6.11 already, so only the version tells).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define kmemlab_kvrealloc_call(p, old_size, size, gfp)	kvrealloc(p, size, gfp)
#else
#define kmemlab_kvrealloc_call(p, old_size, size, gfp)	kvrealloc(p, old_size, size, gfp)
#endif

/*
 * vrealloc(): 6.12, where it is not exported to modules (Debian's 6.12);
 * 7.2 exports it as vrealloc_node_align_noprof. Kbuild defines
 * KMEMLAB_VREALLOC_EXPORTED from Module.symvers.
 */
#if defined(vrealloc) && defined(KMEMLAB_VREALLOC_EXPORTED)
#define KMEMLAB_HAVE_VREALLOC	1
#define KMEMLAB_VREALLOC	KMEMLAB_UNAVAILABLE_NONE
#elif defined(vrealloc)
#define KMEMLAB_HAVE_VREALLOC	0
#define KMEMLAB_VREALLOC	KMEMLAB_UNAVAILABLE_EXPORT
#else
#define KMEMLAB_HAVE_VREALLOC	0
#define KMEMLAB_VREALLOC	KMEMLAB_UNAVAILABLE_KERNEL
#endif

/*
 * A cache of @size-byte objects that is all usercopy region (which also
 * keeps SLUB from merging it into another). kmem_cache_create() takes a
 * struct kmem_cache_args since 6.12 (a macro that still takes the old
 * argument lists); before, kmem_cache_create_usercopy() was the way.
 */
/*
 * struct kmem_cache_args.sheaf_capacity: per-CPU sheaves of objects in
 * front of a cache's slabs, 6.18. A struct member: by version.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 18, 0)
#define KMEMLAB_HAVE_SHEAVES	1
#else
#define KMEMLAB_HAVE_SHEAVES	0
#endif

#ifdef kmem_cache_create
static inline struct kmem_cache *
kmemlab_kmem_cache_create(const char *name, unsigned int size,
			  unsigned int align, slab_flags_t flags,
			  unsigned int sheaves)
{
	struct kmem_cache_args args = {
		.align = align,
		.useroffset = 0,
		.usersize = size,
#if KMEMLAB_HAVE_SHEAVES
		.sheaf_capacity = sheaves,
#endif
	};

	return kmem_cache_create(name, size, &args, flags);
}
#else
static inline struct kmem_cache *
kmemlab_kmem_cache_create(const char *name, unsigned int size,
			  unsigned int align, slab_flags_t flags,
			  unsigned int sheaves)
{
	return kmem_cache_create_usercopy(name, size, align, flags, 0, size,
					  NULL);
}
#endif

/*
 * The cycle counter BENCH times with, and its rate. On x86 rdtsc_ordered():
 * the plain rdtsc of get_cycles() may execute before the call it should
 * follow. tsc_khz is exported; arm64's counter rate is CNTFRQ_EL0, read
 * inline (arch_timer_get_rate() is not exported to modules in 6.1).
 * Elsewhere get_cycles(), at a rate the module cannot tell (0).
 */
#ifdef CONFIG_X86
#include <asm/tsc.h>
#define kmemlab_cycles()	((u64)rdtsc_ordered())
#define kmemlab_cycles_hz()	((u64)tsc_khz * 1000)
#elif defined(CONFIG_ARM64)
#include <asm/arch_timer.h>
#define kmemlab_cycles()	((u64)get_cycles())
#define kmemlab_cycles_hz()	((u64)arch_timer_get_cntfrq())
#else
#define kmemlab_cycles()	((u64)get_cycles())
#define kmemlab_cycles_hz()	0ULL
#endif

#endif /* KMEMLAB_COMPAT_H */
