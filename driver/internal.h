/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmemlab: shared declarations of the driver's files.
 *
 * main.c     module, platform driver, char device and file lifetime
 * ioctl.c    ioctl dispatch and validation, one handler per command
 * buf.c      the handle registry: quota, counters, free and devm release
 * apis.c     the allocator back-end table, one row per API
 * context.c  running an allocation in process/atomic/softirq/hardirq context
 * inspect.c  what the kernel did: size class, zones, contiguity, zeroing
 * dma.c      mapping an allocation for the device with the DMA API
 * bench.c    timing an allocator: per-op distributions, pinned threads
 * policy.c   privileges, quotas and fault injection, for every command
 */
#ifndef KMEMLAB_INTERNAL_H
#define KMEMLAB_INTERNAL_H

#include <linux/atomic.h>
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/types.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>
#include <linux/kmemlab.h>

#include "compat.h"

#define KMEMLAB_MAX_DEVICES	16

/* The largest GFP_DMA allocation a caller without CAP_SYS_ADMIN may make. */
#define KMEMLAB_DMA_USER_MAX	SZ_64K

/*
 * At least sizeof(struct devres), which devm_kmalloc() puts before the data
 * in the same kmalloc object (private to drivers/base/devres.c): a 40-byte
 * devres_node on 64-bit, the data after it aligned to ARCH_KMALLOC_MINALIGN
 * (6.1) or ARCH_DMA_MINALIGN (6.5 on), which is never smaller. 40 bytes on
 * x86_64, 128 on arm64, whose ARCH_DMA_MINALIGN is 128.
 */
#define KMEMLAB_DEVRES_MAX	ALIGN(64, ARCH_DMA_MINALIGN)

struct kmemlab_buf;
struct kmemlab_dev;
struct kmemlab_op;

/**
 * struct kmemlab_api_ops - one row of the back-end table
 * @api: enum kmemlab_api.
 * @name: the kernel function's name.
 * @caps: KMEMLAB_API_CAP_* bits: what the API takes and promises; DESCRIBE
 *	hands them to userspace as they are.
 * @gfp_ok: the KMEMLAB_GFP_* bits the API accepts.
 * @max_size: the largest request the API could ever satisfy; sets *@limit
 *	to the enum kmemlab_limit that sets it.
 * @alloc: allocate @op->size bytes with @op->gfp; runs in the requested
 *	context, so it may only use @op and must not sleep unless the API or
 *	the gfp flags allow it. Returns the memory or NULL.
 * @resize: resize @op->old (@op->old_size bytes) to @op->size bytes
 *	(REALLOC), like @alloc; NULL when the API cannot resize.
 * @page_ptr: @alloc returns the first struct page of the pages, not an
 *	address: they may lie in highmem, where they have none. Their
 *	contents are reached through kmemlab_map() like everyone's.
 * @free: free @buf's memory. Runs in process context (FREE, unbind,
 *	ALLOC's unwinding), or in the context the bench allocated it in, so
 *	it must not sleep unless the row has %KMEMLAB_API_CAP_FREE_SLEEPS,
 *	and then BENCH runs the API in process context only.
 * @unavailable: enum kmemlab_unavailable: why the running kernel lacks the
 *	API (compat.h); then @alloc, @resize and @free are NULL.
 * @resize_unavailable: likewise for a resize operation some kernels have.
 * @cache_prefix: the API's own slab caches are named this and the size
 *	("kmemlab_buckets-192"), not after kmalloc's; NULL: kmalloc's.
 * @type_size: the API allocates objects of a type (kmalloc_obj()): its
 *	size, which every request's size must be; else 0.
 */
struct kmemlab_api_ops {
	u32 api;
	const char *name;
	u64 caps;
	u64 gfp_ok;
	u64 (*max_size)(u32 *limit);
	void *(*alloc)(struct kmemlab_op *op);
	void *(*resize)(struct kmemlab_op *op);
	bool page_ptr;
	void (*free)(struct kmemlab_buf *buf);
	u32 unavailable;
	u32 resize_unavailable;
	const char *cache_prefix;
	size_t type_size;
};

/**
 * kmemlab_refuse() - record why a request is refused, and return @err
 * @why: where the caller reports it (struct kmemlab_refusal), or NULL.
 * @err: the negative errno.
 * @reason: enum kmemlab_reason.
 * @arg: what it is about.
 * @value: the limit passed, or the gfp bits at fault.
 *
 * Return: @err.
 */
