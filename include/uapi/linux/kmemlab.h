/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kmemlab: make real kernel allocations from userspace and report what the
 * kernel did with them.
 *
 * The ABI follows Documentation/process/botching-up-ioctls.rst: fixed-width
 * types, natural alignment with explicit padding, every struct a multiple of
 * 8 bytes, pointers passed as __u64, reserved fields and unknown flag bits
 * rejected with -EINVAL so that they can be given a meaning later. Enums
 * start at 1 so that a zeroed, uninitialised field is caught.
 *
 * Errors common to every command:
 *  -ENOTTY  the command number is not one of kmemlab's, or names a known
 *           command with another size or direction.
 *  -EFAULT  the argument pointer (or a pointer inside it) is not readable or
 *           writable.
 *  -EINVAL  a reserved field or pad is not zero, or an unknown flag bit is set.
 *  -ENODEV  the device was unbound while the file was open; BENCH, FILL and
 *           VERIFY, which can run for seconds, also stop and return it when
 *           an unbind begins while they run, so the unbind never waits.
 *           Copies from and to the caller's memory are made with the
 *           device left (a fault on it may take any time): an unbind can
 *           come in between, and the call then returns -ENODEV too.
 *  -EINTR   a signal arrived while waiting for the device lock, or while
 *           BENCH, FILL or VERIFY ran (what FILL wrote stays written).
 * Opening /dev/kmemlabN is -EACCES for callers outside its group (the udev
 * rule makes it root:kmemlab 0660).
 *
 * Privileges: members of the group may allocate within the quotas. These
 * need CAP_SYS_ADMIN, and are -EPERM without it, checked after every other
 * validation and before anything is allocated:
 *  - %KMEMLAB_GFP_NOFAIL;
 *  - more than one page (PAGE_SIZE) in an allocation that may not sleep: a
 *    context other than %KMEMLAB_CTX_PROCESS, or a base type that cannot
 *    reclaim (%KMEMLAB_GFP_ATOMIC, %KMEMLAB_GFP_NOWAIT, or none at all);
 *  - more than 64 KiB of %KMEMLAB_GFP_DMA in one allocation;
 *  - creating a kmem_cache (an object from a live one is allowed);
 *  - raw kernel addresses: without CAP_SYS_ADMIN they read 0.
 *
 * Quotas, module-wide over all devices, bind every caller: the module
 * parameters max_bytes (bytes requested), max_allocs (live allocations) and
 * dma_max_bytes (bytes requested with %KMEMLAB_GFP_DMA). A request that would
 * pass one is -ENOSPC and nothing is allocated.
 *
 * -ENOMEM comes from the allocator a caller asked for, or from the driver's
 * own bookkeeping (see the fail_nth module parameter, which injects it).
 */
#ifndef _UAPI_LINUX_KMEMLAB_H
#define _UAPI_LINUX_KMEMLAB_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define KMEMLAB_ABI_VERSION	3

/**
 * enum kmemlab_api - the allocator interfaces a caller can exercise
 * @KMEMLAB_API_KMALLOC: kmalloc() / kfree().
 * @KMEMLAB_API_KZALLOC: kzalloc() / kfree().
 * @KMEMLAB_API_VMALLOC: __vmalloc() / vfree().
 * @KMEMLAB_API_DEVM_KZALLOC: devm_kzalloc() on the platform device; freed by
 *	devm_kfree(), or by devres when the driver is unbound.
 * @KMEMLAB_API_KCALLOC: kcalloc() of @count elements of @size bytes / kfree().
 * @KMEMLAB_API_KREALLOC: krealloc() from NULL / kfree(); the handle can then
 *	be resized with %KMEMLAB_IOC_REALLOC.
 * @KMEMLAB_API_VZALLOC: vzalloc() / vfree().
 * @KMEMLAB_API_KVMALLOC: kvmalloc() / kvfree(): slab, pages or vmalloc.
 * @KMEMLAB_API_KVZALLOC: kvzalloc() / kvfree().
 * @KMEMLAB_API_GET_FREE_PAGES: __get_free_pages() / free_pages() of the
 *	order that covers @size.
 * @KMEMLAB_API_ALLOC_PAGES: alloc_pages() / __free_pages(), likewise.
 * @KMEMLAB_API_GET_ZEROED_PAGE: get_zeroed_page() / free_page(); @size at
 *	most PAGE_SIZE.
 * @KMEMLAB_API_KMEM_CACHE: kmem_cache_alloc() / kmem_cache_free() from a
 *	cache named @name (created on first use, destroyed with its last object).
 * @KMEMLAB_API_DEVM_KMALLOC: devm_kmalloc(); freed like devm_kzalloc().
 * @KMEMLAB_API_DEVM_KCALLOC: devm_kcalloc(); freed like devm_kzalloc().
 * @KMEMLAB_API_DMA_ALLOC_COHERENT: dma_alloc_coherent() / dma_free_coherent()
 *	for the platform device, within its DMA mask.
 * @KMEMLAB_API_KVCALLOC: kvcalloc() of @count elements of @size bytes /
 *	kvfree().
 * @KMEMLAB_API_KMALLOC_NOLOCK: kmalloc_nolock() / kfree_nolock() (Linux
 *	6.18): from any context, never spinning on a lock; takes only
 *	__GFP_ZERO and __GFP_ACCOUNT, no base type.
 * @KMEMLAB_API_ALLOC_PAGES_NOLOCK: alloc_pages_nolock() / __free_pages()
 *	(Linux 6.16; try_alloc_pages() in 6.15): pages from any context, at
 *	most the per-CPU lists' order; always zeroed.
 * @KMEMLAB_API_KMEM_BUCKETS: kmem_buckets_alloc() / kfree() (Linux 6.11,
 *	CONFIG_SLAB_BUCKETS): kmalloc from the module's own set of size
 *	buckets, caches apart from kmalloc-N.
 * @KMEMLAB_API_KMALLOC_OBJ: kmalloc_obj() / kfree() (Linux 7.0; Debian's
 *	6.12 has it too): one object of a type the driver chose, whose size
 *	is struct kmemlab_desc.type_size; @size must be that size.
 * @KMEMLAB_API_KZALLOC_OBJ: kzalloc_obj() / kfree(), likewise, zeroed.
 * @KMEMLAB_API_KMALLOC_OBJS: kmalloc_objs() / kfree(): an array of @count
 *	objects of that type; @size must be the type's size.
 * @KMEMLAB_API_COUNT: one past the last valid value.
 *
 * Every value is known to every build of the driver; one the running kernel
 * lacks is described with a non-zero struct kmemlab_desc.unavailable, and
 * requests for it fail with -EOPNOTSUPP, %KMEMLAB_REASON_API_UNAVAILABLE.
 */
enum kmemlab_api {
	KMEMLAB_API_KMALLOC = 1,
	KMEMLAB_API_KZALLOC = 2,
	KMEMLAB_API_VMALLOC = 3,
	KMEMLAB_API_DEVM_KZALLOC = 4,
	KMEMLAB_API_KCALLOC = 5,
	KMEMLAB_API_KREALLOC = 6,
	KMEMLAB_API_VZALLOC = 7,
	KMEMLAB_API_KVMALLOC = 8,
	KMEMLAB_API_KVZALLOC = 9,
	KMEMLAB_API_GET_FREE_PAGES = 10,
	KMEMLAB_API_ALLOC_PAGES = 11,
	KMEMLAB_API_GET_ZEROED_PAGE = 12,
	KMEMLAB_API_KMEM_CACHE = 13,
	KMEMLAB_API_DEVM_KMALLOC = 14,
	KMEMLAB_API_DEVM_KCALLOC = 15,
	KMEMLAB_API_DMA_ALLOC_COHERENT = 16,
	KMEMLAB_API_KVCALLOC = 17,
	KMEMLAB_API_KMALLOC_NOLOCK = 18,
	KMEMLAB_API_ALLOC_PAGES_NOLOCK = 19,
	KMEMLAB_API_KMEM_BUCKETS = 20,
	KMEMLAB_API_KMALLOC_OBJ = 21,
	KMEMLAB_API_KZALLOC_OBJ = 22,
	KMEMLAB_API_KMALLOC_OBJS = 23,
	KMEMLAB_API_COUNT
};

/* Room for API counters in struct kmemlab_info; never below KMEMLAB_API_COUNT. */
#define KMEMLAB_API_SLOTS	32

/*
 * GFP flags, as the ABI's own bits. Raw kernel gfp_t bits change between
 * kernel versions and are not ABI; the driver translates these.
 *
 * At most one of the base types (GFP_KERNEL ... GFP_HIGHUSER) and at most one
 * zone modifier (GFP_DMA, GFP_DMA32) may be given; the __GFP modifiers combine
 * freely. A value of 0 is rejected.
 */
