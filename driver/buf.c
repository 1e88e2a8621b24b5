// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab: the handle registry.
 *
 * Every allocation is a struct kmemlab_buf owned by its device and reached
 * through a small integer handle. Bytes are charged against the module-wide
 * quota before the allocator runs and counted per device and per API until
 * the memory is really gone: for device-managed memory that is when devres
 * releases it, which a devres action beside the memory reports.
 */
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/ctype.h>
#include <linux/string.h>

#include "internal.h"

/* Module-wide, including device-managed memory devres has yet to release. */
struct kmemlab_counters kmemlab_live;
/* Bytes charged against max_bytes: the sum of kmemlab_live.bytes. */
static atomic64_t kmemlab_charged = ATOMIC64_INIT(0);

void kmemlab_counters_sum(struct kmemlab_counters *c, struct kmemlab_count *sum)
{
	u32 api;

	sum->allocs = 0;
	sum->bytes = 0;
	for (api = 0; api < KMEMLAB_API_COUNT; api++) {
		sum->allocs += atomic64_read(&c->allocs[api]);
		sum->bytes += atomic64_read(&c->bytes[api]);
	}
}

static void kmemlab_counters_add(struct kmemlab_counters *c, u32 api,
				 s64 bytes, int n)
{
	atomic64_add(bytes, &c->bytes[api]);
	atomic64_add(n, &c->allocs[api]);
}

/**
 * kmemlab_charge() - account for @n allocations of @bytes more, within quota
 * @kd: the device.
 * @api: enum kmemlab_api.
 * @bytes: bytes to add; negative for a shrinking krealloc().
 * @n: allocations to add.
 *
 * Return: 0, or -ENOSPC if the module would go past max_bytes.
 */
int kmemlab_charge(struct kmemlab_dev *kd, u32 api, s64 bytes, int n)
{
	s64 total = atomic64_add_return(bytes, &kmemlab_charged);

	if (bytes > 0 && total > (s64)READ_ONCE(kmemlab_max_bytes)) {
		atomic64_sub(bytes, &kmemlab_charged);
		return -ENOSPC;
	}
	kmemlab_counters_add(&kmemlab_live, api, bytes, n);
	kmemlab_counters_add(&kd->live, api, bytes, n);
	return 0;
}

void kmemlab_uncharge(struct kmemlab_dev *kd, u32 api, s64 bytes, int n)
{
	atomic64_sub(bytes, &kmemlab_charged);
	kmemlab_counters_add(&kmemlab_live, api, -bytes, -n);
	kmemlab_counters_add(&kd->live, api, -bytes, -n);
}

/* The memory is gone: drop the accounting and the bookkeeping. */
static void kmemlab_buf_release(struct kmemlab_buf *buf)
{
	kmemlab_uncharge(buf->kd, buf->report.api, buf->report.size, 1);
	kfree(buf);
}

/*
 * Registered right after a devm allocation, so devres runs it just before it
 * frees the memory: when the driver is unbound, or by devm_release_action().
 */
static void kmemlab_devm_release(void *data)
{
	kmemlab_buf_release(data);
}

/**
 * kmemlab_buf_add() - give a new, charged allocation its handle
 * @kd: the device; its lock is held.
 * @buf: the allocation; on failure the caller discards it.
 *
 * Return: 0, -ENOMEM, or -EBUSY when the handle space is full.
 */
int kmemlab_buf_add(struct kmemlab_dev *kd, struct kmemlab_buf *buf)
{
	u32 id;
	int ret;

	ret = xa_alloc(&kd->bufs, &id, buf, xa_limit_31b, GFP_KERNEL);
	if (ret)
		return ret;
	buf->report.handle = id;
	if (!(buf->ops->caps & KMEMLAB_CAP_DEVM))
		return 0;
	ret = devm_add_action(&kd->pdev->dev, kmemlab_devm_release, buf);
	if (ret)
		xa_erase(&kd->bufs, id);
	return ret;
}

struct kmemlab_buf *kmemlab_buf_get(struct kmemlab_dev *kd, u32 handle)
{
	return xa_load(&kd->bufs, handle);
}

static void kmemlab_buf_free_memory(struct kmemlab_buf *buf)
{
	buf->ops->free(buf);
	if (buf->cache)
		kmemlab_cache_put(buf->kd, buf->cache);
}

/**
 * kmemlab_buf_discard() - free a charged allocation that never got a handle
 * @buf: the allocation; freed.
 */
void kmemlab_buf_discard(struct kmemlab_buf *buf)
{
	kmemlab_buf_free_memory(buf);
	kmemlab_buf_release(buf);
}