static inline int kmemlab_refuse(struct kmemlab_refusal *why, int err,
				 u32 reason, u32 arg, u64 value)
{
	if (why) {
		why->reason = reason;
		why->arg = arg;
		why->value = value;
	}
	return err;
}

/*
 * Copies to and from the caller's memory, made with the device left (the
 * node's rwsem dropped; kd->lock must not be held): a fault on a user
 * buffer lasts as long as whoever serves it likes (userfaultfd, FUSE, a
 * stalled NFS server), and neither unbind nor another caller may wait for
 * it. Return: 0; -EFAULT when the copy failed; -ENODEV when the device was
 * unbound meanwhile, and then @kd is gone and must not be touched again.
 */
int kmemlab_copy_to_user(struct kmemlab_dev *kd, void __user *to,
			 const void *from, size_t n);
int kmemlab_copy_from_user(struct kmemlab_dev *kd, void *to,
			   const void __user *from, size_t n);

/**
 * kmemlab_refusal_out() - tell the caller why its request was refused
 * @kd: the device, as for kmemlab_copy_to_user().
 * @arg: the command's user argument.
 * @offset: where its struct kmemlab_refusal lies.
 * @why: the refusal.
 *
 * Only the refusal is copied out: the rest of the caller's struct is left
 * as it was. A failed copy is not reported: the errno says enough.
 */
static inline void kmemlab_refusal_out(struct kmemlab_dev *kd,
				       void __user *arg, size_t offset,
				       const struct kmemlab_refusal *why)
{
	if (kmemlab_copy_to_user(kd, arg + offset, why, sizeof(*why)))
		return;
}

/**
 * struct kmemlab_cache - a kmem_cache created for %KMEMLAB_API_KMEM_CACHE
 * @node: in kmemlab_dev.caches.
 * @cache: the kernel's cache.
 * @name: the caller's name for it.
 * @kname: the kernel's name for it, as /proc/slabinfo shows it.
 * @size: object size.
 * @align: alignment asked for.
 * @flags: KMEMLAB_ALLOC_* bits it was created with.
 * @sheaves: the sheaf capacity asked for (0: none).
 * @objects: live objects; the cache is destroyed when this drops to 0.
 */
struct kmemlab_cache {
	struct list_head node;
	struct kmem_cache *cache;
	char name[KMEMLAB_NAME_LEN];
	char kname[KMEMLAB_NAME_LEN];
	u32 size;
	u32 align;
	u32 flags;
	u32 sheaves;
	unsigned int objects;
};

/**
 * struct kmemlab_counters - live allocations and bytes, per API
 * @allocs: allocations, indexed by enum kmemlab_api.
 * @bytes: bytes requested by them.
 *
 * Kept with the quotas, under their lock (policy.c): read them through
 * kmemlab_counters_sum(), kmemlab_counters_api() or, for INFO, all at once
 * through kmemlab_info_live().
 */
struct kmemlab_counters {
	s64 allocs[KMEMLAB_API_COUNT];
	s64 bytes[KMEMLAB_API_COUNT];
};

/**
 * struct kmemlab_dev - per-device state, devm_kzalloc()'d in probe
 * @pdev: the platform device.
 * @node: the file side; outlives this struct while files are open.
 * @lock: serialises the registry and the caches.
 * @bufs: handle -> struct kmemlab_buf.
 * @caches: struct kmemlab_cache list.
 * @live: live allocations and bytes of this device, per API.
 * @serial: the last &kmemlab_buf.serial given out.
 */
struct kmemlab_dev {
	struct platform_device *pdev;
	struct kmemlab_node *node;
	struct mutex lock; /* serialises @bufs, @caches and @serial */
	struct xarray bufs;
	struct list_head caches;
	struct kmemlab_counters live;
	u64 serial;
};

/**
 * struct kmemlab_node - the char device; what open files point at
 * @dev: class device, refcounted; its release frees the node.
 * @cdev: the char device, registered with cdev_device_add().
 * @rwsem: taken for read by every file operation, except while it copies
 *	from or to the caller (kmemlab_copy_to_user()), for write by remove.
 * @unbinding: set by remove before it waits for @rwsem: the operations that
 *	can run long (BENCH, FILL, VERIFY) poll it and return -ENODEV, so
 *	that an unbind never waits behind them.
 * @disconnected: set by remove; file operations then return -ENODEV.
 * @kd: the device state; valid only while !@disconnected, under @rwsem.
 * @id: N of /dev/kmemlabN.
 */