/* base types */
#define KMEMLAB_GFP_KERNEL		(1ULL << 0)
#define KMEMLAB_GFP_ATOMIC		(1ULL << 1)
#define KMEMLAB_GFP_NOWAIT		(1ULL << 2)
#define KMEMLAB_GFP_NOIO		(1ULL << 3)
#define KMEMLAB_GFP_NOFS		(1ULL << 4)
#define KMEMLAB_GFP_USER		(1ULL << 5)
#define KMEMLAB_GFP_HIGHUSER		(1ULL << 6)	/* page APIs only */
#define KMEMLAB_GFP_BASE_MASK		0x7fULL
/* zone modifiers */
#define KMEMLAB_GFP_DMA			(1ULL << 16)
#define KMEMLAB_GFP_DMA32		(1ULL << 17)
#define KMEMLAB_GFP_ZONE_MASK		(3ULL << 16)
/* action modifiers */
#define KMEMLAB_GFP_ZERO		(1ULL << 32)	/* __GFP_ZERO */
#define KMEMLAB_GFP_NOWARN		(1ULL << 33)	/* __GFP_NOWARN */
#define KMEMLAB_GFP_NORETRY		(1ULL << 34)	/* __GFP_NORETRY */
#define KMEMLAB_GFP_RETRY_MAYFAIL	(1ULL << 35)	/* __GFP_RETRY_MAYFAIL */
#define KMEMLAB_GFP_NOFAIL		(1ULL << 36)	/* __GFP_NOFAIL, order <= 1 */
#define KMEMLAB_GFP_HIGH		(1ULL << 37)	/* __GFP_HIGH */
#define KMEMLAB_GFP_ACCOUNT		(1ULL << 38)	/* __GFP_ACCOUNT */
#define KMEMLAB_GFP_MOD_MASK		(0x7fULL << 32)

/**
 * enum kmemlab_context - where the driver runs the allocation
 * @KMEMLAB_CTX_PROCESS: in the ioctl caller's process context.
 * @KMEMLAB_CTX_ATOMIC: in the caller's task with a spinlock held
 *	(preemption off).
 * @KMEMLAB_CTX_SOFTIRQ: in softirq context: a work item on the BH workqueue
 *	(Linux 6.9 and later), a tasklet before.
 * @KMEMLAB_CTX_HARDIRQ: in a hard irq_work callback (hardirq context, also on
 *	PREEMPT_RT).
 * @KMEMLAB_CTX_COUNT: one past the last valid value.
 *
 * Only %KMEMLAB_CTX_PROCESS may sleep: a request whose API or gfp flags may
 * sleep is refused with -EINVAL in the other three, before anything runs.
 */
enum kmemlab_context {
	KMEMLAB_CTX_PROCESS = 1,
	KMEMLAB_CTX_ATOMIC = 2,
	KMEMLAB_CTX_SOFTIRQ = 3,
	KMEMLAB_CTX_HARDIRQ = 4,
	KMEMLAB_CTX_COUNT
};

/**
 * enum kmemlab_backing - what memory the kernel handed out
 * @KMEMLAB_BACKING_SLAB: an object from a slab cache (see @cache in the report).
 * @KMEMLAB_BACKING_PAGES: whole pages from the page allocator (kmalloc of a
 *	size above KMALLOC_MAX_CACHE_SIZE, or a page API), order in @order.
 * @KMEMLAB_BACKING_VMALLOC: a vmalloc area: pages mapped into the vmalloc
 *	range of the kernel address space.
 */
enum kmemlab_backing {
	KMEMLAB_BACKING_SLAB = 1,
	KMEMLAB_BACKING_PAGES = 2,
	KMEMLAB_BACKING_VMALLOC = 3,
};

/**
 * enum kmemlab_zone - memory zones, as the ABI numbers them
 * @KMEMLAB_ZONE_DMA: ZONE_DMA (below 16 MiB on x86).
 * @KMEMLAB_ZONE_DMA32: ZONE_DMA32 (below 4 GiB).
 * @KMEMLAB_ZONE_NORMAL: ZONE_NORMAL.
 * @KMEMLAB_ZONE_HIGHMEM: ZONE_HIGHMEM (32-bit kernels only).
 * @KMEMLAB_ZONE_MOVABLE: ZONE_MOVABLE.
 * @KMEMLAB_ZONE_DEVICE: ZONE_DEVICE.
 * @KMEMLAB_ZONE_COUNT: one past the last valid value.
 */
enum kmemlab_zone {
	KMEMLAB_ZONE_DMA = 1,
	KMEMLAB_ZONE_DMA32 = 2,
	KMEMLAB_ZONE_NORMAL = 3,
	KMEMLAB_ZONE_HIGHMEM = 4,
	KMEMLAB_ZONE_MOVABLE = 5,
	KMEMLAB_ZONE_DEVICE = 6,
	KMEMLAB_ZONE_COUNT
};

/* Room for zone ranges in struct kmemlab_info; never below KMEMLAB_ZONE_COUNT. */
#define KMEMLAB_ZONE_SLOTS	8

/* struct kmemlab_report.flags */
/* Every byte was zero when the allocator returned, before anything wrote it. */
#define KMEMLAB_REPORT_ZEROED		(1U << 0)
/* The address lies in the kernel's direct (linear) map. */
#define KMEMLAB_REPORT_DIRECT_MAP	(1U << 1)
/* The address lies in the vmalloc range (VMALLOC_START..VMALLOC_END). */
#define KMEMLAB_REPORT_VMALLOC_RANGE	(1U << 2)
/* @virt and @phys hold raw addresses (the caller has CAP_SYS_ADMIN). */
#define KMEMLAB_REPORT_ADDRS		(1U << 3)
/* Every page lies in the zone the gfp flags asked for (see @zones). */
#define KMEMLAB_REPORT_ZONE_OK		(1U << 4)
/* Device-managed: devres frees it when the driver is unbound. */
#define KMEMLAB_REPORT_DEVM		(1U << 5)
/* Made with %KMEMLAB_ALLOC_LEAN: only the fields it names are filled. */
#define KMEMLAB_REPORT_LEAN		(1U << 6)

/* struct kmemlab_report.seen: the context the allocation actually ran in */
#define KMEMLAB_SEEN_PREEMPTIBLE	(1U << 0)	/* preemptible() */
#define KMEMLAB_SEEN_IN_INTERRUPT	(1U << 1)	/* in_interrupt() */
#define KMEMLAB_SEEN_IN_SOFTIRQ		(1U << 2)	/* in_serving_softirq() */
#define KMEMLAB_SEEN_IN_HARDIRQ		(1U << 3)	/* in_hardirq() */
#define KMEMLAB_SEEN_IRQS_DISABLED	(1U << 4)	/* irqs_disabled() */
/* The kernel keeps no preempt count: preemptible() is always false there. */
#define KMEMLAB_SEEN_NO_PREEMPT_COUNT	(1U << 5)	/* !CONFIG_PREEMPT_COUNT */

#define KMEMLAB_NAME_LEN	32
/* The longest kmem_cache name a caller may give (the kernel adds a prefix). */
#define KMEMLAB_CACHE_NAME_MAX	20

/**
 * struct kmemlab_report - what the kernel did for one allocation (out)
 * @handle: the allocation's handle, unique within its device, >= 1.
 * @api: enum kmemlab_api used.
 * @size: bytes requested.
 * @usable: bytes usable: ksize() for slab memory, whole pages for page
 *	memory, the area size for vmalloc memory.
 * @gfp: KMEMLAB_GFP_* bits as requested.
 * @time_ns: time the allocator call took, in ns (ktime_get_ns()).
 * @virt: kernel virtual address; 0 unless %KMEMLAB_REPORT_ADDRS.
 * @phys: physical address of the first byte; 0 unless %KMEMLAB_REPORT_ADDRS.
 * @context: enum kmemlab_context requested.
 * @seen: KMEMLAB_SEEN_* bits observed while the allocator ran.
 * @backing: enum kmemlab_backing.
 * @order: page order for %KMEMLAB_BACKING_PAGES, else 0.
 * @nr_pages: number of pages the memory touches.
 * @phys_runs: number of physically contiguous runs over those pages
 *	(1 = physically contiguous).
 * @zone: enum kmemlab_zone of the first page.
 * @zones: bit (1 << enum kmemlab_zone) set for every zone any page lies in.
 * @flags: KMEMLAB_REPORT_* bits.
 * @pad: zero.
 * @cache: NUL-terminated name of the slab cache for %KMEMLAB_BACKING_SLAB,
 *	else empty.
 * @reserved: zero; room for what later reports add without a new layout.
 */
struct kmemlab_report {
	__u32 handle;
	__u32 api;
	__u64 size;
	__u64 usable;
	__u64 gfp;
	__u64 time_ns;
	__u64 virt;
	__u64 phys;
	__u32 context;
	__u32 seen;
	__u32 backing;
	__u32 order;
	__u32 nr_pages;
	__u32 phys_runs;
	__u32 zone;
	__u32 zones;
	__u32 flags;
	__u32 pad;
	char cache[KMEMLAB_NAME_LEN];
	__u64 reserved[4];
};

/**
 * struct kmemlab_count - live allocations and bytes
 * @allocs: number of live allocations.
 * @bytes: bytes requested by those allocations.
 */
