// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab: what the kernel did with an allocation, and what this kernel is.
 *
 * Everything is read from the memory and the kernel's own structures after
 * the allocator returns and before anything writes the memory: the backing
 * (slab object, whole pages or a vmalloc area), the usable size, every page's
 * frame and zone, and whether the bytes were all zero.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/utsname.h>
#include <linux/vmalloc.h>

#include "internal.h"

/* enum zone_type -> enum kmemlab_zone; the kernel's numbering is config-dependent. */
static const u8 kmemlab_zones[MAX_NR_ZONES] = {
#ifdef CONFIG_ZONE_DMA
	[ZONE_DMA] = KMEMLAB_ZONE_DMA,
#endif
#ifdef CONFIG_ZONE_DMA32
	[ZONE_DMA32] = KMEMLAB_ZONE_DMA32,
#endif
	[ZONE_NORMAL] = KMEMLAB_ZONE_NORMAL,
#ifdef CONFIG_HIGHMEM
	[ZONE_HIGHMEM] = KMEMLAB_ZONE_HIGHMEM,
#endif
	[ZONE_MOVABLE] = KMEMLAB_ZONE_MOVABLE,
#ifdef CONFIG_ZONE_DEVICE
	[ZONE_DEVICE] = KMEMLAB_ZONE_DEVICE,
#endif
};

static struct page *kmemlab_page(const void *addr)
{
	return is_vmalloc_addr(addr) ? vmalloc_to_page(addr) : virt_to_page(addr);
}

/*
 * Walk every page [ptr, ptr + size) touches: count them, count the runs of
 * consecutive frames, note each page's zone and whether all of them lie in
 * zones the gfp flags allow (gfp_zone() is the highest such zone).
 */
static void kmemlab_walk_pages(struct kmemlab_report *r, const void *ptr,
			       size_t size, gfp_t gfp)
{
	unsigned long addr = (unsigned long)ptr & PAGE_MASK;
	unsigned long end = (unsigned long)ptr + size;
	enum zone_type highest = gfp_zone(gfp);
	unsigned long prev = 0;
	bool zone_ok = true;

	for (; addr < end; addr += PAGE_SIZE) {
		struct page *page = kmemlab_page((void *)addr);
		unsigned long pfn = page_to_pfn(page);
		enum zone_type zone = page_zonenum(page);

		if (!r->nr_pages) {
			r->phys = PFN_PHYS(pfn) + offset_in_page(ptr);
			r->zone = kmemlab_zones[zone];
		}
		if (!r->nr_pages || pfn != prev + 1)
			r->phys_runs++;
		r->zones |= BIT(kmemlab_zones[zone]);
		zone_ok &= zone <= highest;
		prev = pfn;
		r->nr_pages++;
		cond_resched();
	}
	if (zone_ok)
		r->flags |= KMEMLAB_REPORT_ZONE_OK;
}

/*
 * The size of the devres header devm_kmalloc() put before @ptr, or 0 when it
 * cannot be told. devres links each resource into the device's list by the
 * first member of its struct devres, which begins the kmalloc object: right
 * after the allocation (under the device's lock, before kmemlab adds its own
 * action) the newest entry on that list is the object @ptr lies in. It is
 * only read, and only believed when it lies just before @ptr in the same
 * folio.
 */
static size_t kmemlab_devres_header(struct device *dev, const void *ptr)
{
	const void *node;
	unsigned long flags;

	spin_lock_irqsave(&dev->devres_lock, flags);
	node = dev->devres_head.prev;
	spin_unlock_irqrestore(&dev->devres_lock, flags);
	if (node == &dev->devres_head || node >= ptr ||
	    ptr - node > KMEMLAB_DEVRES_MAX ||
	    virt_to_folio(node) != virt_to_folio(ptr))
		return 0;
	return ptr - node;
}

/*
 * Slab object, whole pages or vmalloc area, and the usable size of each.
 * A kmalloc object's cache is the kmalloc cache of its ksize(), which names
 * the cache the object sits in even after a krealloc() kept it in place.
 *
 * Device-managed memory sits behind a devres header inside its kmalloc
 * object: its usable size is what was asked, and ksize() must never see it.
 * ksize() takes the pointer kmalloc() returned, and with slub_debug's user
 * tracking (6.2 and later: skip_orig_size_check()) it stores the cache's
 * object size into the object's debug metadata, which it finds at a fixed
 * offset from the pointer: from the devm pointer that store lands a devres
 * header past the metadata, in the object's padding, and slub_debug reports
 * the object corrupt when it is freed. The object is the kmalloc bucket of
 * the request plus the header, as devres asks for it.
 */
