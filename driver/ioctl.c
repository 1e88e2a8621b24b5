// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab: ioctl dispatch and validation.
 *
 * One handler per command, found in a table by the exact command number (so
 * a wrong size or direction is -ENOTTY like any unknown command). Each
 * handler copies its argument in, validates every field before anything is
 * allocated, does one thing, and copies out only on success. Callers hold
 * the node's rwsem for read and have checked that the device is bound.
 */
#include <linux/capability.h>
#include <linux/dma-mapping.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/platform_device.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "internal.h"

/*
 * The ABI's layout: fixed-width fields and explicit padding make every
 * struct the same size on every architecture, 32-bit ones included, and a
 * multiple of 8 bytes. A change here changes the ioctl numbers: it is an
 * ABI change, and these say so at build time.
 */
static_assert(sizeof(struct kmemlab_report) == 160);
static_assert(sizeof(struct kmemlab_count) == 16);
static_assert(sizeof(struct kmemlab_range) == 16);
static_assert(sizeof(struct kmemlab_info) == 888);
static_assert(sizeof(struct kmemlab_alloc) == 264);
static_assert(sizeof(struct kmemlab_realloc) == 216);
static_assert(sizeof(struct kmemlab_free) == 16);
static_assert(sizeof(struct kmemlab_query) == 168);
static_assert(sizeof(struct kmemlab_list) == 24);
static_assert(sizeof(struct kmemlab_fill) == 56);
static_assert(sizeof(struct kmemlab_read) == 32);
static_assert(sizeof(struct kmemlab_dma) == 56);
static_assert(sizeof(struct kmemlab_bench_stats) == 64);
static_assert(sizeof(struct kmemlab_bench) == 312);
static_assert(sizeof(struct kmemlab_refusal) == 16);
static_assert(sizeof(struct kmemlab_desc) == 96);
static_assert(sizeof(struct kmemlab_describe) == 24);
/* The refusal sits where userspace reads it after a failed command. */
static_assert(offsetof(struct kmemlab_alloc, refusal) == 88);
static_assert(offsetof(struct kmemlab_realloc, refusal) == 40);
static_assert(offsetof(struct kmemlab_bench, refusal) == 296);
static_assert(offsetof(struct kmemlab_info, features) == 856);
static_assert(offsetof(struct kmemlab_info, vmalloc_start) == 880);
/* INFO's bitmasks and slots hold every API, context and zone. */
static_assert(KMEMLAB_API_COUNT <= KMEMLAB_API_SLOTS);
static_assert(KMEMLAB_ZONE_COUNT <= KMEMLAB_ZONE_SLOTS);
static_assert(KMEMLAB_API_COUNT <= BITS_PER_TYPE(((struct kmemlab_info *)0)->apis));
static_assert(KMEMLAB_CTX_COUNT <= BITS_PER_TYPE(((struct kmemlab_info *)0)->contexts));

/* Raw addresses only for CAP_SYS_ADMIN; the stored report keeps them. */
static void kmemlab_report_out(const struct kmemlab_buf *buf,
			       struct kmemlab_report *out)
{
	*out = buf->report;
	if (kmemlab_capable()) {
		out->flags |= KMEMLAB_REPORT_ADDRS;
	} else {
		out->virt = 0;
		out->phys = 0;
	}
}

static int kmemlab_ioc_info(struct kmemlab_dev *kd, void __user *arg)
{
	struct kmemlab_info *info;
	int ret = 0;

	info = kmemlab_own(kzalloc(sizeof(*info), GFP_KERNEL));
	if (!info)
		return -ENOMEM;
	info->abi_version = KMEMLAB_ABI_VERSION;
	info->device_id = kd->node->id;
	info->apis = kmemlab_apis_mask();
	info->gfp = kmemlab_gfp_known();
	info->contexts = kmemlab_contexts_mask();
	info->features = KMEMLAB_FEATURE_DESCRIBE | KMEMLAB_FEATURE_REFUSAL |
			 KMEMLAB_FEATURE_LAYOUT | KMEMLAB_FEATURE_KASAN;
	info->max_bytes = READ_ONCE(kmemlab_max_bytes);
	info->max_allocs = READ_ONCE(kmemlab_max_allocs);
	info->dma_max_bytes = READ_ONCE(kmemlab_dma_max_bytes);
	kmemlab_info_live(kd, info);
	kmemlab_info_kernel(info);
	if (kmemlab_capable()) {
		info->flags |= KMEMLAB_INFO_CAP_SYS_ADMIN;
		kmemlab_info_layout(info);
	}
	info->dma_mask = dma_get_mask(&kd->pdev->dev);
	if (kmemlab_swiotlb_reachable(&kd->pdev->dev))
		info->flags |= KMEMLAB_INFO_SWIOTLB;
	ret = kmemlab_copy_to_user(kd, arg, info, sizeof(*info));
	kfree(info);
	return ret;
}