struct kmemlab_count {
	__u64 allocs;
	__u64 bytes;
};

/**
 * struct kmemlab_range - an address range
 * @start: first byte.
 * @end: one past the last byte; 0 when the range is absent.
 */
struct kmemlab_range {
	__u64 start;
	__u64 end;
};

/* struct kmemlab_info.flags */
#define KMEMLAB_INFO_INIT_ON_ALLOC	(1U << 0)	/* heap memory zeroed on alloc */
#define KMEMLAB_INFO_INIT_ON_FREE	(1U << 1)	/* heap memory zeroed on free */
#define KMEMLAB_INFO_CAP_SYS_ADMIN	(1U << 2)	/* the caller may see addresses */
#define KMEMLAB_INFO_SWIOTLB		(1U << 3)	/* bounce buffers reachable by the device */
#define KMEMLAB_INFO_KASAN		(1U << 4)	/* KASAN checks memory accesses */

/* struct kmemlab_info.features */
#define KMEMLAB_FEATURE_DESCRIBE	(1ULL << 0)	/* %KMEMLAB_IOC_DESCRIBE */
#define KMEMLAB_FEATURE_REFUSAL		(1ULL << 1)	/* struct kmemlab_refusal */
#define KMEMLAB_FEATURE_LAYOUT		(1ULL << 2)	/* INFO's direct_map, vmalloc_start */
#define KMEMLAB_FEATURE_KASAN		(1ULL << 3)	/* INFO's %KMEMLAB_INFO_KASAN */

#define KMEMLAB_RELEASE_LEN	72

/**
 * struct kmemlab_info - the device, the driver and the kernel (out)
 * @abi_version: %KMEMLAB_ABI_VERSION.
 * @device_id: N of /dev/kmemlabN.
 * @apis: bit (1 << enum kmemlab_api) for every API this driver supports and
 *	the running kernel has (DESCRIBE says why one is missing).
 * @gfp: every KMEMLAB_GFP_* bit this driver understands.
 * @contexts: bit (1 << enum kmemlab_context) for every supported context.
 * @flags: KMEMLAB_INFO_* bits.
 * @page_size: PAGE_SIZE.
 * @kmalloc_min_size: KMALLOC_MIN_SIZE, the smallest kmalloc object.
 * @kmalloc_max_cache_size: KMALLOC_MAX_CACHE_SIZE, the largest request
 *	served from a kmalloc slab cache; larger requests go to the page
 *	allocator.
 * @kmalloc_max_size: KMALLOC_MAX_SIZE, the largest request kmalloc accepts.
 * @max_order: the largest order the page allocator serves.
 * @pad: zero.
 * @vmalloc_size: VMALLOC_END - VMALLOC_START.
 * @max_bytes: quota: the most bytes live at once, over all devices.
 * @dev_live: live allocations of this device.
 * @all_live: live allocations of the whole module, including device-managed
 *	memory that devres has not released yet.
 * @api_live: @all_live per API, indexed by enum kmemlab_api.
 * @zone_range: span of each populated zone (physical addresses), indexed
 *	by enum kmemlab_zone.
 * @release: the running kernel's release (utsname), NUL-terminated.
 * @dma_mask: the platform device's DMA mask (module parameter dma_bits).
 * @max_allocs: quota: the most allocations live at once, over all devices.
 * @dma_max_bytes: quota: the most bytes of %KMEMLAB_GFP_DMA memory live at
 *	once, over all devices.
 * @dma_live_bytes: bytes of %KMEMLAB_GFP_DMA memory live now.
 * @features: KMEMLAB_FEATURE_* bits: what this driver does beyond the
 *	commands of its ABI version; test these, not the version.
 * @direct_map: the kernel's direct map of low memory (virtual addresses):
 *	PAGE_OFFSET to high_memory. Zero unless %KMEMLAB_INFO_CAP_SYS_ADMIN:
 *	with KASLR it tells where the kernel's memory is.
 * @vmalloc_start: VMALLOC_START; the vmalloc area ends @vmalloc_size after
 *	it. Zero unless %KMEMLAB_INFO_CAP_SYS_ADMIN.
 *
 * Returns 0 and fills the struct, or:
 *  -ENOMEM  no memory for the reply.
 */
struct kmemlab_info {
	__u32 abi_version;
	__u32 device_id;
	__u64 apis;
	__u64 gfp;
	__u32 contexts;
	__u32 flags;
	__u32 page_size;
	__u32 kmalloc_min_size;
	__u64 kmalloc_max_cache_size;
	__u64 kmalloc_max_size;
	__u32 max_order;
	__u32 pad;
	__u64 vmalloc_size;
	__u64 max_bytes;
	struct kmemlab_count dev_live;
	struct kmemlab_count all_live;
	struct kmemlab_count api_live[KMEMLAB_API_SLOTS];
	struct kmemlab_range zone_range[KMEMLAB_ZONE_SLOTS];
	char release[KMEMLAB_RELEASE_LEN];
	__u64 dma_mask;
	__u64 max_allocs;
	__u64 dma_max_bytes;
	__u64 dma_live_bytes;
	__u64 features;
	struct kmemlab_range direct_map;
	__u64 vmalloc_start;
};

/**
 * enum kmemlab_limit - what bounds the size of a request
 * @KMEMLAB_LIMIT_KMALLOC: KMALLOC_MAX_SIZE, the largest kmalloc().
 * @KMEMLAB_LIMIT_ORDER: PAGE_SIZE << the page allocator's largest order.
 * @KMEMLAB_LIMIT_PAGE: PAGE_SIZE: one page.
 * @KMEMLAB_LIMIT_RAM: all of the machine's RAM (totalram_pages()).
 * @KMEMLAB_LIMIT_INT_MAX: INT_MAX, which kvmalloc() refuses to pass.
 * @KMEMLAB_LIMIT_SIZE_T: SIZE_MAX of the kernel (32-bit kernels).
 * @KMEMLAB_LIMIT_ORDER_1: two pages: __GFP_NOFAIL above order 1 (for devm
 *	APIs less the devres header in front of the data).
 * @KMEMLAB_LIMIT_KMALLOC_CACHE: KMALLOC_MAX_CACHE_SIZE, the largest object
 *	of the kmalloc caches (kmalloc_nolock() goes no further).
 * @KMEMLAB_LIMIT_PCP_ORDER: PAGE_SIZE << PAGE_ALLOC_COSTLY_ORDER, the
 *	largest block of the per-CPU free lists (alloc_pages_nolock()).
 * @KMEMLAB_LIMIT_COUNT: one past the last valid value.
 */
enum kmemlab_limit {
	KMEMLAB_LIMIT_KMALLOC = 1,
	KMEMLAB_LIMIT_ORDER = 2,
	KMEMLAB_LIMIT_PAGE = 3,
	KMEMLAB_LIMIT_RAM = 4,
	KMEMLAB_LIMIT_INT_MAX = 5,
	KMEMLAB_LIMIT_SIZE_T = 6,
	KMEMLAB_LIMIT_ORDER_1 = 7,
	KMEMLAB_LIMIT_KMALLOC_CACHE = 8,
	KMEMLAB_LIMIT_PCP_ORDER = 9,
	KMEMLAB_LIMIT_COUNT
};

/**
 * enum kmemlab_field - a field of a request, as a refusal names it
 * @KMEMLAB_FIELD_RESERVED: a reserved field, a pad or an unknown flag bit.
 * @KMEMLAB_FIELD_COUNT: @count of ALLOC.
 * @KMEMLAB_FIELD_ALIGN: @align of ALLOC.
 * @KMEMLAB_FIELD_NAME: @name of ALLOC.
 * @KMEMLAB_FIELD_FLAGS: @flags of ALLOC.
 * @KMEMLAB_FIELD_ITERATIONS: @iterations of BENCH.
 * @KMEMLAB_FIELD_THREADS: @threads of BENCH.
 * @KMEMLAB_FIELD_PATTERN: @pattern of BENCH.
 * @KMEMLAB_FIELD_BATCH: @batch of BENCH.
 * @KMEMLAB_FIELD_SAMPLES: @samples_len of BENCH.
 * @KMEMLAB_FIELD_SHEAF_CAPACITY: @sheaf_capacity of ALLOC: set for an API
 *	without %KMEMLAB_API_CAP_SHEAVES, or above
 *	%KMEMLAB_SHEAF_CAPACITY_MAX.
 */
enum kmemlab_field {
	KMEMLAB_FIELD_RESERVED = 1,
	KMEMLAB_FIELD_COUNT = 2,
	KMEMLAB_FIELD_ALIGN = 3,
	KMEMLAB_FIELD_NAME = 4,
	KMEMLAB_FIELD_FLAGS = 5,
	KMEMLAB_FIELD_ITERATIONS = 6,
	KMEMLAB_FIELD_THREADS = 7,
	KMEMLAB_FIELD_PATTERN = 8,
	KMEMLAB_FIELD_BATCH = 9,
	KMEMLAB_FIELD_SAMPLES = 10,
	KMEMLAB_FIELD_SHEAF_CAPACITY = 11,
};

