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
#include <linux/highmem.h>
#include <linux/kasan.h>
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

/**
 * kmemlab_first_offset() - where an allocation begins in its first page
 * @ops: its API.
 * @ptr: what @ops->alloc returned.
 *
 * Return: the offset of byte 0 in the first page.
 */
size_t kmemlab_first_offset(const struct kmemlab_api_ops *ops, const void *ptr)
{
	return ops->page_ptr ? 0 : offset_in_page(ptr);
}

/**
 * kmemlab_page_at() - the page that holds byte @offset of an allocation
 * @ops: its API.
 * @ptr: what @ops->alloc returned: an address (direct map or vmalloc), or
 *	the first struct page for an API with @page_ptr.
 * @offset: a byte of the allocation.
 *
 * Return: the page.
 */
struct page *kmemlab_page_at(const struct kmemlab_api_ops *ops,
			     const void *ptr, size_t offset)
{
	const void *addr = ptr + offset;

	if (ops->page_ptr)
		return kmemlab_nth_page((struct page *)ptr, offset >> PAGE_SHIFT);
	return is_vmalloc_addr(addr) ? vmalloc_to_page(addr) : virt_to_page(addr);
}

/**
 * kmemlab_map() - the bytes of an allocation from @offset, within one page
 * @ops: its API.
 * @ptr: what @ops->alloc returned.
 * @offset: the first byte wanted.
 * @len: bytes wanted; cut to what lies in that page.
 *
 * The one way the driver reaches an allocation's bytes. Memory with an
 * address (slab, direct map, vmalloc, a coherent DMA mapping) is used
 * through it, with its own attributes; pages handed out as struct pages
 * (@page_ptr) may lie in highmem, where they have no address until
 * kmap_local_page() gives them one. Undo with kmemlab_unmap(), in reverse
 * order and in the same context.
 *
 * Return: the address of byte @offset.
 */
void *kmemlab_map(const struct kmemlab_api_ops *ops, const void *ptr,
		  size_t offset, size_t *len)
{
	size_t in_page = offset_in_page(kmemlab_first_offset(ops, ptr) + offset);

	*len = min_t(size_t, *len, PAGE_SIZE - in_page);
	if (!ops->page_ptr)
		return (void *)ptr + offset;
	return kmap_local_page(kmemlab_page_at(ops, ptr, offset)) + in_page;
}

/**
 * kmemlab_unmap() - undo kmemlab_map()
 * @ops: the API given to kmemlab_map().
 * @addr: the address it returned.
 */
void kmemlab_unmap(const struct kmemlab_api_ops *ops, void *addr)
{
	if (ops->page_ptr)
		kunmap_local(addr);
}

/* Are the @size bytes at @ptr all zero? Page by page, mapped. */
static bool kmemlab_zeroed(const struct kmemlab_api_ops *ops, const void *ptr,
			   size_t size)
{
	size_t off, len;
	bool zero = true;
	void *p;

	for (off = 0; zero && off < size; off += len) {
		len = size - off;
		p = kmemlab_map(ops, ptr, off, &len);
		zero = !memchr_inv(p, 0, len);
		kmemlab_unmap(ops, p);
	}
	return zero;
}

/*
 * Walk every page the allocation touches: count them, count the runs of
 * consecutive frames, note each page's zone and whether all of them lie in
 * zones the gfp flags allow (gfp_zone() is the highest such zone).
 */