struct kmemlab_node {
	struct device dev;
	struct cdev cdev;
	struct rw_semaphore rwsem;
	bool unbinding;
	bool disconnected;
	struct kmemlab_dev *kd;
	int id;
};

/**
 * kmemlab_interrupted() - should an operation that runs long stop now?
 * @kd: the device; the caller holds its node's @rwsem for read.
 *
 * Return: -ENODEV when the device is being unbound, -EINTR when the
 * calling task has a signal pending, else 0.
 */
static inline int kmemlab_interrupted(const struct kmemlab_dev *kd)
{
	if (READ_ONCE(kd->node->unbinding))
		return -ENODEV;
	return signal_pending(current) ? -EINTR : 0;
}

/**
 * struct kmemlab_op - one allocator call, carried into its context
 * @ops: the API.
 * @kd: the device.
 * @gfp: kernel gfp flags.
 * @size: bytes (count x size for the kcalloc APIs).
 * @count: elements for the kcalloc APIs.
 * @order: page order for the page APIs.
 * @cache: the kmem_cache for %KMEMLAB_API_KMEM_CACHE.
 * @old: the memory to resize, for krealloc().
 * @ptr: (out) the memory, or NULL.
 * @dma: (out) the bus address, for dma_alloc_coherent().
 * @time_ns: (out) how long the call took.
 * @seen: (out) KMEMLAB_SEEN_* bits observed during the call.
 */
struct kmemlab_op {
	const struct kmemlab_api_ops *ops;
	struct kmemlab_dev *kd;
	gfp_t gfp;
	size_t size;
	size_t count;
	unsigned int order;
	struct kmem_cache *cache;
	void *old;
	size_t old_size;
	void *ptr;
	dma_addr_t dma;
	u64 time_ns;
	u32 seen;
};

/**
 * struct kmemlab_buf - one live allocation
 * @ops: the API that made it.
 * @kd: the device that owns it.
 * @ptr: the memory.
 * @order: page order for the page APIs.
 * @cache: the kmemlab cache for %KMEMLAB_API_KMEM_CACHE.
 * @dma: the bus address, for dma_alloc_coherent().
 * @report: what the kernel did, with raw addresses (withheld on copy-out
 *	from callers without CAP_SYS_ADMIN).
 * @serial: unique among the device's allocations, unlike handles, which
 *	are reused: tells a registry entry from a later one with its handle.
 */
struct kmemlab_buf {
	u64 serial;
	const struct kmemlab_api_ops *ops;
	struct kmemlab_dev *kd;
	void *ptr;
	unsigned int order;
	struct kmemlab_cache *cache;
	dma_addr_t dma;
	struct kmemlab_report report;
};

/*
 * The driver's own allocations (and registrations that allocate) are
 * fault-injection sites (fail_nth, policy.c): kmemlab_own(expr) is @expr,
 * or NULL when the fault fires instead; kmemlab_own_err(expr) is @expr, or
 * -ENOMEM. @expr is not evaluated when the fault fires.
 */
#define kmemlab_own(expr)	(kmemlab_fault() ? NULL : (expr))
#define kmemlab_own_err(expr)	(kmemlab_fault() ? -ENOMEM : (expr))

/* policy.c */
extern unsigned long kmemlab_max_bytes;
extern unsigned long kmemlab_max_allocs;
extern unsigned long kmemlab_dma_max_bytes;
bool kmemlab_fault(void);
bool kmemlab_capable(void);
int kmemlab_check_priv(u64 abi_gfp, size_t size, u32 context,
		       struct kmemlab_refusal *why);
int kmemlab_charge(struct kmemlab_dev *kd, u32 api, s64 bytes, s64 dma, int n,
		   struct kmemlab_refusal *why);
int kmemlab_charge_own(s64 bytes, struct kmemlab_refusal *why);
void kmemlab_uncharge_own(s64 bytes);
void kmemlab_uncharge(struct kmemlab_dev *kd, u32 api, s64 bytes, s64 dma,
		      int n);