/**
 * enum kmemlab_reason - why ALLOC, REALLOC or BENCH refused, with its errno
 * @KMEMLAB_REASON_NONE: no refusal (success, or -EFAULT, -EINTR, -ENODEV).
 * @KMEMLAB_REASON_API: -EINVAL: @arg is not an API of this driver.
 * @KMEMLAB_REASON_CONTEXT: -EINVAL: @arg is not a context of this driver.
 * @KMEMLAB_REASON_SIZE_ZERO: -EINVAL: size 0.
 * @KMEMLAB_REASON_FIELD: -EINVAL: the field @arg (enum kmemlab_field) is
 *	malformed, or set where the API takes none.
 * @KMEMLAB_REASON_GFP_NONE: -EINVAL: no gfp bit, for an API that takes a
 *	base type (the nolock APIs take none and may be given no bit).
 * @KMEMLAB_REASON_GFP_NOT_TAKEN: -EINVAL: the API does not take the gfp
 *	bits in @value (unknown bits included).
 * @KMEMLAB_REASON_GFP_TWO_BASES: -EINVAL: two base types, in @value.
 * @KMEMLAB_REASON_GFP_TWO_ZONES: -EINVAL: two zone modifiers, in @value.
 * @KMEMLAB_REASON_API_SLEEPS: -EINVAL: the API may sleep and the context
 *	@arg may not (for BENCH, which frees where it allocates, and REALLOC,
 *	which frees the old memory when it moves it: or the API's free may
 *	sleep).
 * @KMEMLAB_REASON_GFP_SLEEPS: -EINVAL: the base type in @value may sleep and
 *	the context @arg may not.
 * @KMEMLAB_REASON_NOFAIL_ORDER: -EINVAL: __GFP_NOFAIL with more than order 1:
 *	@value is the largest size it takes for this API, @arg the order the
 *	request needs.
 * @KMEMLAB_REASON_NOFAIL_NO_RECLAIM: -EINVAL: __GFP_NOFAIL without a base
 *	type that may reclaim (@value: the base bits given).
 * @KMEMLAB_REASON_NOT_RESIZABLE: -EINVAL: REALLOC of an allocation of the
 *	API @arg, which has no resize operation (@value 0), or whose resize
 *	operation this kernel lacks (@value: enum kmemlab_unavailable).
 * @KMEMLAB_REASON_NOT_BENCHABLE: -EINVAL: BENCH of the API @arg, which it
 *	cannot time (%KMEMLAB_API_CAP_NO_BENCH).
 * @KMEMLAB_REASON_OVERFLOW: -EOVERFLOW: count times size overflows.
 * @KMEMLAB_REASON_SIZE_MAX: -E2BIG: above the most the API can ever
 *	allocate here: @value bytes, set by the enum kmemlab_limit @arg.
 * @KMEMLAB_REASON_BENCH_SAMPLES: -E2BIG: iterations times threads above
 *	the module parameter bench_max_samples, in @value.
 * @KMEMLAB_REASON_BENCH_CPUS: -E2BIG: more threads than the @value online
 *	CPUs.
 * @KMEMLAB_REASON_PERM_NOFAIL: -EPERM: __GFP_NOFAIL needs CAP_SYS_ADMIN.
 * @KMEMLAB_REASON_PERM_NO_SLEEP: -EPERM: above @value bytes (a page)
 *	without sleeping needs CAP_SYS_ADMIN.
 * @KMEMLAB_REASON_PERM_DMA: -EPERM: GFP_DMA above @value bytes needs
 *	CAP_SYS_ADMIN.
 * @KMEMLAB_REASON_PERM_CACHE: -EPERM: creating a kmem_cache needs
 *	CAP_SYS_ADMIN.
 * @KMEMLAB_REASON_CACHE_MISMATCH: -EEXIST: a live cache of that name has
 *	another object size, alignment or flags.
 * @KMEMLAB_REASON_NO_HANDLE: -ENOENT: no live allocation has the handle.
 * @KMEMLAB_REASON_QUOTA_BYTES: -ENOSPC: past max_bytes, in @value.
 * @KMEMLAB_REASON_QUOTA_ALLOCS: -ENOSPC: past max_allocs, in @value.
 * @KMEMLAB_REASON_QUOTA_DMA: -ENOSPC: past dma_max_bytes, in @value.
 * @KMEMLAB_REASON_QUOTA_BENCH: -ENOSPC: the bench's own memory would pass
 *	max_bytes, in @value.
 * @KMEMLAB_REASON_ALLOCATOR: -ENOMEM: the allocator returned NULL.
 * @KMEMLAB_REASON_DRIVER_NOMEM: -ENOMEM: the driver had no memory for its
 *	own bookkeeping (or fail_nth fired).
 * @KMEMLAB_REASON_HANDLES: -EBUSY: the device has no free handle.
 * @KMEMLAB_REASON_API_UNAVAILABLE: -EOPNOTSUPP: the API @arg is not in the
 *	running kernel for the module: @value is the enum kmemlab_unavailable.
 * @KMEMLAB_REASON_API_IRQ: -EINVAL: the API must not run in interrupt
 *	context (%KMEMLAB_API_CAP_NO_IRQ), and the context @arg is one.
 * @KMEMLAB_REASON_TYPE_SIZE: -EINVAL: the API @arg allocates objects of a
 *	type, and @size is not its size, which is @value.
 * @KMEMLAB_REASON_COUNT: one past the last valid value.
 */
enum kmemlab_reason {
	KMEMLAB_REASON_NONE = 0,
	KMEMLAB_REASON_API = 1,
	KMEMLAB_REASON_CONTEXT = 2,
	KMEMLAB_REASON_SIZE_ZERO = 3,
	KMEMLAB_REASON_FIELD = 4,
	KMEMLAB_REASON_GFP_NONE = 5,
	KMEMLAB_REASON_GFP_NOT_TAKEN = 6,
	KMEMLAB_REASON_GFP_TWO_BASES = 7,
	KMEMLAB_REASON_GFP_TWO_ZONES = 8,
	KMEMLAB_REASON_API_SLEEPS = 9,
	KMEMLAB_REASON_GFP_SLEEPS = 10,
	KMEMLAB_REASON_NOFAIL_ORDER = 11,
	KMEMLAB_REASON_NOFAIL_NO_RECLAIM = 12,
	KMEMLAB_REASON_NOT_RESIZABLE = 13,
	KMEMLAB_REASON_NOT_BENCHABLE = 14,
	KMEMLAB_REASON_OVERFLOW = 15,
	KMEMLAB_REASON_SIZE_MAX = 16,
	KMEMLAB_REASON_BENCH_SAMPLES = 17,
	KMEMLAB_REASON_BENCH_CPUS = 18,
	KMEMLAB_REASON_PERM_NOFAIL = 19,
	KMEMLAB_REASON_PERM_NO_SLEEP = 20,
	KMEMLAB_REASON_PERM_DMA = 21,
	KMEMLAB_REASON_PERM_CACHE = 22,
	KMEMLAB_REASON_CACHE_MISMATCH = 23,
	KMEMLAB_REASON_NO_HANDLE = 24,
	KMEMLAB_REASON_QUOTA_BYTES = 25,
	KMEMLAB_REASON_QUOTA_ALLOCS = 26,
	KMEMLAB_REASON_QUOTA_DMA = 27,
	KMEMLAB_REASON_QUOTA_BENCH = 28,
	KMEMLAB_REASON_ALLOCATOR = 29,
	KMEMLAB_REASON_DRIVER_NOMEM = 30,
	KMEMLAB_REASON_HANDLES = 31,
	KMEMLAB_REASON_API_UNAVAILABLE = 32,
	KMEMLAB_REASON_API_IRQ = 33,
	KMEMLAB_REASON_TYPE_SIZE = 34,
	KMEMLAB_REASON_COUNT
};

/**
 * struct kmemlab_refusal - why a request was refused (out)
 * @reason: enum kmemlab_reason.
 * @arg: what the reason is about (see the reason).
 * @value: the limit that was passed, or the gfp bits at fault.
 *
 * ALLOC, REALLOC and BENCH write it on success (all zero) and with every
 * errno they document but -EFAULT, -EINTR and -ENODEV; on failure it is the
 * only field they write.
 */
struct kmemlab_refusal {
	__u32 reason;
	__u32 arg;
	__u64 value;
};

/*
 * Describing the driver (%KMEMLAB_IOC_DESCRIBE): one record per API, per
 * context and per gfp bit. Capability bits of an API record:
 */
