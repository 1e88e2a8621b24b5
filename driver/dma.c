// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab: map an allocation for the platform device with the DMA API and
 * report what the mapping looked like, then unmap it.
 *
 * The device's DMA mask comes from the dma_bits module parameter (24 models
 * an ISA-era controller that reaches only the first 16 MiB). Memory beyond
 * the mask can only be mapped through swiotlb bounce buffers, and only if
 * the device can reach those: both are checked here first, so the DMA layer
 * never gets a mapping it would have to warn about.
 */
#include <linux/capability.h>
#include <linux/dma-direct.h>
#include <linux/dma-mapping.h>
#include <linux/mm.h>
#include <linux/platform_device.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/swiotlb.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "internal.h"

static const enum dma_data_direction kmemlab_dma_dirs[] = {
	[KMEMLAB_DMA_TO_DEVICE] = DMA_TO_DEVICE,
	[KMEMLAB_DMA_FROM_DEVICE] = DMA_FROM_DEVICE,
	[KMEMLAB_DMA_BIDIRECTIONAL] = DMA_BIDIRECTIONAL,
};

/* Can the device reach bounce buffers at all? */
bool kmemlab_swiotlb_reachable(struct device *dev)
{
	phys_addr_t start, end;

	if (!kmemlab_swiotlb_range(dev, &start, &end))
		return false;
	return dma_capable(dev, phys_to_dma(dev, start), end - start, true);
}

/*
 * May [phys, phys + len) be handed to the DMA API? Directly when the device
 * reaches it; else through swiotlb when that is reachable and the segment
 * fits one bounce mapping.
 */
static int kmemlab_dma_check(struct device *dev, phys_addr_t phys, size_t len,
			     struct kmemlab_dma *req)
{
	if (dma_capable(dev, phys_to_dma(dev, phys), len, true))
		return 0;
	req->result |= KMEMLAB_DMA_BEYOND_MASK;
	if (!kmemlab_swiotlb_reachable(dev))
		return -ERANGE;
	if (len > dma_max_mapping_size(dev))
		return -E2BIG;
	return 0;
}

static int kmemlab_dma_single(struct device *dev, struct kmemlab_buf *buf,
			      enum dma_data_direction dir, struct kmemlab_dma *req)
{
	size_t size = buf->report.size, offset;
	struct page *page;
	phys_addr_t phys;
	dma_addr_t addr;
	int ret;

	/*
	 * dma_map_single() is dma_map_page() of the first page: the same
	 * mapping, and the one that reaches pages without an address too.
	 */
	if (!buf->ops->page_ptr && is_vmalloc_addr(buf->ptr))
		return -EINVAL;
	page = kmemlab_page_at(buf->ops, buf->ptr, 0);
	offset = kmemlab_first_offset(buf->ops, buf->ptr);
	phys = page_to_phys(page) + offset;
	ret = kmemlab_dma_check(dev, phys, size, req);
	if (ret)
		return ret;
	addr = dma_map_page_attrs(dev, page, offset, size, dir, DMA_ATTR_NO_WARN);
	if (dma_mapping_error(dev, addr))
		return -EIO;
	if (addr != phys_to_dma(dev, phys))
		req->result |= KMEMLAB_DMA_BOUNCED;
	req->bus = addr;
	req->nents = 1;
	req->pages = buf->report.nr_pages;
	dma_unmap_page_attrs(dev, addr, size, dir, DMA_ATTR_NO_WARN);
	return 0;
}

/*
 * A scatterlist over the allocation's pages, contiguous ones merged into
 * segments the device takes (at most @max_segment bytes each: longer ones
 * are what the DMA API's debug checks warn about).
 */
static int kmemlab_sgtable(struct kmemlab_buf *buf, unsigned int max_segment,
			   struct sg_table *sgt)
{
	size_t first = kmemlab_first_offset(buf->ops, buf->ptr);
	unsigned int i, n = buf->report.nr_pages;
	struct page **pages;
	int ret;