/* The API-specific fields of an ALLOC request: set where needed, else zero. */
static int kmemlab_alloc_args(const struct kmemlab_api_ops *ops,
			      const struct kmemlab_alloc *req, u64 *total,
			      struct kmemlab_refusal *why)
{
	bool cache = ops->caps & KMEMLAB_API_CAP_CACHE;
	u32 field = 0;

	if (req->pad || req->pad2 || req->reserved ||
	    (req->flags & ~(KMEMLAB_ALLOC_HWCACHE_ALIGN | KMEMLAB_ALLOC_LEAN)))
		field = KMEMLAB_FIELD_RESERVED;
	else if (!cache && (req->flags & KMEMLAB_ALLOC_HWCACHE_ALIGN))
		field = KMEMLAB_FIELD_FLAGS;
	else if (!cache && req->align)
		field = KMEMLAB_FIELD_ALIGN;
	else if (cache != !!memchr_inv(req->name, 0, sizeof(req->name)) ||
		 (cache && !kmemlab_cache_name_ok(req->name)))
		field = KMEMLAB_FIELD_NAME;
	else if (cache && req->align && (!is_power_of_2(req->align) ||
					 req->align > PAGE_SIZE))
		field = KMEMLAB_FIELD_ALIGN;
	else if (!(ops->caps & KMEMLAB_API_CAP_COUNT) != !req->count)
		field = KMEMLAB_FIELD_COUNT;
	else if (req->sheaf_capacity &&
		 (!(ops->caps & KMEMLAB_API_CAP_SHEAVES) ||
		  req->sheaf_capacity > KMEMLAB_SHEAF_CAPACITY_MAX))
		field = KMEMLAB_FIELD_SHEAF_CAPACITY;
	if (field)
		return kmemlab_refuse(why, -EINVAL, KMEMLAB_REASON_FIELD, field,
				      0);
	if (!(ops->caps & KMEMLAB_API_CAP_COUNT)) {
		*total = req->size;
		return 0;
	}
	if (check_mul_overflow(req->size, (u64)req->count, total))
		return kmemlab_refuse(why, -EOVERFLOW, KMEMLAB_REASON_OVERFLOW,
				      0, 0);
	return 0;
}

/*
 * A new kmem_cache needs CAP_SYS_ADMIN; an object from a live one does not.
 * Looked up first, so that a refusal allocates nothing.
 */
static int kmemlab_alloc_cache_ok(struct kmemlab_dev *kd,
				  const struct kmemlab_alloc *req,
				  struct kmemlab_refusal *why)
{
	struct kmemlab_cache *c;
	int ret;

	ret = kmemlab_cache_find(kd, req, &c);
	if (ret)
		return kmemlab_refuse(why, ret, KMEMLAB_REASON_CACHE_MISMATCH,
				      0, 0);
	if (!c && !kmemlab_capable())
		return kmemlab_refuse(why, -EPERM, KMEMLAB_REASON_PERM_CACHE,
				      0, 0);
	return 0;
}