#define KMEMLAB_API_CAP_SLEEPS		(1ULL << 0)	/* may sleep whatever the gfp */
#define KMEMLAB_API_CAP_DEVM		(1ULL << 1)	/* device-managed: devres frees it */
#define KMEMLAB_API_CAP_COUNT		(1ULL << 2)	/* takes @count x @size */
#define KMEMLAB_API_CAP_CACHE		(1ULL << 3)	/* takes @name, @align, @flags */
#define KMEMLAB_API_CAP_RESIZE		(1ULL << 4)	/* REALLOC can resize it */
#define KMEMLAB_API_CAP_ORDER		(1ULL << 5)	/* page allocator: 2^order pages */
#define KMEMLAB_API_CAP_VMAP		(1ULL << 6)	/* may map order-0 pages (vmalloc) */
#define KMEMLAB_API_CAP_ZEROES		(1ULL << 7)	/* always returns zeroed memory */
#define KMEMLAB_API_CAP_NO_BENCH	(1ULL << 8)	/* BENCH cannot time it */
#define KMEMLAB_API_CAP_FREE_SLEEPS	(1ULL << 9)	/* its free may sleep */
#define KMEMLAB_API_CAP_DMA_MASK	(1ULL << 10)	/* the DMA mask picks its zone */
#define KMEMLAB_API_CAP_COHERENT	(1ULL << 11)	/* mapped for the device already */
#define KMEMLAB_API_CAP_CREATE_ADMIN	(1ULL << 12)	/* a new cache needs CAP_SYS_ADMIN */
#define KMEMLAB_API_CAP_NO_IRQ		(1ULL << 13)	/* never in interrupt context */
#define KMEMLAB_API_CAP_SHEAVES		(1ULL << 14)	/* takes a sheaf capacity (6.18) */
/* ... of a context record: */
#define KMEMLAB_CTX_CAP_SLEEPS		(1ULL << 0)	/* an allocation may sleep here */
#define KMEMLAB_CTX_CAP_IRQ		(1ULL << 1)	/* interrupt context */
/* ... of a gfp record: */
#define KMEMLAB_GFP_CAP_BASE		(1ULL << 0)	/* a base type: at most one */
#define KMEMLAB_GFP_CAP_ZONE		(1ULL << 1)	/* a zone modifier: at most one */
#define KMEMLAB_GFP_CAP_MODIFIER	(1ULL << 2)	/* combines freely */
#define KMEMLAB_GFP_CAP_SLEEPS		(1ULL << 3)	/* may sleep (direct reclaim) */
#define KMEMLAB_GFP_CAP_NEEDS_RECLAIM	(1ULL << 4)	/* needs a base that may sleep */

/* enum kmemlab_desc_kind: what a struct kmemlab_desc describes */
enum kmemlab_desc_kind {
	KMEMLAB_DESC_API = 1,
	KMEMLAB_DESC_CONTEXT = 2,
	KMEMLAB_DESC_GFP = 3,
};

/**
 * enum kmemlab_unavailable - why the running kernel lacks an API (or its
 *	resize operation) for the module
 * @KMEMLAB_UNAVAILABLE_NONE: it has it.
 * @KMEMLAB_UNAVAILABLE_KERNEL: not in this kernel version: the headers the
 *	module was built against do not have it.
 * @KMEMLAB_UNAVAILABLE_EXPORT: in the kernel, but not exported to modules.
 * @KMEMLAB_UNAVAILABLE_CONFIG: compiled out by the kernel's configuration.
 * @KMEMLAB_UNAVAILABLE_COUNT: one past the last valid value.
 */
enum kmemlab_unavailable {
	KMEMLAB_UNAVAILABLE_NONE = 0,
	KMEMLAB_UNAVAILABLE_KERNEL = 1,
	KMEMLAB_UNAVAILABLE_EXPORT = 2,
	KMEMLAB_UNAVAILABLE_CONFIG = 3,
	KMEMLAB_UNAVAILABLE_COUNT
};

/* struct kmemlab_desc.admin_above when nothing needs CAP_SYS_ADMIN */
#define KMEMLAB_DESC_NO_LIMIT		(~0ULL)

/**
 * struct kmemlab_desc - one API, context or gfp bit of the running driver
 * @kind: enum kmemlab_desc_kind.
 * @id: the enum kmemlab_api or enum kmemlab_context value; for a gfp bit,
 *	its bit number (the bit is 1 << @id).
 * @caps: KMEMLAB_API_CAP_*, KMEMLAB_CTX_CAP_* or KMEMLAB_GFP_CAP_* bits.
 * @gfp: an API: every KMEMLAB_GFP_* bit it takes; a gfp bit: the bit.
 * @max_size: an API: the largest request it could ever satisfy on this
 *	kernel and machine, in bytes; a gfp bit with a size limit: that
 *	limit; else 0.
 * @admin_above: requests above this many bytes need CAP_SYS_ADMIN: 0 for
 *	any size, %KMEMLAB_DESC_NO_LIMIT for none.
 * @limit: enum kmemlab_limit behind @max_size, or 0.
 * @unavailable: an API: enum kmemlab_unavailable, why the running kernel
 *	lacks it (the other fields say what it would be); else 0.
 * @name: the kernel's name, NUL-terminated: "kmalloc", "process",
 *	"GFP_KERNEL", "__GFP_ZERO".
 * @resize_unavailable: an API with a resize operation in some kernels:
 *	enum kmemlab_unavailable, why this one lacks it (then
 *	%KMEMLAB_API_CAP_RESIZE is clear); else 0.
 * @pad: zero.
 * @type_size: an API that allocates objects of a type (kmalloc_obj()):
 *	the type's size, which a request's @size must be; else 0.
 */
struct kmemlab_desc {
	__u32 kind;
	__u32 id;
	__u64 caps;
	__u64 gfp;
	__u64 max_size;
	__u64 admin_above;
	__u32 limit;
	__u32 unavailable;
	char name[KMEMLAB_NAME_LEN];
	__u32 resize_unavailable;
	__u32 pad;
	__u64 type_size;
};

/**
 * struct kmemlab_describe - what the running driver accepts
 * @records: (in) user pointer to an array of @capacity struct kmemlab_desc;
 *	0 when @capacity is 0 (to learn @needed).
 * @capacity: (in) records the array holds.
 * @needed: (out) records there are: the APIs, then the contexts, then the
 *	gfp bits, each in value order.
 * @returned: (out) records written: min(@capacity, @needed).
 * @flags: (in) zero.
 *
 * The same for every caller and every device of the module; the sizes
 * depend on the kernel and the machine (KMALLOC_MAX_SIZE, the largest
 * order, the RAM).
 *
 * Returns 0, or:
 *  -EINVAL  @flags not zero; @capacity without @records.
 *  -EFAULT  @records is not writable for the records returned.
 *  -ENOMEM  no memory for the records (never when @capacity is 0).
 */
struct kmemlab_describe {
	__u64 records;
	__u32 capacity;
	__u32 needed;
	__u32 returned;
	__u32 flags;
};

/* The largest struct kmemlab_alloc.sheaf_capacity. */
#define KMEMLAB_SHEAF_CAPACITY_MAX	1024

/* struct kmemlab_alloc.flags */
/* %KMEMLAB_API_KMEM_CACHE: create the cache with SLAB_HWCACHE_ALIGN. */
#define KMEMLAB_ALLOC_HWCACHE_ALIGN	(1U << 0)
/*
 * Any API: the lean path. The report says what the address tells (backing,
 * usable size, cache, region, pages) and has %KMEMLAB_REPORT_LEAN: it reads
 * neither the pages (no zone, zones, runs, physical address) nor the bytes
 * (no zero check). For timing the ioctl path (kmemlab bench --syscall).
 */
#define KMEMLAB_ALLOC_LEAN		(1U << 1)