static void kmemlab_backing(struct kmemlab_report *r, const struct kmemlab_buf *buf,
			    const struct kmemlab_op *op)
{
	bool devm = buf->ops->caps & KMEMLAB_API_CAP_DEVM;
	const void *ptr = op->ptr;
	struct folio *folio;
	size_t object, hdr;

	if (is_vmalloc_addr(ptr)) {
		r->backing = KMEMLAB_BACKING_VMALLOC;
		r->usable = PAGE_ALIGN(op->size);
		r->flags |= KMEMLAB_REPORT_VMALLOC_RANGE;
		return;
	}
	if (virt_addr_valid(ptr))
		r->flags |= KMEMLAB_REPORT_DIRECT_MAP;
	folio = virt_to_folio(ptr);
	if (folio_test_slab(folio)) {
		r->backing = KMEMLAB_BACKING_SLAB;
		if (devm) {
			hdr = kmemlab_devres_header(&buf->kd->pdev->dev, ptr);
			object = hdr ? kmalloc_size_roundup(op->size + hdr) : 0;
			r->usable = op->size;
		} else {
			object = ksize(ptr);
			r->usable = object;
		}
		if (buf->cache)
			strscpy(r->cache, buf->cache->kname, sizeof(r->cache));
		else if (object)
			kmemlab_kmalloc_cache_name(r->cache, sizeof(r->cache),
						   object, op->gfp);
		return;
	}
	/* kmalloc_large() hands out compound pages; the page APIs give @order. */
	r->backing = KMEMLAB_BACKING_PAGES;
	r->order = buf->ops->caps & KMEMLAB_API_CAP_ORDER ? op->order :
		   folio_order(folio);
	r->usable = devm ? op->size : PAGE_SIZE << r->order;
}

/**
 * kmemlab_inspect() - fill @buf's report from the call @op that made it
 * @buf: the allocation: @ops, @cache set; @report.api.. filled here.
 * @op: the finished call, @op->ptr != NULL.
 * @abi_gfp: the flags as the caller gave them.
 * @context: enum kmemlab_context the call ran in.
 */
void kmemlab_inspect(struct kmemlab_buf *buf, const struct kmemlab_op *op,
		     u64 abi_gfp, u32 context)
{
	struct kmemlab_report *r = &buf->report;
	u32 handle = r->handle;

	memset(r, 0, sizeof(*r));
	r->handle = handle;
	r->api = buf->ops->api;
	r->size = op->size;
	r->gfp = abi_gfp;
	r->time_ns = op->time_ns;
	r->context = context;
	r->seen = op->seen;
	r->virt = (unsigned long)op->ptr;
	/* First, before anything writes it. */
	if (!memchr_inv(op->ptr, 0, op->size))
		r->flags |= KMEMLAB_REPORT_ZEROED;
	if (buf->ops->caps & KMEMLAB_API_CAP_DEVM)
		r->flags |= KMEMLAB_REPORT_DEVM;
	kmemlab_backing(r, buf, op);
	kmemlab_walk_pages(r, op->ptr, op->size, op->gfp);
}

/* The span of each populated zone, over all online nodes. */
static void kmemlab_zone_ranges(struct kmemlab_info *info)
{
	int nid, i;

	for_each_online_node(nid) {
		pg_data_t *pgdat = NODE_DATA(nid);

		for (i = 0; i < MAX_NR_ZONES; i++) {
			struct zone *zone = &pgdat->node_zones[i];
			struct kmemlab_range *r = &info->zone_range[kmemlab_zones[i]];
			u64 start = PFN_PHYS(zone->zone_start_pfn);
			u64 end = PFN_PHYS(zone_end_pfn(zone));

			if (!kmemlab_zones[i] || !populated_zone(zone))
				continue;
			if (!r->end || start < r->start)
				r->start = start;
			r->end = max(r->end, end);
		}
	}
}

void kmemlab_info_kernel(struct kmemlab_info *info)
{
	info->page_size = PAGE_SIZE;
	info->kmalloc_min_size = KMALLOC_MIN_SIZE;
	info->kmalloc_max_cache_size = KMALLOC_MAX_CACHE_SIZE;
	info->kmalloc_max_size = KMALLOC_MAX_SIZE;
	info->max_order = KMEMLAB_MAX_PAGE_ORDER;
	info->vmalloc_size = VMALLOC_END - VMALLOC_START;
	if (want_init_on_alloc(GFP_KERNEL))
		info->flags |= KMEMLAB_INFO_INIT_ON_ALLOC;
	if (want_init_on_free())
		info->flags |= KMEMLAB_INFO_INIT_ON_FREE;
	kmemlab_zone_ranges(info);
	strscpy(info->release, utsname()->release, sizeof(info->release));
}
