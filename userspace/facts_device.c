// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab facts: the experiments on the device (devres at unbind, where
 * allocations lie in the address space, what DMA mapping makes of them).
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "facts.h"
#include "fuser.h"
#include "ioctl.h"
#include "names.h"
#include "stats.h"
#include "sysfs.h"

/* A bound kmemlab device other than the lab's with no live allocations, or -1. */
static int idle_device(const struct lab *lab)
{
	unsigned int *ids = NULL;
	size_t count = 0;
	int found_id = -1;

	if (device_list(&ids, &count))
		return -1;
	for (size_t i = 0; i < count && found_id < 0; i++) {
		char path[PATH_MAX];
		uint64_t live;

		device_path(ids[i], "live/allocs", path, sizeof(path));
		if (ids[i] != lab->device && device_bound(ids[i]) &&
		    !sysfs_read_u64(path, &live) && !live)
			found_id = (int)ids[i];
	}
	free(ids);
	return found_id;
}

static const uint64_t devm_sizes[] = { 64, 4 * KiB, 64 * KiB };

/* Another process has /dev/kmemlab@id open (or we cannot tell). */
static bool node_in_use(unsigned int id)
{
	struct fuser *users = NULL;
	size_t count = 0, hidden = 0, others = 0;
	char node[64];

	node_path(id, node, sizeof(node));
	if (fuser_scan(node, &users, &count, &hidden))
		return true;
	for (size_t i = 0; i < count; i++)
		others += users[i].pid != getpid();
	free(users);
	return others || hidden;
}

/*
 * Close the lab's file while device @id (if it is the lab's) goes away and
 * comes back: a file still open on the old node would keep its number, and
 * the device would come back as another node.
 */
static void lab_leave(struct lab *lab, unsigned int id)
{
	if (id == lab->device && lab->fd >= 0) {
		close(lab->fd);
		lab->fd = -1;
	}
}

static int lab_return(struct lab *lab)
{
	char node[64];
	int err;

	if (lab->fd >= 0)
		return 0;
	err = kml_open(lab->device, &lab->fd);
	node_path(lab->device, node, sizeof(node));
	return err ? lab_failed(lab, err, "opening %s again", node) : 0;
}

/*
 * Allocate on device @id with devm_kzalloc, note the module's live
 * allocations in *@before and unbind the device. On failure the device is
 * still bound and the allocations are freed.
 */
static int devm_unbind(struct lab *lab, unsigned int id, uint64_t *before)
{
	struct kmemlab_report r;
	struct lab dev;
	char name[32];
	int err = lab_open(&dev, id);

	snprintf(name, sizeof(name), DEVICE_NAME_FMT, id);
	for (size_t i = 0; !err && i < ARRAY_SIZE(devm_sizes); i++)
		err = lab_alloc(&dev, &(struct ask){ KMEMLAB_API_DEVM_KZALLOC,
				devm_sizes[i], 0, 0 }, &r);
	if (!err && (err = sysfs_read_u64(SYS_DRIVER_DIR "/live_allocs", before)))
		lab_failed(&dev, err, "reading " SYS_DRIVER_DIR "/live_allocs");
	if (!err) {
		lab_leave(lab, id);
		err = sysfs_write(SYS_DRIVER_DIR "/unbind", name);
		if (err)
			lab_failed(&dev, err, "unbinding %s", name);
	}
	if (err) {
		memcpy(lab->what, dev.what, sizeof(lab->what));
		if (dev.fd >= 0)
			lab_close(&dev);
		return err;
	}
	dev.nheld = 0;		/* devres has freed them */
	close(dev.fd);
	return 0;
}

/* Bind device @id again and wait for its node. */
static int rebind(struct lab *lab, unsigned int id)
{
	char name[32];
	int err;

	snprintf(name, sizeof(name), DEVICE_NAME_FMT, id);
	err = sysfs_write(SYS_DRIVER_DIR "/bind", name);
	if (err)
		return lab_failed(lab, err, "binding %s again: it is left unbound "
				  "(dmesg may say why; then 'kmemlab bind %u')", name, id);
	if (!node_wait(id, NODE_WAIT_MS))
		return lab_failed(lab, -ETIMEDOUT, "the node of %s did not come back "
				  "within %d ms", name, NODE_WAIT_MS);
	return 0;
}