/**
 * struct kmemlab_alloc - ask for one allocation
 * @api: (in) enum kmemlab_api.
 * @context: (in) enum kmemlab_context.
 * @size: (in) bytes, > 0; the element size for the kcalloc APIs, the object
 *	size for %KMEMLAB_API_KMEM_CACHE, the type's size for the kmalloc_obj
 *	APIs (struct kmemlab_desc.type_size).
 * @gfp: (in) KMEMLAB_GFP_* bits; != 0 for an API that takes a base type.
 * @count: (in) number of elements for the kcalloc APIs and kmalloc_objs(),
 *	else 0.
 * @align: (in) %KMEMLAB_API_KMEM_CACHE: object alignment (0 or a power of
 *	two up to PAGE_SIZE), else 0.
 * @flags: (in) KMEMLAB_ALLOC_* bits.
 * @pad: (in) zero.
 * @sheaf_capacity: (in) %KMEMLAB_API_KMEM_CACHE where it has
 *	%KMEMLAB_API_CAP_SHEAVES (Linux 6.18): create the cache with per-CPU
 *	sheaves of at least this many objects (struct kmem_cache_args), 0 for
 *	none asked, at most %KMEMLAB_SHEAF_CAPACITY_MAX; part of the cache's
 *	geometry. Else 0.
 * @pad2: (in) zero.
 * @name: (in) %KMEMLAB_API_KMEM_CACHE: the cache's name, 1 to
 *	%KMEMLAB_CACHE_NAME_MAX characters of [a-z0-9_-], NUL-padded; else all
 *	zero. The kernel names the cache "kmemlab<N>_<name>" (/proc/slabinfo).
 * @reserved: (in) zero.
 * @refusal: (out) why the request was refused; zero on success.
 * @report: (out) what the kernel did.
 *
 * Returns 0 and fills @report, or (with @refusal saying which rule):
 *  -EINVAL  @api, @context or @size is 0 or unknown; @gfp is 0, has unknown
 *           bits, combines two base types or two zone modifiers, or has a
 *           flag the API does not take (GFP_HIGHUSER and GFP_DMA32 for slab
 *           memory, non-sleeping base types for vmalloc, zone modifiers for
 *           dma_alloc_coherent, ...); __GFP_NOFAIL above order 1 or without
 *           a base type that may sleep; an API that may sleep (vmalloc,
 *           kvmalloc, devm) or a gfp base type that may sleep in a context
 *           other than %KMEMLAB_CTX_PROCESS; @count, @align, @name or @flags
 *           set where the API takes none, or malformed; @pad or @reserved
 *           not zero; @size is not the type's size for an API that
 *           allocates a type.
 *  -EOVERFLOW  @count * @size overflows.
 *  -E2BIG   @size is above what the API can ever allocate: KMALLOC_MAX_SIZE
 *           for slab memory, PAGE_SIZE << max_order for page APIs, all of
 *           RAM for vmalloc (and INT_MAX for kvmalloc); nothing was
 *           attempted.
 *  -EEXIST  %KMEMLAB_API_KMEM_CACHE: a live cache of that @name has another
 *           object size, alignment or flags.
 *  -EPERM   the request needs CAP_SYS_ADMIN (see the top of this file):
 *           __GFP_NOFAIL, more than a page without sleeping, more than
 *           64 KiB of GFP_DMA, a new kmem_cache.
 *  -ENOSPC  the allocation would take the module past max_bytes, max_allocs
 *           or (with %KMEMLAB_GFP_DMA) dma_max_bytes.
 *  -ENOMEM  the allocator returned NULL (always called with __GFP_NOWARN),
 *           or the driver had no memory for its bookkeeping.
 *  -EBUSY   the device has 2^31 - 1 live handles.
 *  -EOPNOTSUPP  the running kernel lacks @api (DESCRIBE says why).
 *  -EFAULT  the report could not be copied out; nothing stays allocated.
 */
struct kmemlab_alloc {
	__u32 api;
	__u32 context;
	__u64 size;
	__u64 gfp;
	__u32 count;
	__u32 align;
	__u32 flags;
	__u32 pad;
	char name[KMEMLAB_NAME_LEN];
	__u32 sheaf_capacity;
	__u32 pad2;
	__u64 reserved;
	struct kmemlab_refusal refusal;
	struct kmemlab_report report;
};

/**
 * struct kmemlab_realloc - resize an allocation with its API's resize operation
 * @handle: (in) a live handle of an API with %KMEMLAB_API_CAP_RESIZE (the
 *	kmalloc family: krealloc(); the kvmalloc family: kvrealloc(); vmalloc
 *	and vzalloc: vrealloc() where the kernel exports it); it keeps its
 *	handle.
 * @context: (in) enum kmemlab_context.
 * @size: (in) the new size in bytes, > 0.
 * @gfp: (in) KMEMLAB_GFP_* bits, as for %KMEMLAB_IOC_ALLOC.
 * @reserved: (in) zero.
 * @refusal: (out) why the request was refused; zero on success.
 * @report: (out) the allocation after the resize.
 *
 * The first min(old, new) bytes are kept. On failure the old allocation is
 * left as it was. The handle is looked up first: its API's row decides the
 * size limit and the gfp bits, as %KMEMLAB_IOC_ALLOC would for that API.
 *
 * Returns 0 and fills @report, or (with @refusal saying which rule):
 *  -EINVAL  @context or @size is 0 or unknown; @reserved not zero; @handle
 *           is an allocation of an API that cannot be resized; @gfp as for
 *           %KMEMLAB_IOC_ALLOC with the handle's API.
 *  -E2BIG   @size is above what the handle's API can ever allocate.
 *  -EPERM   as for %KMEMLAB_IOC_ALLOC.
 *  -ENOENT  no live allocation has @handle.
 *  -ENOSPC  growing would pass max_bytes, or dma_max_bytes with
 *           %KMEMLAB_GFP_DMA.
 *  -ENOMEM  the resize operation returned NULL.
 *  -EFAULT  the report could not be copied out; the resize stands.
 */
struct kmemlab_realloc {
	__u32 handle;
	__u32 context;
	__u64 size;
	__u64 gfp;
	__u64 reserved[2];
	struct kmemlab_refusal refusal;
	struct kmemlab_report report;
};

/* struct kmemlab_free.flags */
#define KMEMLAB_FREE_ALL	(1U << 0)	/* free every allocation; @handle must be 0 */

/**
 * struct kmemlab_free - free one allocation, or all of the device's
 * @handle: (in) the handle to free, or 0 with %KMEMLAB_FREE_ALL.
 * @flags: (in) KMEMLAB_FREE_* bits.
 * @freed: (out) number of allocations freed.
 * @pad: (in) zero.
 *
 * Returns 0 and sets @freed, or:
 *  -ENOENT  no live allocation has @handle.
 *  -EINVAL  @handle is 0 without %KMEMLAB_FREE_ALL, or non-zero with it; an
 *           unknown flag; @pad not zero.
 */
struct kmemlab_free {
	__u32 handle;
	__u32 flags;
	__u32 freed;
	__u32 pad;
};

/**
 * struct kmemlab_query - report one live allocation
 * @handle: (in) the handle.
 * @pad: (in) zero.
 * @report: (out) the report made when it was allocated.
 *
 * Returns 0 and fills @report, or:
 *  -ENOENT  no live allocation has @handle.
 *  -EINVAL  @pad not zero.
 */
struct kmemlab_query {
	__u32 handle;
	__u32 pad;
	struct kmemlab_report report;
};

/* struct kmemlab_runs.granule without CAP_SYS_ADMIN */
#define KMEMLAB_RUNS_GRANULE	(1U << 20)

/**
 * struct kmemlab_run - consecutive page frames of an allocation, in one zone
 * @pfn: the first frame; without CAP_SYS_ADMIN rounded down to a multiple
 *	of struct kmemlab_runs.granule (a frame number in pages either way).
 * @pages: frames in the run, exact.
 * @zone: enum kmemlab_zone of every frame of the run.
 * @pad: zero.
 */
struct kmemlab_run {
	__u64 pfn;
	__u64 pages;
	__u32 zone;
	__u32 pad;
};

/**
 * struct kmemlab_runs - where an allocation lies in physical memory
 * @handle: (in) a live allocation of the device.
 * @capacity: (in) number of records @runs holds.
 * @runs: (in) user pointer to an array of @capacity struct kmemlab_run; 0
 *	when @capacity is 0 (to learn @needed).
 * @needed: (out) runs there are: the pages the allocation touches, from
 *	the one that holds its first byte, cut where the next frame does not
 *	follow or lies in another zone.
 * @returned: (out) records written: min(@capacity, @needed).
 * @flags: (in) zero.
 * @pad: (in) zero.
 * @granule: (out) bytes: @pfn of every run is a multiple of @granule /
 *	page size. The page size for a caller with CAP_SYS_ADMIN (exact
 *	frames); %KMEMLAB_RUNS_GRANULE otherwise, as physical layout is the
 *	administrator's to see.
 * @pages: (out) pages the allocation touches: the sum of every run's
 *	@pages.
 * @reserved: (in) zero.
 *
 * Returns 0 even when @capacity < @needed: compare @returned with @needed.
 * Or:
 *  -ENOENT  no live allocation has @handle.
 *  -EINVAL  @flags, @pad or @reserved not zero; @capacity without @runs.
 *  -EFAULT  @runs is not writable for the records returned.
 *  -ENOMEM  no memory for the records (never when @capacity is 0).
 */
struct kmemlab_runs {
	__u32 handle;
	__u32 capacity;
	__u64 runs;
	__u32 needed;
	__u32 returned;
	__u32 flags;
	__u32 pad;
	__u64 granule;
	__u64 pages;
	__u64 reserved;
};

/**
 * struct kmemlab_list - report every live allocation of the device
 * @records: (in) user pointer to an array of @capacity struct kmemlab_report,
 *	in handle order. May be 0 when @capacity is 0 (to learn @needed).
 * @capacity: (in) number of records the array holds.
 * @needed: (out) number of live allocations.
 * @returned: (out) number of records written: min(@capacity, @needed).
 * @flags: (in) zero.
 *
 * The records are a snapshot taken under the device's lock and copied to
 * @records after it is dropped.
 *
 * Returns 0 even when @capacity < @needed: compare @returned with @needed.
 * Or:
 *  -EINVAL  @flags not zero; @capacity without @records.
 *  -EFAULT  @records is not writable for the records returned.
 *  -ENOMEM  no memory for the snapshot (never when @capacity is 0).
 */