void kmemlab_info_live(const struct kmemlab_dev *kd, struct kmemlab_info *info);
s64 kmemlab_dma_bytes(u64 abi_gfp, u64 size);
extern struct kmemlab_counters kmemlab_live;
void kmemlab_counters_sum(const struct kmemlab_counters *c,
			  struct kmemlab_count *sum);
void kmemlab_counters_api(const struct kmemlab_counters *c, u32 api,
			  struct kmemlab_count *count);

/* apis.c */
const struct kmemlab_api_ops *kmemlab_api(u32 api);
u64 kmemlab_apis_mask(void);
int kmemlab_apis_init(void);
void kmemlab_apis_exit(void);
int kmemlab_check_size(const struct kmemlab_api_ops *ops, u64 size,
		       struct kmemlab_refusal *why);
gfp_t kmemlab_gfp(u64 abi_gfp);
u64 kmemlab_gfp_known(void);
u32 kmemlab_gfp_priv(u64 abi_gfp, size_t size, u64 *limit);
int kmemlab_check_gfp(const struct kmemlab_api_ops *ops, u64 abi_gfp,
		      size_t size, u32 context, struct kmemlab_refusal *why);
int kmemlab_check_call(u32 api, u32 context, u64 size,
		       struct kmemlab_refusal *why,
		       const struct kmemlab_api_ops **out);
int kmemlab_check_alloc(const struct kmemlab_api_ops *ops, u64 abi_gfp,
			u64 size, u32 context, struct kmemlab_refusal *why);
unsigned int kmemlab_order(size_t size);
unsigned int kmemlab_describe_apis(struct kmemlab_desc *d);
unsigned int kmemlab_describe_gfp(struct kmemlab_desc *d);

/* context.c */
int kmemlab_run(struct kmemlab_op *op, u32 context);
int kmemlab_run_fn(u32 context, void (*fn)(void *data), void *data);
u32 kmemlab_contexts_mask(void);
bool kmemlab_context_ok(u32 context);
bool kmemlab_context_sleeps(u32 context);
bool kmemlab_context_irq(u32 context);
unsigned int kmemlab_describe_contexts(struct kmemlab_desc *d);

/* inspect.c */
unsigned int kmemlab_runs(const struct kmemlab_buf *buf,
			  struct kmemlab_run *runs, unsigned int room,
			  u64 granule, u64 *pages);
void kmemlab_inspect(struct kmemlab_buf *buf, const struct kmemlab_op *op,
		     u64 abi_gfp, u32 context, bool lean);
struct page *kmemlab_page_at(const struct kmemlab_api_ops *ops,
			     const void *ptr, size_t offset);
void *kmemlab_map(const struct kmemlab_api_ops *ops, const void *ptr,
		  size_t offset, size_t *len);
void kmemlab_unmap(const struct kmemlab_api_ops *ops, void *addr);
size_t kmemlab_first_offset(const struct kmemlab_api_ops *ops,
			    const void *ptr);
void kmemlab_info_kernel(struct kmemlab_info *info);
void kmemlab_info_layout(struct kmemlab_info *info);

/* buf.c */
int kmemlab_buf_add(struct kmemlab_dev *kd, struct kmemlab_buf *buf);
struct kmemlab_buf *kmemlab_buf_get(struct kmemlab_dev *kd, u32 handle);
void kmemlab_buf_discard(struct kmemlab_buf *buf);
void kmemlab_buf_free(struct kmemlab_buf *buf);
unsigned int kmemlab_buf_free_all(struct kmemlab_dev *kd, bool unbinding);
bool kmemlab_cache_name_ok(const char *name);
int kmemlab_cache_find(struct kmemlab_dev *kd, const struct kmemlab_alloc *req,
		       struct kmemlab_cache **out);
int kmemlab_cache_get(struct kmemlab_dev *kd, const struct kmemlab_alloc *req,
		      struct kmemlab_cache **out);
void kmemlab_cache_put(struct kmemlab_dev *kd, struct kmemlab_cache *c);

/* dma.c */
bool kmemlab_swiotlb_reachable(struct device *dev);
int kmemlab_ioc_dma_map(struct kmemlab_dev *kd, void __user *arg);

/* bench.c */
int kmemlab_ioc_bench(struct kmemlab_dev *kd, void __user *arg);

/* ioctl.c */
long kmemlab_ioctl_locked(struct kmemlab_dev *kd, unsigned int cmd,
			  void __user *arg);

#endif /* KMEMLAB_INTERNAL_H */
