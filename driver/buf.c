// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab: the handle registry.
 *
 * Every allocation is a struct kmemlab_buf owned by its device and reached
 * through a small integer handle. It is charged against the module-wide
 * quotas (policy.c) before the allocator runs and counted per device and per
 * API until the memory is really gone: for device-managed memory that is
 * when devres releases it, which a devres action beside the memory reports.
 */
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/ctype.h>
#include <linux/string.h>

#include "internal.h"

/* The memory is gone: drop the accounting and the bookkeeping. */
static void kmemlab_buf_release(struct kmemlab_buf *buf)
{
	kmemlab_uncharge(buf->kd, buf->report.api, buf->report.size,
			 kmemlab_dma_bytes(buf->report.gfp, buf->report.size), 1);
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

	if (kmemlab_fault())
		return -ENOMEM;
	ret = xa_alloc(&kd->bufs, &id, buf, xa_limit_31b, GFP_KERNEL);
	if (ret)
		return ret;
	buf->report.handle = id;
	buf->serial = ++kd->serial;
	if (!(buf->ops->caps & KMEMLAB_API_CAP_DEVM))
		return 0;
	ret = kmemlab_own_err(devm_add_action(&kd->pdev->dev, kmemlab_devm_release, buf));
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
	if (buf->ops->caps & KMEMLAB_API_CAP_DEVM)
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
		if (!unbinding || !(buf->ops->caps & KMEMLAB_API_CAP_DEVM))
			kmemlab_buf_free(buf);
		n++;
	}
	return n;
}

/**
 * kmemlab_cache_name_ok() - is @name a cache name a caller may give?
 * @name: %KMEMLAB_NAME_LEN bytes: 1 to %KMEMLAB_CACHE_NAME_MAX characters of
 *	[a-z0-9_-], NUL-padded.
 *
 * Return: true if so.
 */
bool kmemlab_cache_name_ok(const char *name)
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

static int kmemlab_cache_create(struct kmemlab_dev *kd,
				const struct kmemlab_alloc *req,
				struct kmemlab_cache **out)
{
	slab_flags_t sflags = 0;
	struct kmemlab_cache *c;

	c = kmemlab_own(kzalloc(sizeof(*c), GFP_KERNEL));
	if (!c)
		return -ENOMEM;
	if (req->flags & KMEMLAB_ALLOC_HWCACHE_ALIGN)
		sflags |= SLAB_HWCACHE_ALIGN;
	/* At most "kmemlab63_" and KMEMLAB_CACHE_NAME_MAX characters. */
	snprintf(c->kname, sizeof(c->kname), "kmemlab%d_%.*s", kd->node->id,
		 KMEMLAB_CACHE_NAME_MAX, req->name);
	/*
	 * A usercopy region keeps SLUB from merging the cache into an existing
	 * one of the same geometry, so it shows in /proc/slabinfo by its name.
	 */
	c->cache = kmemlab_own(kmemlab_kmem_cache_create(c->kname, req->size,
							 req->align, sflags,
							 req->sheaf_capacity));
	if (!c->cache) {
		kfree(c);
		return -ENOMEM;
	}
	strscpy(c->name, req->name, sizeof(c->name));
	c->size = req->size;
	c->align = req->align;
	c->flags = req->flags & KMEMLAB_ALLOC_HWCACHE_ALIGN;
	c->sheaves = req->sheaf_capacity;
	list_add(&c->node, &kd->caches);
	*out = c;
	return 0;
}

/**
 * kmemlab_cache_find() - the live cache @req->name, if its geometry matches
 * @kd: the device; its lock is held.
 * @req: the ALLOC request, already validated: the cache's name and geometry
 *	(object size, alignment, KMEMLAB_ALLOC_* flags, sheaf capacity).
 * @out: the cache, or NULL when none of that name lives (it would be created).
 *
 * Return: 0, or -EEXIST if a cache of that name has another geometry.
 */
int kmemlab_cache_find(struct kmemlab_dev *kd, const struct kmemlab_alloc *req,
		       struct kmemlab_cache **out)
{
	struct kmemlab_cache *c;

	*out = NULL;
	list_for_each_entry(c, &kd->caches, node) {
		if (strcmp(c->name, req->name))
			continue;
		if (c->size != req->size || c->align != req->align ||
		    c->flags != (req->flags & KMEMLAB_ALLOC_HWCACHE_ALIGN) ||
		    c->sheaves != req->sheaf_capacity)
			return -EEXIST;
		*out = c;
		break;
	}
	return 0;
}

/**
 * kmemlab_cache_get() - find or create the cache @req->name, for one more
 *	object
 * @kd: the device; its lock is held.
 * @req: the ALLOC request, as for kmemlab_cache_find().
 * @out: the cache, holding a reference for the object to come.
 *
 * Return: 0, -EEXIST if a cache of that name has another geometry, -ENOMEM.
 */
int kmemlab_cache_get(struct kmemlab_dev *kd, const struct kmemlab_alloc *req,
		      struct kmemlab_cache **out)
{
	struct kmemlab_cache *c;
	int ret;

	ret = kmemlab_cache_find(kd, req, &c);
	if (ret)
		return ret;
	if (c) {
		c->objects++;
		*out = c;
		return 0;
	}
	ret = kmemlab_cache_create(kd, req, &c);
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