/* Charge, run in context, inspect, register; unwind on any failure. */
static int kmemlab_alloc_locked(struct kmemlab_dev *kd,
				struct kmemlab_alloc *req,
				const struct kmemlab_api_ops *ops, size_t total)
{
	struct kmemlab_op op = {
		.ops = ops,
		.kd = kd,
		.gfp = kmemlab_gfp(req->gfp) | __GFP_NOWARN,
		.size = total,
		.count = req->count,
		.order = kmemlab_order(total),
	};
	struct kmemlab_refusal *why = &req->refusal;
	s64 dma = kmemlab_dma_bytes(req->gfp, total);
	struct kmemlab_buf *buf;
	int ret;

	if (ops->caps & KMEMLAB_API_CAP_CACHE) {
		ret = kmemlab_alloc_cache_ok(kd, req, why);
		if (ret)
			return ret;
	}
	ret = kmemlab_charge(kd, ops->api, total, dma, 1, why);
	if (ret)
		return ret;
	buf = kmemlab_own(kzalloc(sizeof(*buf), GFP_KERNEL));
	if (!buf) {
		ret = -ENOMEM;
		goto err_charge;
	}
	buf->ops = ops;
	buf->kd = kd;
	buf->order = op.order;
	if (ops->caps & KMEMLAB_API_CAP_CACHE) {
		ret = kmemlab_cache_get(kd, req, &buf->cache);
		if (ret)
			goto err_buf;
		op.cache = buf->cache->cache;
	}
	ret = kmemlab_run(&op, req->context);
	if (ret)
		goto err_cache;
	if (!op.ptr) {
		ret = kmemlab_refuse(why, -ENOMEM, KMEMLAB_REASON_ALLOCATOR,
				     0, 0);
		goto err_cache;
	}
	buf->ptr = op.ptr;
	buf->dma = op.dma;
	kmemlab_inspect(buf, &op, req->gfp, req->context,
			req->flags & KMEMLAB_ALLOC_LEAN);
	ret = kmemlab_buf_add(kd, buf);
	if (ret) {
		/* Frees the memory and the buf, and uncharges what inspect set. */
		kmemlab_buf_discard(buf);
		return kmemlab_refuse(why, ret, ret == -EBUSY ?
				      KMEMLAB_REASON_HANDLES :
				      KMEMLAB_REASON_DRIVER_NOMEM, 0, 0);
	}
	kmemlab_report_out(buf, &req->report);
	return 0;

err_cache:
	if (buf->cache)
		kmemlab_cache_put(kd, buf->cache);
err_buf:
	kfree(buf);
err_charge:
	kmemlab_uncharge(kd, ops->api, total, dma, 1);
	if (ret == -ENOMEM && !why->reason)
		kmemlab_refuse(why, ret, KMEMLAB_REASON_DRIVER_NOMEM, 0, 0);
	return ret;
}

/*
 * Every check of an ALLOC request, in the order the UAPI header documents,
 * before anything is allocated.
 */
static int kmemlab_alloc_check(struct kmemlab_alloc *req,
			       const struct kmemlab_api_ops **out, u64 *total)
{
	struct kmemlab_refusal *why = &req->refusal;
	int ret;

	ret = kmemlab_check_call(req->api, req->context, req->size, why, out);
	if (!ret)
		ret = kmemlab_alloc_args(*out, req, total, why);
	if (!ret)
		ret = kmemlab_check_alloc(*out, req->gfp, *total, req->context,
					  why);
	return ret;
}

static int kmemlab_ioc_alloc(struct kmemlab_dev *kd, void __user *arg)
{
	const struct kmemlab_api_ops *ops;
	struct kmemlab_alloc req;
	struct kmemlab_buf *buf;
	u64 total, serial = 0;
	int ret;

	ret = kmemlab_copy_from_user(kd, &req, arg, sizeof(req));
	if (ret)
		return ret;
	memset(&req.refusal, 0, sizeof(req.refusal));
	ret = kmemlab_alloc_check(&req, &ops, &total);
	if (ret)
		goto refused;

	if (mutex_lock_interruptible(&kd->lock))
		return -EINTR;
	ret = kmemlab_alloc_locked(kd, &req, ops, total);
	if (!ret)
		serial = kmemlab_buf_get(kd, req.report.handle)->serial;
	mutex_unlock(&kd->lock);
	if (ret)
		goto refused;
	/*
	 * Copied out with the device left: a slow fault on @arg holds up no
	 * other caller, nor unbind (which then frees the allocation).
	 */
	ret = kmemlab_copy_to_user(kd, arg, &req, sizeof(req));
	if (ret != -EFAULT)
		return ret;
	/*
	 * Nobody learnt the handle: take the allocation back, unless someone
	 * freed it meanwhile (a handle can be guessed) and maybe got the
	 * handle again for an allocation of their own.
	 */
	mutex_lock(&kd->lock);
	buf = kmemlab_buf_get(kd, req.report.handle);
	if (buf && buf->serial == serial) {
		xa_erase(&kd->bufs, req.report.handle);
		kmemlab_buf_free(buf);
	}
	mutex_unlock(&kd->lock);
	return -EFAULT;

refused:
	kmemlab_refusal_out(kd, arg, offsetof(struct kmemlab_alloc, refusal),
			    &req.refusal);
	return ret;
}