/**
 * kmemlab_buf_free() - free an allocation that has left the registry
 * @buf: the allocation; freed.
 *
 * Device-managed memory is freed with devm_kfree(), and its devres action is
 * run and removed with it.
 */
void kmemlab_buf_free(struct kmemlab_buf *buf)
{
	kmemlab_buf_free_memory(buf);
	if (buf->ops->caps & KMEMLAB_CAP_DEVM)
		devm_release_action(&buf->kd->pdev->dev, kmemlab_devm_release,
				    buf);
	else
		kmemlab_buf_release(buf);
}

/**
 * kmemlab_buf_free_all() - empty the registry
 * @kd: the device; its lock is held, or it is being unbound.
 * @unbinding: leave device-managed memory for devres to release.
 *
 * Return: the number of allocations freed (or left to devres).
 */
unsigned int kmemlab_buf_free_all(struct kmemlab_dev *kd, bool unbinding)
{
	struct kmemlab_buf *buf;
	unsigned long id;
	unsigned int n = 0;

	xa_for_each(&kd->bufs, id, buf) {
		xa_erase(&kd->bufs, id);
		if (!unbinding || !(buf->ops->caps & KMEMLAB_CAP_DEVM))
			kmemlab_buf_free(buf);
		n++;
	}
	return n;
}

static bool kmemlab_cache_name_ok(const char *name)
{
	size_t len = strnlen(name, KMEMLAB_NAME_LEN);
	size_t i;

	if (!len || len > KMEMLAB_CACHE_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (!isdigit(name[i]) && !islower(name[i]) &&
		    name[i] != '_' && name[i] != '-')
			return false;
	return !memchr_inv(name + len, 0, KMEMLAB_NAME_LEN - len);
}

static int kmemlab_cache_create(struct kmemlab_dev *kd, const char *name,
				u32 size, u32 align, u32 flags,
				struct kmemlab_cache **out)
{
	slab_flags_t sflags = 0;
	struct kmemlab_cache *c;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	if (flags & KMEMLAB_ALLOC_HWCACHE_ALIGN)
		sflags |= SLAB_HWCACHE_ALIGN;
	snprintf(c->kname, sizeof(c->kname), "kmemlab%d_%s", kd->node->id,
		 name);
	/*
	 * A usercopy region keeps SLUB from merging the cache into an existing
	 * one of the same geometry, so it shows in /proc/slabinfo by its name.
	 */
	c->cache = kmem_cache_create_usercopy(c->kname, size, align, sflags,
					      0, size, NULL);
	if (!c->cache) {
		kfree(c);
		return -ENOMEM;
	}
	strscpy(c->name, name, sizeof(c->name));
	c->size = size;
	c->align = align;
	c->flags = flags;
	list_add(&c->node, &kd->caches);
	*out = c;
	return 0;
}

/**
 * kmemlab_cache_get() - find or create the cache @name, for one more object
 * @kd: the device; its lock is held.
 * @name: the caller's name for the cache.
 * @size: object size.
 * @align: alignment, 0 or a power of two up to PAGE_SIZE.
 * @flags: KMEMLAB_ALLOC_* bits.
 * @out: the cache, holding a reference for the object to come.
 *
 * Return: 0, -EINVAL for a malformed name or alignment, -EEXIST if a cache
 * of that name has another geometry, -ENOMEM.
 */
int kmemlab_cache_get(struct kmemlab_dev *kd, const char *name, u32 size,
		      u32 align, u32 flags, struct kmemlab_cache **out)
{
	struct kmemlab_cache *c;
	int ret;

	if (!kmemlab_cache_name_ok(name))
		return -EINVAL;
	if (align && (!is_power_of_2(align) || align > PAGE_SIZE))
		return -EINVAL;
	list_for_each_entry(c, &kd->caches, node) {
		if (strcmp(c->name, name))
			continue;
		if (c->size != size || c->align != align || c->flags != flags)
			return -EEXIST;
		c->objects++;
		*out = c;
		return 0;
	}
	ret = kmemlab_cache_create(kd, name, size, align, flags, &c);
	if (ret)
		return ret;
	c->objects = 1;
	*out = c;
	return 0;
}

/* One object fewer: the cache goes with its last object. */
void kmemlab_cache_put(struct kmemlab_dev *kd, struct kmemlab_cache *c)
{
	if (--c->objects)
		return;
	list_del(&c->node);
	kmem_cache_destroy(c->cache);
	kfree(c);
}