static void kmemlab_walk_pages(struct kmemlab_report *r,
			       const struct kmemlab_api_ops *ops,
			       const void *ptr, size_t size, gfp_t gfp)
{
	size_t first = kmemlab_first_offset(ops, ptr);
	size_t n = DIV_ROUND_UP(first + size, PAGE_SIZE), i;
	enum zone_type highest = gfp_zone(gfp);
	unsigned long prev = 0;
	bool zone_ok = true;

	for (i = 0; i < n; i++) {
		/* byte 0 for the first page, the start of page i after it */
		struct page *page = kmemlab_page_at(ops, ptr,
						    i ? i * PAGE_SIZE - first : 0);
		unsigned long pfn = page_to_pfn(page);
		enum zone_type zone = page_zonenum(page);

		if (!r->nr_pages) {
			r->phys = PFN_PHYS(pfn) + first;
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

/**
 * kmemlab_runs() - the runs of page frames @buf lies in
 * @buf: a live allocation; the device's lock is held.
 * @runs: where to write the first @room runs, or NULL.
 * @room: records @runs holds.
 * @granule: frames each run's start is rounded down to (1: exact).
 * @pages: set to the pages the allocation touches.
 *
 * A run is consecutive frames in one zone, from the page of byte 0 on.
 *
 * Return: the number of runs.
 */
unsigned int kmemlab_runs(const struct kmemlab_buf *buf,
			  struct kmemlab_run *runs, unsigned int room,
			  u64 granule, u64 *pages)
{
	const struct kmemlab_api_ops *ops = buf->ops;
	size_t first = kmemlab_first_offset(ops, buf->ptr);
	size_t n = DIV_ROUND_UP(first + buf->report.size, PAGE_SIZE), i;
	unsigned long prev = 0;
	unsigned int nruns = 0;
	u32 prev_zone = 0;

	for (i = 0; i < n; i++) {
		struct page *page = kmemlab_page_at(ops, buf->ptr,
						    i ? i * PAGE_SIZE - first : 0);
		unsigned long pfn = page_to_pfn(page);
		u32 zone = kmemlab_zones[page_zonenum(page)];

		if (!i || pfn != prev + 1 || zone != prev_zone) {
			if (nruns < room) {
				runs[nruns].pfn = round_down((u64)pfn, granule);
				runs[nruns].zone = zone;
			}
			nruns++;
		}
		if (nruns <= room)
			runs[nruns - 1].pages++;
		prev = pfn;
		prev_zone = zone;
		cond_resched();
	}
	*pages = n;
	return nruns;
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

	if (buf->ops->page_ptr) {
		r->backing = KMEMLAB_BACKING_PAGES;
		r->order = op->order;
		r->usable = PAGE_SIZE << r->order;
		if (!PageHighMem((struct page *)ptr))
			r->flags |= KMEMLAB_REPORT_DIRECT_MAP;
		return;
	}
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
		else if (object && buf->ops->cache_prefix)
			kmemlab_size_name(r->cache, sizeof(r->cache),
					  buf->ops->cache_prefix, object);
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
 * @lean: %KMEMLAB_ALLOC_LEAN: only what needs no look at the memory.
 */
void kmemlab_inspect(struct kmemlab_buf *buf, const struct kmemlab_op *op,
		     u64 abi_gfp, u32 context, bool lean)
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
	/* A highmem page has no kernel address: 0, as for a withheld one. */
	r->virt = buf->ops->page_ptr ? (unsigned long)page_address(op->ptr) :
		  (unsigned long)op->ptr;
	if (buf->ops->caps & KMEMLAB_API_CAP_DEVM)
		r->flags |= KMEMLAB_REPORT_DEVM;
	if (lean) {
		/* The address tells these; the pages and the bytes go unread. */
		kmemlab_backing(r, buf, op);
		r->nr_pages = DIV_ROUND_UP(kmemlab_first_offset(buf->ops, op->ptr) +
					   op->size, PAGE_SIZE);
		r->flags |= KMEMLAB_REPORT_LEAN;
		return;
	}
	/* First, before anything writes it. */
	if (kmemlab_zeroed(buf->ops, op->ptr, op->size))
		r->flags |= KMEMLAB_REPORT_ZEROED;
	kmemlab_backing(r, buf, op);
	kmemlab_walk_pages(r, buf->ops, op->ptr, op->size, op->gfp);
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
	if (kasan_enabled())
		info->flags |= KMEMLAB_INFO_KASAN;
	kmemlab_zone_ranges(info);
	strscpy(info->release, utsname()->release, sizeof(info->release));
}

/*
 * Where the kernel maps memory: the direct map of low memory, which kmalloc
 * returns addresses in (article 003: from PAGE_OFFSET, 3 GiB on i386, to
 * high_memory), and the vmalloc area. Addresses, so for CAP_SYS_ADMIN only.
 */
void kmemlab_info_layout(struct kmemlab_info *info)
{
	info->direct_map.start = PAGE_OFFSET;
	info->direct_map.end = (unsigned long)high_memory;
	info->vmalloc_start = VMALLOC_START;
}