/*
 * Resize with the row's own resize operation, checked against the row's
 * limits: the handle's API decides, so it is looked up first.
 */
static int kmemlab_realloc_locked(struct kmemlab_dev *kd,
				  struct kmemlab_realloc *req)
{
	struct kmemlab_refusal *why = &req->refusal;
	struct kmemlab_buf *buf = kmemlab_buf_get(kd, req->handle);
	const struct kmemlab_api_ops *ops;
	struct kmemlab_op op = {
		.kd = kd,
		.gfp = kmemlab_gfp(req->gfp) | __GFP_NOWARN,
		.size = req->size,
	};
	s64 delta, dma;
	int ret;

	if (!buf)
		return kmemlab_refuse(why, -ENOENT, KMEMLAB_REASON_NO_HANDLE,
				      0, 0);
	ops = buf->ops;
	if (!ops->resize)
		return kmemlab_refuse(why, -EINVAL,
				      KMEMLAB_REASON_NOT_RESIZABLE, ops->api,
				      ops->resize_unavailable);
	/* A resize that moves the memory frees the old: as BENCH, no free
	 * that may sleep outside a context that may.
	 */
	if ((ops->caps & KMEMLAB_API_CAP_FREE_SLEEPS) &&
	    !kmemlab_context_sleeps(req->context))
		return kmemlab_refuse(why, -EINVAL, KMEMLAB_REASON_API_SLEEPS,
				      req->context, 0);
	ret = kmemlab_check_alloc(ops, req->gfp, req->size, req->context,
				  why);
	if (ret)
		return ret;
	delta = (s64)req->size - (s64)buf->report.size;
	dma = kmemlab_dma_bytes(req->gfp, req->size) -
	      kmemlab_dma_bytes(buf->report.gfp, buf->report.size);
	ret = kmemlab_charge(kd, ops->api, delta, dma, 0, why);
	if (ret)
		return ret;
	op.ops = ops;
	op.old = buf->ptr;
	op.old_size = buf->report.size;
	op.order = kmemlab_order(req->size);
	ret = kmemlab_run(&op, req->context);
	if (!ret && !op.ptr)
		ret = kmemlab_refuse(why, -ENOMEM, KMEMLAB_REASON_ALLOCATOR,
				     0, 0);
	if (ret) {
		kmemlab_uncharge(kd, ops->api, delta, dma, 0);
		return ret;
	}
	buf->ptr = op.ptr;
	kmemlab_inspect(buf, &op, req->gfp, req->context, false);
	kmemlab_report_out(buf, &req->report);
	return 0;
}

/* What REALLOC can check before it knows the handle's API. */
static int kmemlab_realloc_check(struct kmemlab_realloc *req)
{
	struct kmemlab_refusal *why = &req->refusal;

	if (!kmemlab_context_ok(req->context))
		return kmemlab_refuse(why, -EINVAL, KMEMLAB_REASON_CONTEXT,
				      req->context, 0);
	if (!req->size)
		return kmemlab_refuse(why, -EINVAL, KMEMLAB_REASON_SIZE_ZERO,
				      0, 0);
	if (memchr_inv(req->reserved, 0, sizeof(req->reserved)))
		return kmemlab_refuse(why, -EINVAL, KMEMLAB_REASON_FIELD,
				      KMEMLAB_FIELD_RESERVED, 0);
	return 0;
}