	pages = kmemlab_own(kvmalloc_array(n, sizeof(*pages), GFP_KERNEL));
	if (!pages)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		pages[i] = kmemlab_page_at(buf->ops, buf->ptr,
					   i ? (size_t)i * PAGE_SIZE - first : 0);
	ret = kmemlab_own_err(sg_alloc_table_from_pages_segment(sgt, pages, n,
								first,
								buf->report.size,
								max_segment,
								GFP_KERNEL));
	kvfree(pages);
	return ret;
}

static int kmemlab_dma_sg(struct device *dev, struct kmemlab_buf *buf,
			  enum dma_data_direction dir, struct kmemlab_dma *req)
{
	struct scatterlist *sg;
	struct sg_table sgt;
	unsigned int i;
	int ret;

	ret = kmemlab_sgtable(buf, req->max_segment, &sgt);
	if (ret)
		return ret;
	for_each_sgtable_sg(&sgt, sg, i) {
		ret = kmemlab_dma_check(dev, sg_phys(sg), sg->length, req);
		if (ret)
			goto out;
	}
	ret = dma_map_sgtable(dev, &sgt, dir, DMA_ATTR_NO_WARN);
	if (ret) {
		ret = -EIO;
		goto out;
	}
	/* dma-direct maps entry by entry: compare each with its frames. */
	for_each_sgtable_sg(&sgt, sg, i)
		if (sg_dma_address(sg) != phys_to_dma(dev, sg_phys(sg)))
			req->result |= KMEMLAB_DMA_BOUNCED;
	req->bus = sg_dma_address(sgt.sgl);
	req->nents = sgt.nents;
	req->pages = buf->report.nr_pages;
	dma_unmap_sgtable(dev, &sgt, dir, DMA_ATTR_NO_WARN);
out:
	sg_free_table(&sgt);
	return ret;
}

static int kmemlab_dma_map_locked(struct kmemlab_dev *kd, struct kmemlab_dma *req)
{
	struct device *dev = &kd->pdev->dev;
	enum dma_data_direction dir = kmemlab_dma_dirs[req->direction];
	struct kmemlab_buf *buf = kmemlab_buf_get(kd, req->handle);

	if (!buf)
		return -ENOENT;
	req->mask = dma_get_mask(dev);
	req->max_segment = dma_get_max_seg_size(dev);
	if (buf->ops->caps & KMEMLAB_API_CAP_COHERENT) {
		req->result |= KMEMLAB_DMA_COHERENT;
		req->bus = buf->dma;
		req->nents = 1;
		req->pages = buf->report.nr_pages;
		return 0;
	}
	if (req->mode == KMEMLAB_DMA_SINGLE)
		return kmemlab_dma_single(dev, buf, dir, req);
	return kmemlab_dma_sg(dev, buf, dir, req);
}

int kmemlab_ioc_dma_map(struct kmemlab_dev *kd, void __user *arg)
{
	struct kmemlab_dma req;
	int ret;

	ret = kmemlab_copy_from_user(kd, &req, arg, sizeof(req));
	if (ret)
		return ret;
	if (req.mode < KMEMLAB_DMA_SINGLE || req.mode > KMEMLAB_DMA_SG ||
	    req.direction < KMEMLAB_DMA_TO_DEVICE ||
	    req.direction > KMEMLAB_DMA_BIDIRECTIONAL ||
	    req.pad || memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;
	req.max_segment = 0;
	req.nents = 0;
	req.pages = 0;
	req.result = 0;
	req.bus = 0;

	if (mutex_lock_interruptible(&kd->lock))
		return -EINTR;
	ret = kmemlab_dma_map_locked(kd, &req);
	mutex_unlock(&kd->lock);
	if (ret)
		return ret;
	if (kmemlab_capable())
		req.result |= KMEMLAB_DMA_ADDRS;
	else
		req.bus = 0;
	return kmemlab_copy_to_user(kd, arg, &req, sizeof(req));
}