struct kmemlab_list {
	__u64 records;
	__u32 capacity;
	__u32 needed;
	__u32 returned;
	__u32 flags;
};

/**
 * struct kmemlab_fill - write or check a byte pattern in an allocation
 * @handle: (in) a live handle.
 * @pattern: (in) the byte value, 0..255.
 * @offset: (in) first byte, < the allocation's size.
 * @length: (in) number of bytes; 0 means up to the end of the allocation.
 * @mismatches: (out, %KMEMLAB_IOC_VERIFY) bytes that differ from @pattern.
 * @first_mismatch: (out, %KMEMLAB_IOC_VERIFY) offset of the first differing
 *	byte, or the allocation's size when none differs.
 * @reserved: (in) zero.
 *
 * Returns 0 (and, for VERIFY, fills @mismatches and @first_mismatch), or:
 *  -ENOENT  no live allocation has @handle.
 *  -EINVAL  @pattern above 255; @offset at or past the allocation's
 *           requested size, or @offset + @length past it; @reserved not
 *           zero.
 */
struct kmemlab_fill {
	__u32 handle;
	__u32 pattern;
	__u64 offset;
	__u64 length;
	__u64 mismatches;
	__u64 first_mismatch;
	__u64 reserved[2];
};

/**
 * struct kmemlab_read - copy bytes out of an allocation
 * @handle: (in) a live handle.
 * @pad: (in) zero.
 * @offset: (in) first byte.
 * @length: (in) number of bytes, 1..1 MiB, inside the requested size.
 * @buf: (in) user pointer to @length bytes.
 *
 * The bytes are copied a page at a time, each under the device's lock and
 * out to @buf after it is dropped: an allocation freed or shrunk by another
 * caller during the read ends it with -ENOENT or -EINVAL, the pages before
 * that already copied.
 *
 * Returns 0, or:
 *  -ENOENT  no live allocation has @handle.
 *  -EINVAL  @length 0 or above %KMEMLAB_READ_MAX; @offset at or past the
 *           allocation's requested size, or @offset + @length past it; @pad
 *           not zero.
 *  -EFAULT  @buf is not writable for @length bytes.
 *  -ENOMEM  no memory for the driver's bounce page.
 *  -EINTR   a signal arrived while waiting for the device lock.
 */
struct kmemlab_read {
	__u32 handle;
	__u32 pad;
	__u64 offset;
	__u64 length;
	__u64 buf;
};

#define KMEMLAB_READ_MAX	(1U << 20)

/**
 * enum kmemlab_dma_mode - how %KMEMLAB_IOC_DMA_MAP maps an allocation
 * @KMEMLAB_DMA_SINGLE: dma_map_single() (as dma_map_page() of the first
 *	page, which is what it does): one segment, for memory in the
 *	direct map only.
 * @KMEMLAB_DMA_SG: dma_map_sgtable() over a scatterlist of the allocation's
 *	pages; the only way to map vmalloc memory.
 */
enum kmemlab_dma_mode {
	KMEMLAB_DMA_SINGLE = 1,
	KMEMLAB_DMA_SG = 2,
};

/**
 * enum kmemlab_dma_dir - the direction of a mapping
 * @KMEMLAB_DMA_TO_DEVICE: DMA_TO_DEVICE.
 * @KMEMLAB_DMA_FROM_DEVICE: DMA_FROM_DEVICE.
 * @KMEMLAB_DMA_BIDIRECTIONAL: DMA_BIDIRECTIONAL.
 */
enum kmemlab_dma_dir {
	KMEMLAB_DMA_TO_DEVICE = 1,
	KMEMLAB_DMA_FROM_DEVICE = 2,
	KMEMLAB_DMA_BIDIRECTIONAL = 3,
};

/* struct kmemlab_dma.result */
/* A segment's bus address differs from its physical one: bounced (swiotlb). */
#define KMEMLAB_DMA_BOUNCED	(1U << 0)
/* dma_alloc_coherent() memory: already mapped, @bus is its handle. */
#define KMEMLAB_DMA_COHERENT	(1U << 1)
/* @bus holds the raw bus address (the caller has CAP_SYS_ADMIN). */
#define KMEMLAB_DMA_ADDRS	(1U << 2)
/* The memory lies beyond the device's DMA mask. */
#define KMEMLAB_DMA_BEYOND_MASK	(1U << 3)

/**
 * struct kmemlab_dma - map an allocation for the device, report, unmap
 * @handle: (in) a live handle.
 * @mode: (in) enum kmemlab_dma_mode.
 * @direction: (in) enum kmemlab_dma_dir.
 * @nents: (out) segments of the mapping.
 * @pages: (out) pages of the allocation that were mapped.
 * @result: (out) KMEMLAB_DMA_* bits.
 * @mask: (out) the device's DMA mask.
 * @bus: (out) bus address of the first segment; 0 unless %KMEMLAB_DMA_ADDRS.
 * @max_segment: (out) the longest segment the device takes, in bytes
 *	(dma_get_max_seg_size()): %KMEMLAB_DMA_SG merges physically contiguous
 *	pages into segments no longer than this.
 * @pad: (in) zero.
 * @reserved: (in) zero.
 *
 * The driver checks, before the DMA API sees the memory, that the device
 * can reach it directly or through swiotlb bounce buffers, so the mapping
 * never trips the DMA layer's overflow warning. dma_alloc_coherent() memory
 * is not mapped again, whatever @mode: the report gives its handle and
 * %KMEMLAB_DMA_COHERENT.
 *
 * Returns 0, or:
 *  -ENOENT  no live allocation has @handle.
 *  -EINVAL  @mode or @direction is unknown; %KMEMLAB_DMA_SINGLE on vmalloc
 *           memory, which is not physically contiguous and has no direct-map
 *           address to map.
 *  -ERANGE  the memory lies beyond the DMA mask and no bounce buffer the
 *           device can reach exists (no swiotlb, or swiotlb beyond the mask).
 *  -E2BIG   a segment that must bounce is larger than one swiotlb mapping
 *           (dma_max_mapping_size()).
 *  -ENOMEM  no memory for the page array or the scatterlist of
 *           %KMEMLAB_DMA_SG.
 *  -EIO     the DMA API returned a mapping error.
 *  -EINVAL  also: @pad or @reserved not zero.
 */
struct kmemlab_dma {
	__u32 handle;
	__u32 mode;
	__u32 direction;
	__u32 nents;
	__u32 pages;
	__u32 result;
	__u64 mask;
	__u64 bus;
	__u32 max_segment;
	__u32 pad;
	__u64 reserved[1];
};

/**
 * enum kmemlab_bench_pattern - the order of allocations and frees in a bench
 * @KMEMLAB_BENCH_PAIR: allocate, free, allocate, free...: each free returns
 *	the object the next allocation gets back (the per-CPU fast path).
 * @KMEMLAB_BENCH_BATCH: allocate @batch objects, then free them all, and
 *	repeat: the allocator has to refill and drain (its slow path).
 * @KMEMLAB_BENCH_PATTERN_COUNT: one past the last valid value.
 */
enum kmemlab_bench_pattern {
	KMEMLAB_BENCH_PAIR = 1,
	KMEMLAB_BENCH_BATCH = 2,
	KMEMLAB_BENCH_PATTERN_COUNT
};

/* struct kmemlab_bench.flags (in) */
/*
 * Time with the CPU's cycle counter, serialised (rdtsc_ordered() on x86,
 * get_cycles() elsewhere), not ktime_get_ns(); @clock_hz gives its rate.
 */
#define KMEMLAB_BENCH_CYCLES	(1U << 0)
/*
 * Time groups of operations between two clock reads, not each one: a batch's
 * allocations, then its frees (%KMEMLAB_BENCH_BATCH, @batch at most
 * %KMEMLAB_BENCH_GROUP_MAX), or @batch alloc+free pairs (%KMEMLAB_BENCH_PAIR,
 * @batch 2 to %KMEMLAB_BENCH_GROUP_MAX). Each sample is a group's time less
 * that of the same group of an allocator that does nothing, timed right
 * before it (the bench's own loop, calls and clock reads: @dispatch),
 * divided by its operations; the counts of @alloc and @free are groups. A
 * pair's cost goes to @alloc, @free has none.
 */
#define KMEMLAB_BENCH_GROUPED	(1U << 1)

/* The most operations one %KMEMLAB_BENCH_GROUPED group holds. */
#define KMEMLAB_BENCH_GROUP_MAX	256

/* struct kmemlab_bench.result (out) */
#define KMEMLAB_BENCH_TIME_CAPPED	(1U << 0)	/* stopped at bench_max_ms */
#define KMEMLAB_BENCH_SAMPLES_CUT	(1U << 1)	/* the sample arrays were too short */