static int kmemlab_ioc_realloc(struct kmemlab_dev *kd, void __user *arg)
{
	struct kmemlab_realloc req;
	int ret;

	ret = kmemlab_copy_from_user(kd, &req, arg, sizeof(req));
	if (ret)
		return ret;
	memset(&req.refusal, 0, sizeof(req.refusal));
	ret = kmemlab_realloc_check(&req);
	if (!ret) {
		if (mutex_lock_interruptible(&kd->lock))
			return -EINTR;
		ret = kmemlab_realloc_locked(kd, &req);
		mutex_unlock(&kd->lock);
	}
	if (ret) {
		kmemlab_refusal_out(kd, arg,
				    offsetof(struct kmemlab_realloc, refusal),
				    &req.refusal);
		return ret;
	}
	return kmemlab_copy_to_user(kd, arg, &req, sizeof(req));
}

static int kmemlab_ioc_free(struct kmemlab_dev *kd, void __user *arg)
{
	struct kmemlab_free req;
	struct kmemlab_buf *buf;
	bool all;
	int ret;

	ret = kmemlab_copy_from_user(kd, &req, arg, sizeof(req));
	if (ret)
		return ret;
	all = req.flags & KMEMLAB_FREE_ALL;
	if (req.pad || (req.flags & ~KMEMLAB_FREE_ALL) || !req.handle != all)
		return -EINVAL;

	if (mutex_lock_interruptible(&kd->lock))
		return -EINTR;
	if (all) {
		req.freed = kmemlab_buf_free_all(kd, false);
	} else {
		buf = xa_erase(&kd->bufs, req.handle);
		if (buf)
			kmemlab_buf_free(buf);
		req.freed = !!buf;
	}
	mutex_unlock(&kd->lock);
	if (!all && !req.freed)
		return -ENOENT;
	return kmemlab_copy_to_user(kd, arg, &req, sizeof(req));
}

static int kmemlab_ioc_query(struct kmemlab_dev *kd, void __user *arg)
{
	struct kmemlab_query req;
	struct kmemlab_buf *buf;
	int ret;

	ret = kmemlab_copy_from_user(kd, &req, arg, sizeof(req));
	if (ret)
		return ret;
	if (req.pad)
		return -EINVAL;

	if (mutex_lock_interruptible(&kd->lock))
		return -EINTR;
	buf = kmemlab_buf_get(kd, req.handle);
	if (buf)
		kmemlab_report_out(buf, &req.report);
	mutex_unlock(&kd->lock);
	if (!buf)
		return -ENOENT;
	return kmemlab_copy_to_user(kd, arg, &req, sizeof(req));
}

static u64 kmemlab_buf_count(struct kmemlab_dev *kd)
{
	struct kmemlab_buf *buf;
	unsigned long id;
	u64 n = 0;

	xa_for_each(&kd->bufs, id, buf)
		n++;
	return n;
}

/*
 * The records, into @recs (room for @room of them): a snapshot, copied out
 * once the lock is dropped.
 */
static void kmemlab_list_locked(struct kmemlab_dev *kd, struct kmemlab_list *req,
				struct kmemlab_report *recs, u64 room)
{
	struct kmemlab_buf *buf;
	unsigned long id;

	req->needed = 0;
	req->returned = 0;
	xa_for_each(&kd->bufs, id, buf) {
		req->needed++;
		if (req->returned < room)
			kmemlab_report_out(buf, &recs[req->returned++]);
	}
}