int fact_devm_unbind(struct lab *lab, struct finding *f)
{
	int id = lab->info.dev_live.allocs ? idle_device(lab) : (int)lab->device;
	uint64_t before = 0, after = 0, freed;
	size_t n = ARRAY_SIZE(devm_sizes);
	int err, back;

	if (id < 0)
		return found(f, NOT_CHECKED, "device has live allocations; unbinding would "
			     "free them (a second device without any would do: devices=2)");
	if (access(SYS_DRIVER_DIR "/unbind", W_OK))
		return found(f, NOT_CHECKED, "needs root: unbinding writes "
			     SYS_DRIVER_DIR "/unbind");
	if (node_in_use((unsigned int)id))
		return found(f, NOT_CHECKED, "other processes have the node of "
			     DEVICE_NAME_FMT " open; unbinding it would take it from "
			     "them", id);
	err = devm_unbind(lab, (unsigned int)id, &before);
	if (err) {	/* still bound */
		back = lab_return(lab);
		if (back || (err != -EACCES && err != -EPERM))
			return back ? back : err;
		return found(f, NOT_CHECKED, "unbinding was refused: %s", errno_name(-err));
	}
	err = sysfs_read_u64(SYS_DRIVER_DIR "/live_allocs", &after);
	back = rebind(lab, (unsigned int)id);
	if (!back)
		back = lab_return(lab);
	if (back)
		return back;
	if (err)
		return lab_failed(lab, err, "reading " SYS_DRIVER_DIR "/live_allocs");
	freed = before > after ? before - after : 0;
	out_u64(f->t, FC_LIVE_BEFORE, before);
	out_u64(f->t, FC_LIVE_AFTER, after);
	return found(f, freed == n ? HOLDS : DOES_NOT_HOLD,
		     "unbinding " DEVICE_NAME_FMT " freed %llu of %zu devm_kzalloc "
		     "allocations (module live: %llu -> %llu); bound again", id,
		     (unsigned long long)freed, n, (unsigned long long)before,
		     (unsigned long long)after);
}

/*
 * A bound of the layout; below 4 GiB also where it falls, to the MiB:
 * "0xc0000000 (3 GiB)", "0xf6ffe000 (4 GiB - 144 MiB)".
 */
static const char *layout_addr(uint64_t addr, char *buf, size_t len)
{
	if (addr >= 4 * GiB)
		snprintf(buf, len, "0x%llx", (unsigned long long)addr);
	else if (addr % MiB == 0)
		snprintf(buf, len, "0x%llx (%s)", (unsigned long long)addr, SZ(addr));
	else
		snprintf(buf, len, "0x%llx (4 GiB - %s)", (unsigned long long)addr,
			 SZ(4 * GiB - addr));
	return buf;
}

#define LAYOUT(addr)	layout_addr((addr), (char[48]){ 0 }, 48)

/*
 * The address regions the driver reports, and with CAP_SYS_ADMIN the
 * addresses themselves against the kernel's layout: article 003 puts
 * kmalloc memory between PAGE_OFFSET (3 GiB on i386) and high_memory, and
 * vmalloc memory between VMALLOC_START and 4 GiB.
 */
int fact_regions(struct lab *lab, struct finding *f)
{
	const uint32_t regions = KMEMLAB_REPORT_DIRECT_MAP | KMEMLAB_REPORT_VMALLOC_RANGE;
	const struct kmemlab_info *in = &lab->info;
	uint64_t vstart = in->vmalloc_start, vend = vstart + in->vmalloc_size;
	struct kmemlab_report k, v;
	char kr[64], vr[64];
	bool layout, holds;
	int err;

	err = lab_try(lab, &(struct ask){ KMEMLAB_API_KMALLOC, 256, 0, 0 }, &k);
	if (!err)
		err = lab_try(lab, &(struct ask){ KMEMLAB_API_VMALLOC, 64 * KiB, 0, 0 }, &v);
	if (err)
		return err;
	names_join(&region_names, k.flags & regions, ",", kr, sizeof(kr));
	names_join(&region_names, v.flags & regions, ",", vr, sizeof(vr));
	holds = (k.flags & regions) == KMEMLAB_REPORT_DIRECT_MAP &&
		(v.flags & regions) == KMEMLAB_REPORT_VMALLOC_RANGE;
	layout = kml_info_layout(in) &&
		 k.flags & KMEMLAB_REPORT_ADDRS && v.flags & KMEMLAB_REPORT_ADDRS;
	if (!layout)
		return found(f, holds ? HOLDS : DOES_NOT_HOLD,
			     "kmalloc %s: %s; vmalloc %s: %s (addresses hidden: %s)",
			     SZ(256), kr, SZ(64 * KiB), vr,
			     in->features & KMEMLAB_FEATURE_LAYOUT ?
			     "no CAP_SYS_ADMIN" : "the module predates INFO's layout");
	out_u64(f->t, FC_KMALLOC_ADDR, k.virt);
	out_u64(f->t, FC_VMALLOC_ADDR, v.virt);
	out_u64(f->t, FC_PAGE_OFFSET, in->direct_map.start);
	out_u64(f->t, FC_HIGH_MEMORY, in->direct_map.end);
	out_u64(f->t, FC_VMALLOC_START, vstart);
	out_u64(f->t, FC_VMALLOC_END, vend);
	holds = holds && k.virt >= in->direct_map.start && k.virt < in->direct_map.end &&
		v.virt >= vstart && v.virt + v.size <= vend;
	return found(f, holds ? HOLDS : DOES_NOT_HOLD,
		     "kmalloc %s at 0x%llx: %s, PAGE_OFFSET %s to high_memory %s; "
		     "vmalloc %s at 0x%llx: %s, VMALLOC_START %s to VMALLOC_END %s",
		     SZ(256), (unsigned long long)k.virt, kr, LAYOUT(in->direct_map.start),
		     LAYOUT(in->direct_map.end), SZ(64 * KiB), (unsigned long long)v.virt, vr,
		     LAYOUT(vstart), LAYOUT(vend));
}