/**
 * struct kmemlab_bench_stats - the distribution of one operation's times
 * @count: operations timed (all threads).
 * @min: fastest.
 * @median: 50th percentile.
 * @p90: 90th percentile.
 * @p99: 99th percentile.
 * @max: slowest.
 * @mean: arithmetic mean, rounded down.
 * @stddev: standard deviation, rounded down.
 *
 * Times are in ns, or in cycles with %KMEMLAB_BENCH_CYCLES; each sample has
 * the timer's own cost (&struct kmemlab_bench.overhead) subtracted, down to
 * 0. Percentiles are exact: the samples are kept and sorted.
 */
struct kmemlab_bench_stats {
	__u64 count;
	__u64 min;
	__u64 median;
	__u64 p90;
	__u64 p99;
	__u64 max;
	__u64 mean;
	__u64 stddev;
};

/**
 * struct kmemlab_bench - time an allocator in the kernel, alloc and free apart
 * @api: (in) enum kmemlab_api; not the devm APIs nor dma_alloc_coherent.
 *	%KMEMLAB_API_KMEM_CACHE benches a private cache of @size-byte objects
 *	created for the run and destroyed after it; the kcalloc API allocates
 *	one element of @size bytes; krealloc reallocates from NULL.
 * @context: (in) enum kmemlab_context the timed calls run in.
 * @size: (in) bytes per allocation (page APIs: the order that covers it).
 * @gfp: (in) KMEMLAB_GFP_* bits, as for %KMEMLAB_IOC_ALLOC.
 * @iterations: (in) allocations timed per thread, >= 1; @iterations times
 *	@threads at most the module parameter bench_max_samples.
 * @warmup: (in) untimed alloc/free pairs per thread before timing starts.
 * @pattern: (in) enum kmemlab_bench_pattern.
 * @batch: (in) objects per batch for %KMEMLAB_BENCH_BATCH, 2 to
 *	@iterations; zero for %KMEMLAB_BENCH_PAIR, or with
 *	%KMEMLAB_BENCH_GROUPED the pairs per group.
 * @threads: (in) kthreads, one bound to each of the first @threads online
 *	CPUs and started together; 1 to the number of online CPUs.
 * @flags: (in) KMEMLAB_BENCH_* bits.
 * @alloc_samples: (in) user pointer to an array of @samples_len __u64 that
 *	receives every allocation time, thread after thread, in the order
 *	they were made; 0 for none.
 * @free_samples: (in) likewise for the frees; 0 for none.
 * @samples_len: (in) entries in each array; 0 when both pointers are 0.
 * @reserved: (in) zero.
 * @alloc: (out) allocation times.
 * @free: (out) free times.
 * @overhead: (out) the timer's own cost: median of an empty timed section.
 * @elapsed_ns: (out) wall time of the timed phase, from the start line to
 *	the last thread's end, in ns whatever the flags.
 * @ops_per_sec: (out) allocations attempted per second over all threads,
 *	frees and timer included.
 * @failures: (out) allocations that returned NULL (not timed).
 * @samples_out: (out) entries written to each sample array.
 * @result: (out) KMEMLAB_BENCH_TIME_CAPPED, KMEMLAB_BENCH_SAMPLES_CUT.
 * @cpus: (out) online CPUs, the most @threads can be.
 * @clock_hz: (out) ticks per second of the clock the samples are in:
 *	1000000000 for ktime_get_ns(), the cycle counter's rate with
 *	%KMEMLAB_BENCH_CYCLES (0 where the kernel does not say).
 * @dispatch: (out) with %KMEMLAB_BENCH_GROUPED, the bench's own cost per
 *	operation (a pair, or a batch's allocation) on the first thread: its
 *	loop and its calls through the driver's API table, the lowest over the
 *	groups of the allocator that does nothing, the timer's cost taken off
 *	(the first of them runs cold). Each group's own such twin is already
 *	subtracted from @alloc and @free. Zero without.
 * @refusal: (out) why the bench was refused; zero otherwise.
 *
 * The timed loop runs in @context a bounded chunk at a time (at most 256
 * operations or 1 ms per spinlock section, softirq or irq_work); between
 * chunks each thread returns to its own process context, yields the CPU
 * and checks the time limit and for a signal to the caller. The module
 * parameter bench_max_ms (default 10000) bounds a bench's run, warm-up
 * included: past it no thread starts another allocation, the objects held
 * are freed and timed, and %KMEMLAB_BENCH_TIME_CAPPED reports the cut, with
 * @alloc.count below @iterations times @threads.
 *
 * Every object allocated is freed before the ioctl returns, on error and on
 * a signal too. The objects in flight, @batch (1 for %KMEMLAB_BENCH_PAIR)
 * times @threads, are charged to the quota and the live counters for the
 * whole run, and only they.
 *
 * Returns 0, or:
 *  -EINVAL  unknown @api, @context, @pattern or flag; an API bench does not
 *           run (devm, dma_alloc_coherent); @size or @gfp as for
 *           %KMEMLAB_IOC_ALLOC, a sleeping API or gfp base type outside
 *           %KMEMLAB_CTX_PROCESS included; @iterations or @threads 0;
 *           @batch wrong for @pattern or above @iterations; @samples_len
 *           without a sample array; @reserved not zero.
 *  -E2BIG   @size as for %KMEMLAB_IOC_ALLOC; @iterations times @threads
 *           above bench_max_samples; @threads above the online CPUs.
 *  -EPERM   without CAP_SYS_ADMIN: what %KMEMLAB_IOC_ALLOC reserves to it
 *           (__GFP_NOFAIL, more than a page where it cannot sleep, GFP_DMA
 *           above its cap), and %KMEMLAB_API_KMEM_CACHE, which creates a
 *           cache for the run.
 *  -ENOSPC  the objects in flight (@batch times @threads, @size each) would
 *           pass max_bytes, max_allocs or, with GFP_DMA, dma_max_bytes; or,
 *           with the bench's own memory (16 bytes per sample, and a kernel
 *           stack and an array of its objects per thread), max_bytes.
 *  -ENOMEM  no memory for the sample buffer, or for the private cache.
 *  -EFAULT  a sample array is not writable.
 *  -EINTR   a signal arrived; nothing is left allocated.
 *  -ENODEV  the device began to unbind; nothing is left allocated.
 */
struct kmemlab_bench {
	__u32 api;
	__u32 context;
	__u64 size;
	__u64 gfp;
	__u32 iterations;
	__u32 warmup;
	__u32 pattern;
	__u32 batch;
	__u32 threads;
	__u32 flags;
	__u64 alloc_samples;
	__u64 free_samples;
	__u64 samples_len;
	__u64 reserved[4];
	struct kmemlab_bench_stats alloc;
	struct kmemlab_bench_stats free;
	__u64 overhead;
	__u64 elapsed_ns;
	__u64 ops_per_sec;
	__u64 failures;
	__u64 samples_out;
	__u32 result;
	__u32 cpus;
	__u64 clock_hz;
	__u64 dispatch;
	struct kmemlab_refusal refusal;
};

#define KMEMLAB_IOC_MAGIC	0xB8

#define KMEMLAB_IOC_INFO	_IOR(KMEMLAB_IOC_MAGIC, 0x00, struct kmemlab_info)
#define KMEMLAB_IOC_ALLOC	_IOWR(KMEMLAB_IOC_MAGIC, 0x01, struct kmemlab_alloc)
#define KMEMLAB_IOC_FREE	_IOWR(KMEMLAB_IOC_MAGIC, 0x02, struct kmemlab_free)
#define KMEMLAB_IOC_QUERY	_IOWR(KMEMLAB_IOC_MAGIC, 0x03, struct kmemlab_query)
#define KMEMLAB_IOC_LIST	_IOWR(KMEMLAB_IOC_MAGIC, 0x04, struct kmemlab_list)
#define KMEMLAB_IOC_REALLOC	_IOWR(KMEMLAB_IOC_MAGIC, 0x05, struct kmemlab_realloc)
#define KMEMLAB_IOC_FILL	_IOW(KMEMLAB_IOC_MAGIC, 0x06, struct kmemlab_fill)
#define KMEMLAB_IOC_VERIFY	_IOWR(KMEMLAB_IOC_MAGIC, 0x07, struct kmemlab_fill)
#define KMEMLAB_IOC_READ	_IOW(KMEMLAB_IOC_MAGIC, 0x08, struct kmemlab_read)
#define KMEMLAB_IOC_DMA_MAP	_IOWR(KMEMLAB_IOC_MAGIC, 0x09, struct kmemlab_dma)
#define KMEMLAB_IOC_BENCH	_IOWR(KMEMLAB_IOC_MAGIC, 0x0A, struct kmemlab_bench)
/* Does nothing but the checks every command makes: times the ioctl path. */
#define KMEMLAB_IOC_NOP		_IO(KMEMLAB_IOC_MAGIC, 0x0B)
#define KMEMLAB_IOC_DESCRIBE	_IOWR(KMEMLAB_IOC_MAGIC, 0x0C, struct kmemlab_describe)
#define KMEMLAB_IOC_RUNS	_IOWR(KMEMLAB_IOC_MAGIC, 0x0D, struct kmemlab_runs)

#endif /* _UAPI_LINUX_KMEMLAB_H */