static int kmemlab_ioc_list(struct kmemlab_dev *kd, void __user *arg)
{
	struct kmemlab_report *recs = NULL;
	struct kmemlab_list req;
	u64 room;
	int ret = 0;

	ret = kmemlab_copy_from_user(kd, &req, arg, sizeof(req));
	if (ret)
		return ret;
	if (req.flags || (req.capacity && !req.records))
		return -EINVAL;

	if (mutex_lock_interruptible(&kd->lock))
		return -EINTR;
	/* Never more than there are: a huge capacity costs nothing. */
	room = min_t(u64, req.capacity, kmemlab_buf_count(kd));
	if (room) {
		recs = kmemlab_own(kvmalloc_array(room, sizeof(*recs), GFP_KERNEL));
		if (!recs)
			ret = -ENOMEM;
	}
	if (!ret)
		kmemlab_list_locked(kd, &req, recs, room);
	mutex_unlock(&kd->lock);
	if (!ret && req.returned)
		ret = kmemlab_copy_to_user(kd, u64_to_user_ptr(req.records), recs,
					   array_size(req.returned, sizeof(*recs)));
	kvfree(recs);
	if (!ret)
		ret = kmemlab_copy_to_user(kd, arg, &req, sizeof(req));
	return ret;
}

static int kmemlab_ioc_runs(struct kmemlab_dev *kd, void __user *arg)
{
	struct kmemlab_run *recs = NULL;
	struct kmemlab_runs req;
	struct kmemlab_buf *buf;
	u64 room;
	int ret;

	ret = kmemlab_copy_from_user(kd, &req, arg, sizeof(req));
	if (ret)
		return ret;
	if (req.flags || req.pad || req.reserved || (req.capacity && !req.runs))
		return -EINVAL;

	if (mutex_lock_interruptible(&kd->lock))
		return -EINTR;
	buf = kmemlab_buf_get(kd, req.handle);
	if (!buf) {
		ret = -ENOENT;
		goto out_unlock;
	}
	/* Never more than its pages: a huge capacity costs nothing. */
	room = min_t(u64, req.capacity, buf->report.nr_pages);
	if (room) {
		recs = kmemlab_own(kvcalloc(room, sizeof(*recs), GFP_KERNEL));
		if (!recs) {
			ret = -ENOMEM;
			goto out_unlock;
		}
	}
	req.granule = kmemlab_capable() ? PAGE_SIZE :
		      max_t(u64, KMEMLAB_RUNS_GRANULE, PAGE_SIZE);
	req.needed = kmemlab_runs(buf, recs, room, req.granule >> PAGE_SHIFT,
				  &req.pages);
	req.returned = min_t(u64, room, req.needed);
out_unlock:
	mutex_unlock(&kd->lock);
	if (!ret && req.returned)
		ret = kmemlab_copy_to_user(kd, u64_to_user_ptr(req.runs), recs,
					   array_size(req.returned, sizeof(*recs)));
	kvfree(recs);
	if (!ret)
		ret = kmemlab_copy_to_user(kd, arg, &req, sizeof(req));
	return ret;
}

/* The live allocation @handle and the range [offset, offset + length). */
static struct kmemlab_buf *kmemlab_range(struct kmemlab_dev *kd, u32 handle,
					 u64 offset, u64 *length)
{
	struct kmemlab_buf *buf = kmemlab_buf_get(kd, handle);
	u64 size;

	if (!buf)
		return ERR_PTR(-ENOENT);
	size = buf->report.size;
	if (offset >= size)
		return ERR_PTR(-EINVAL);
	if (!*length)
		*length = size - offset;
	if (*length > size - offset)
		return ERR_PTR(-EINVAL);
	return buf;
}

/*
 * Fill or check [offset, offset + length) a megabyte at a time, yielding in
 * between: with the quota raised, an allocation can be gigabytes, and one
 * pass over it must not hold the CPU long enough for a soft lockup, nor
 * keep a signal or an unbind waiting (-EINTR, -ENODEV; what was done stays
 * done).
 */
#define KMEMLAB_FILL_CHUNK	SZ_1M

/* Fill or check [offset, offset + len) of @buf, a page at a time, mapped. */
static void kmemlab_fill_chunk(struct kmemlab_buf *buf, struct kmemlab_fill *req,
			       u64 offset, u64 len, bool verify)
{
	size_t n, i;
	u64 done;
	u8 *p;

	for (done = 0; done < len; done += n) {
		n = len - done;
		p = kmemlab_map(buf->ops, buf->ptr, offset + done, &n);
		if (!verify) {
			memset(p, req->pattern, n);
		} else {
			for (i = 0; i < n; i++) {
				if (p[i] == req->pattern)
					continue;
				if (!req->mismatches++)
					req->first_mismatch = offset + done + i;
			}
		}
		kmemlab_unmap(buf->ops, p);
	}
}