/*
 * Article 003 (i386): high memory has no permanent kernel mapping, so
 * GFP_HIGHUSER pages and vmalloc's pages (which vmalloc maps itself) come
 * from it, and kmalloc memory, which must be in the direct map, never does.
 */
int fact_highmem(struct lab *lab, struct finding *f)
{
	const uint32_t high = 1U << KMEMLAB_ZONE_HIGHMEM;
	const uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	struct kmemlab_report p, k, v;
	char pz[64], kz[64], vz[64];
	int err;

	if (!lab->info.zone_range[KMEMLAB_ZONE_HIGHMEM].end)
		return found(f, NOT_CHECKED, "no ZONE_HIGHMEM: this kernel maps all of "
			     "memory (only 32-bit kernels have high memory)");
	err = lab_try(lab, &(struct ask){ KMEMLAB_API_ALLOC_PAGES, page,
			   KMEMLAB_GFP_HIGHUSER, 0 }, &p);
	if (!err)
		err = lab_try(lab, &(struct ask){ KMEMLAB_API_KMALLOC, 256, 0, 0 }, &k);
	if (!err)
		err = lab_try(lab, &(struct ask){ KMEMLAB_API_VMALLOC, MiB, 0, 0 }, &v);
	if (err)
		return err;
	return found(f, p.zones == high && k.zones && !(k.zones & high) && (v.zones & high) ?
		     HOLDS : DOES_NOT_HOLD,
		     "GFP_HIGHUSER page: %s; kmalloc %s: %s; vmalloc %s: pages in %s",
		     names_join(&zone_names, p.zones, ",", pz, sizeof(pz)), SZ(256),
		     names_join(&zone_names, k.zones, ",", kz, sizeof(kz)), SZ(MiB),
		     names_join(&zone_names, v.zones, ",", vz, sizeof(vz)));
}

int fact_dma_map(struct lab *lab, struct finding *f)
{
	struct kmemlab_report k, v;
	struct kmemlab_dma single, refused, sg;
	int err, vsingle;

	err = lab_alloc(lab, &(struct ask){ KMEMLAB_API_KMALLOC, 64 * KiB, 0, 0 }, &k);
	if (!err)
		err = lab_alloc(lab, &(struct ask){ KMEMLAB_API_VMALLOC, 256 * KiB, 0, 0 }, &v);
	if (!err)
		err = lab_dma(lab, k.handle, KMEMLAB_DMA_SINGLE, &single);
	if (err == -ENOTTY)
		return found(f, NOT_CHECKED, "the module has no DMA_MAP: it predates DMA "
			     "support");
	if (err == -ERANGE)
		return found(f, DEPENDS, "depends on the device's DMA mask (0x%llx): kmalloc "
			     "memory lies beyond it and no bounce buffer is reachable (ERANGE)",
			     (unsigned long long)lab->info.dma_mask);
	if (err)
		return err;
	vsingle = lab_dma(lab, v.handle, KMEMLAB_DMA_SINGLE, &refused);
	if (vsingle && vsingle != -EINVAL)
		return vsingle;
	err = lab_dma(lab, v.handle, KMEMLAB_DMA_SG, &sg);
	if (err)
		return err;
	out_u64(f->t, FC_NENTS_SINGLE, single.nents);
	out_u64(f->t, FC_NENTS_SG, sg.nents);
	if (vsingle)
		out_str(f->t, FC_ERRNO, errno_name(-vsingle));
	return found(f, single.nents == 1 && vsingle ? HOLDS : DOES_NOT_HOLD,
		     "kmalloc %s: %u segment with dma_map_single%s; vmalloc %s: "
		     "dma_map_single %s, dma_map_sgtable %u segments over %u pages",
		     SZ(64 * KiB), single.nents,
		     single.result & KMEMLAB_DMA_BOUNCED ? " (bounced through swiotlb)" : "",
		     SZ(256 * KiB), vsingle ? "refused (EINVAL)" : "accepted",
		     sg.nents, sg.pages);
}