static int kmemlab_fill_locked(struct kmemlab_dev *kd, struct kmemlab_fill *req,
			       bool verify)
{
	struct kmemlab_buf *buf;
	u64 done, n;
	int ret;

	buf = kmemlab_range(kd, req->handle, req->offset, &req->length);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	req->mismatches = 0;
	req->first_mismatch = buf->report.size;
	for (done = 0; done < req->length; done += n) {
		n = min_t(u64, KMEMLAB_FILL_CHUNK, req->length - done);
		if (done) {
			ret = kmemlab_interrupted(kd);
			if (ret)
				return ret;
			cond_resched();
		}
		kmemlab_fill_chunk(buf, req, req->offset + done, n, verify);
	}
	return 0;
}

static int kmemlab_fill_verify(struct kmemlab_dev *kd, void __user *arg,
			       bool verify)
{
	struct kmemlab_fill req;
	int ret;

	ret = kmemlab_copy_from_user(kd, &req, arg, sizeof(req));
	if (ret)
		return ret;
	if (req.pattern > U8_MAX ||
	    memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;

	if (mutex_lock_interruptible(&kd->lock))
		return -EINTR;
	ret = kmemlab_fill_locked(kd, &req, verify);
	mutex_unlock(&kd->lock);
	if (!ret && verify)
		ret = kmemlab_copy_to_user(kd, arg, &req, sizeof(req));
	return ret;
}

static int kmemlab_ioc_fill(struct kmemlab_dev *kd, void __user *arg)
{
	return kmemlab_fill_verify(kd, arg, false);
}

static int kmemlab_ioc_verify(struct kmemlab_dev *kd, void __user *arg)
{
	return kmemlab_fill_verify(kd, arg, true);
}

/* Copy [offset, offset + len) of @buf into @dst, mapped page by page. */
static void kmemlab_copy_out(struct kmemlab_buf *buf, u64 offset, size_t len,
			     u8 *dst)
{
	size_t done, n;
	void *p;

	for (done = 0; done < len; done += n) {
		n = len - done;
		p = kmemlab_map(buf->ops, buf->ptr, offset + done, &n);
		memcpy(dst + done, p, n);
		kmemlab_unmap(buf->ops, p);
	}
}

/*
 * Copy out a page at a time through a bounce page: the memory may be a slab
 * object of a cache with no usercopy region, which hardened usercopy would
 * refuse, and the copy to the caller runs with the lock dropped. Each page
 * looks the allocation up again and checks the rest of the range: a range
 * past the end is refused before anything is copied, and an allocation
 * freed or shrunk meanwhile stops the read there (ENOENT, EINVAL).
 */
static int kmemlab_read_pages(struct kmemlab_dev *kd, struct kmemlab_read *req,
			      void *bounce)
{
	u8 __user *dst = u64_to_user_ptr(req->buf);
	struct kmemlab_buf *buf;
	u64 done, rest, n;
	int ret;

	for (done = 0; done < req->length; done += n) {
		rest = req->length - done;
		n = min_t(u64, PAGE_SIZE, rest);
		if (mutex_lock_interruptible(&kd->lock))
			return -EINTR;
		buf = kmemlab_range(kd, req->handle, req->offset + done, &rest);
		if (!IS_ERR(buf))
			kmemlab_copy_out(buf, req->offset + done, n, bounce);
		mutex_unlock(&kd->lock);
		if (IS_ERR(buf))
			return PTR_ERR(buf);
		ret = kmemlab_copy_to_user(kd, dst + done, bounce, n);
		if (ret)
			return ret;
	}
	return 0;
}

static int kmemlab_ioc_read(struct kmemlab_dev *kd, void __user *arg)
{
	struct kmemlab_read req;
	void *bounce;
	int ret;

	ret = kmemlab_copy_from_user(kd, &req, arg, sizeof(req));
	if (ret)
		return ret;
	if (req.pad || !req.length || req.length > KMEMLAB_READ_MAX)
		return -EINVAL;
	bounce = kmemlab_own(kmalloc(PAGE_SIZE, GFP_KERNEL));
	if (!bounce)
		return -ENOMEM;

	ret = kmemlab_read_pages(kd, &req, bounce);
	kfree(bounce);
	return ret;
}

/*
 * The APIs, the contexts and the gfp bits as the tables that every check
 * reads describe them.
 */
static int kmemlab_ioc_describe(struct kmemlab_dev *kd, void __user *arg)
{
	struct kmemlab_describe req;
	struct kmemlab_desc *recs;
	unsigned int n;
	int ret = 0;

	ret = kmemlab_copy_from_user(kd, &req, arg, sizeof(req));
	if (ret)
		return ret;
	if (req.flags || (req.capacity && !req.records))
		return -EINVAL;
	n = kmemlab_describe_apis(NULL) + kmemlab_describe_contexts(NULL) +
	    kmemlab_describe_gfp(NULL);
	if (!req.capacity) {
		req.needed = n;
		req.returned = 0;
		return kmemlab_copy_to_user(kd, arg, &req, sizeof(req));
	}
	recs = kmemlab_own(kcalloc(n, sizeof(*recs), GFP_KERNEL));
	if (!recs)
		return -ENOMEM;
	req.needed = kmemlab_describe_apis(recs);
	req.needed += kmemlab_describe_contexts(recs + req.needed);
	req.needed += kmemlab_describe_gfp(recs + req.needed);
	req.returned = min(req.capacity, req.needed);
	ret = kmemlab_copy_to_user(kd, u64_to_user_ptr(req.records), recs,
				   array_size(req.returned, sizeof(*recs)));
	kfree(recs);
	if (!ret)
		ret = kmemlab_copy_to_user(kd, arg, &req, sizeof(req));
	return ret;
}

/* Nothing beyond the checks every command makes: times the ioctl path. */
static int kmemlab_ioc_nop(struct kmemlab_dev *kd, void __user *arg)
{
	return 0;
}

static const struct {
	unsigned int cmd;
	int (*fn)(struct kmemlab_dev *kd, void __user *arg);
} kmemlab_ioctls[] = {
	{ KMEMLAB_IOC_INFO,	kmemlab_ioc_info },
	{ KMEMLAB_IOC_ALLOC,	kmemlab_ioc_alloc },
	{ KMEMLAB_IOC_FREE,	kmemlab_ioc_free },
	{ KMEMLAB_IOC_QUERY,	kmemlab_ioc_query },
	{ KMEMLAB_IOC_LIST,	kmemlab_ioc_list },
	{ KMEMLAB_IOC_REALLOC,	kmemlab_ioc_realloc },
	{ KMEMLAB_IOC_FILL,	kmemlab_ioc_fill },
	{ KMEMLAB_IOC_VERIFY,	kmemlab_ioc_verify },
	{ KMEMLAB_IOC_READ,	kmemlab_ioc_read },
	{ KMEMLAB_IOC_DMA_MAP,	kmemlab_ioc_dma_map },
	{ KMEMLAB_IOC_BENCH,	kmemlab_ioc_bench },
	{ KMEMLAB_IOC_NOP,	kmemlab_ioc_nop },
	{ KMEMLAB_IOC_DESCRIBE,	kmemlab_ioc_describe },
	{ KMEMLAB_IOC_RUNS,	kmemlab_ioc_runs },
};

/**
 * kmemlab_ioctl_locked() - run one ioctl on a bound device
 * @kd: the device.
 * @cmd: the command number.
 * @arg: its user argument.
 *
 * Return: the handler's result, or -ENOTTY for an unknown command.
 */
long kmemlab_ioctl_locked(struct kmemlab_dev *kd, unsigned int cmd,
			  void __user *arg)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kmemlab_ioctls); i++)
		if (kmemlab_ioctls[i].cmd == cmd)
			return kmemlab_ioctls[i].fn(kd, arg);
	return -ENOTTY;
}
