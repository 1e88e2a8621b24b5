// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab info: the device, the driver and the kernel, from KMEMLAB_IOC_INFO.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <libsmartcols.h>

#include "cli.h"
#include "ioctl.h"
#include "names.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define RIGHT		SCOLS_FL_RIGHT

enum {
	IF_ABI, IF_DEVICE, IF_RELEASE, IF_PAGE, IF_KMIN, IF_KMAX_CACHE, IF_KMAX,
	IF_MAX_ORDER, IF_VMALLOC, IF_PAGE_OFFSET, IF_HIGH_MEMORY, IF_VMALLOC_START,
	IF_VMALLOC_END, IF_INIT_ALLOC, IF_INIT_FREE, IF_ADDRS,
	IF_DMA_MASK, IF_SWIOTLB, IF_KASAN,
	IF_MAX_BYTES, IF_MAX_ALLOCS, IF_DMA_MAX, IF_DMA_LIVE, IF_DEV_ALLOCS, IF_DEV_BYTES, IF_ALL_ALLOCS, IF_ALL_BYTES,
	IF_APIS, IF_CONTEXTS, IF_GFP,
};

static const struct out_col info_cols[] = {
	[IF_ABI] = { "ABI-VERSION", OUT_NUM, 0, 0, "ABI version" },
	[IF_DEVICE] = { "DEVICE", OUT_NUM, 0, 0, "device (N of /dev/kmemlabN)" },
	[IF_RELEASE] = { "RELEASE", OUT_STR, 0, 0, "kernel release" },
	[IF_PAGE] = { "PAGE-SIZE", OUT_SIZE, 0, 0, "page size" },
	[IF_KMIN] = { "KMALLOC-MIN-SIZE", OUT_SIZE, 0, 0, "KMALLOC_MIN_SIZE" },
	[IF_KMAX_CACHE] = { "KMALLOC-MAX-CACHE-SIZE", OUT_SIZE, 0, 0, "KMALLOC_MAX_CACHE_SIZE" },
	[IF_KMAX] = { "KMALLOC-MAX-SIZE", OUT_SIZE, 0, 0, "KMALLOC_MAX_SIZE" },
	[IF_MAX_ORDER] = { "MAX-ORDER", OUT_NUM, 0, 0, "max page order" },
	[IF_VMALLOC] = { "VMALLOC-SIZE", OUT_SIZE, 0, 0, "vmalloc size" },
	[IF_PAGE_OFFSET] = { "PAGE-OFFSET", OUT_HEX, 0, 0,
			     "PAGE_OFFSET, start of the direct map (CAP_SYS_ADMIN)" },
	[IF_HIGH_MEMORY] = { "HIGH-MEMORY", OUT_HEX, 0, 0,
			     "high_memory, end of the direct map (CAP_SYS_ADMIN)" },
	[IF_VMALLOC_START] = { "VMALLOC-START", OUT_HEX, 0, 0, "VMALLOC_START (CAP_SYS_ADMIN)" },
	[IF_VMALLOC_END] = { "VMALLOC-END", OUT_HEX, 0, 0, "VMALLOC_END (CAP_SYS_ADMIN)" },
	[IF_INIT_ALLOC] = { "INIT-ON-ALLOC", OUT_ONOFF, 0, 0, "init_on_alloc" },
	[IF_INIT_FREE] = { "INIT-ON-FREE", OUT_ONOFF, 0, 0, "init_on_free" },
	[IF_ADDRS] = { "ADDRESSES", OUT_BOOL, 0, 0, "addresses visible (CAP_SYS_ADMIN)" },
	[IF_DMA_MASK] = { "DMA-MASK", OUT_HEX, 0, 0, "DMA mask (dma_bits)" },
	[IF_SWIOTLB] = { "SWIOTLB", OUT_BOOL, 0, 0,
			 "bounce buffers reachable (swiotlb)" },
	[IF_KASAN] = { "KASAN", OUT_ONOFF, 0, 0, "KASAN checks memory accesses" },
	[IF_MAX_BYTES] = { "MAX-BYTES", OUT_SIZE, 0, 0, "quota (max_bytes)" },
	[IF_MAX_ALLOCS] = { "MAX-ALLOCS", OUT_NUM, 0, 0, "quota (max_allocs)" },
	[IF_DMA_MAX] = { "DMA-MAX-BYTES", OUT_SIZE, 0, 0, "GFP_DMA quota (dma_max_bytes)" },
	[IF_DMA_LIVE] = { "DMA-LIVE-BYTES", OUT_SIZE, 0, 0, "module live GFP_DMA bytes" },
	[IF_DEV_ALLOCS] = { "DEVICE-ALLOCS", OUT_NUM, 0, 0, "device live allocations" },
	[IF_DEV_BYTES] = { "DEVICE-BYTES", OUT_SIZE, 0, 0, "device live bytes" },
	[IF_ALL_ALLOCS] = { "MODULE-ALLOCS", OUT_NUM, 0, 0, "module live allocations" },
	[IF_ALL_BYTES] = { "MODULE-BYTES", OUT_SIZE, 0, 0, "module live bytes" },
	[IF_APIS] = { "APIS", OUT_STR, 0, 0, "APIs" },
	[IF_CONTEXTS] = { "CONTEXTS", OUT_STR, 0, 0, "contexts" },
	[IF_GFP] = { "GFP", OUT_STR, 0, 0, "GFP flags" },
};

static const struct out_colset info_fields = { info_cols, ARRAY_SIZE(info_cols), NULL };

enum { ZC_ZONE, ZC_START, ZC_END, ZC_SIZE };

static const struct out_col zone_cols[] = {
	[ZC_ZONE] = { "ZONE", OUT_STR, 0, 0, "zone" },
	[ZC_START] = { "START", OUT_STR, 0, RIGHT, "first physical address" },
	[ZC_END] = { "END", OUT_STR, 0, RIGHT, "one past the last physical address" },
	[ZC_SIZE] = { "SIZE", OUT_SIZE, 0, RIGHT, "span of the zone" },
};

static const struct out_colset zone_columns = { zone_cols, ARRAY_SIZE(zone_cols), NULL };

enum { LC_API, LC_ALLOCS, LC_BYTES };

static const struct out_col live_cols[] = {
	[LC_API] = { "API", OUT_STR, 0, 0, "allocator interface" },
	[LC_ALLOCS] = { "ALLOCS", OUT_NUM, 0, RIGHT, "live allocations (module-wide)" },
	[LC_BYTES] = { "BYTES", OUT_SIZE, 0, RIGHT, "bytes requested by them" },
};

static const struct out_colset live_columns = { live_cols, ARRAY_SIZE(live_cols), NULL };

enum { OPT_ALL = 'a' };

static const struct cli_opt info_opts[] = {
	{ "all", OPT_ALL, NULL, "list the live counters of every API, not only the non-zero" },
	{ 0 }
};

static void info_names(struct out_table *t, size_t col, const struct name_table *n,
		       uint64_t mask)
{
	char buf[512];

	out_str(t, col, names_join(n, mask, ",", buf, sizeof(buf)));
}

static void info_fields_fill(struct out_table *t, const struct kmemlab_info *in)
{
	char release[KMEMLAB_RELEASE_LEN + 1];

	snprintf(release, sizeof(release), "%.*s", KMEMLAB_RELEASE_LEN, in->release);
	out_row(t);
	out_u64(t, IF_ABI, in->abi_version);
	out_u64(t, IF_DEVICE, in->device_id);
	out_str(t, IF_RELEASE, release);
	out_u64(t, IF_PAGE, in->page_size);
	out_u64(t, IF_KMIN, in->kmalloc_min_size);
	out_u64(t, IF_KMAX_CACHE, in->kmalloc_max_cache_size);
	out_u64(t, IF_KMAX, in->kmalloc_max_size);
	out_u64(t, IF_MAX_ORDER, in->max_order);
	out_u64(t, IF_VMALLOC, in->vmalloc_size);
	if (kml_info_layout(in)) {
		out_u64(t, IF_PAGE_OFFSET, in->direct_map.start);
		out_u64(t, IF_HIGH_MEMORY, in->direct_map.end);
		out_u64(t, IF_VMALLOC_START, in->vmalloc_start);
		out_u64(t, IF_VMALLOC_END, in->vmalloc_start + in->vmalloc_size);
	} else {	/* hidden, or a module from before the layout */
		out_none(t, IF_PAGE_OFFSET);
		out_none(t, IF_HIGH_MEMORY);
		out_none(t, IF_VMALLOC_START);
		out_none(t, IF_VMALLOC_END);
	}
	out_bool(t, IF_INIT_ALLOC, in->flags & KMEMLAB_INFO_INIT_ON_ALLOC);
	out_bool(t, IF_INIT_FREE, in->flags & KMEMLAB_INFO_INIT_ON_FREE);
	out_bool(t, IF_ADDRS, in->flags & KMEMLAB_INFO_CAP_SYS_ADMIN);
	if (in->dma_mask) {
		out_u64(t, IF_DMA_MASK, in->dma_mask);
		out_bool(t, IF_SWIOTLB, in->flags & KMEMLAB_INFO_SWIOTLB);
	} else {	/* a module from before DMA support */
		out_none(t, IF_DMA_MASK);
		out_none(t, IF_SWIOTLB);
	}
	if (in->features & KMEMLAB_FEATURE_KASAN)
		out_bool(t, IF_KASAN, in->flags & KMEMLAB_INFO_KASAN);
	else	/* a module from before the flag */
		out_none(t, IF_KASAN);
	out_u64(t, IF_MAX_BYTES, in->max_bytes);
	out_u64(t, IF_MAX_ALLOCS, in->max_allocs);
	out_u64(t, IF_DMA_MAX, in->dma_max_bytes);
	out_u64(t, IF_DMA_LIVE, in->dma_live_bytes);
	out_u64(t, IF_DEV_ALLOCS, in->dev_live.allocs);
	out_u64(t, IF_DEV_BYTES, in->dev_live.bytes);
	out_u64(t, IF_ALL_ALLOCS, in->all_live.allocs);
	out_u64(t, IF_ALL_BYTES, in->all_live.bytes);
	info_names(t, IF_APIS, &api_names, in->apis);
	info_names(t, IF_CONTEXTS, &context_names, in->contexts);
	info_names(t, IF_GFP, &gfp_names, in->gfp);
}

static void info_zones_fill(struct out_table *t, const struct kmemlab_info *in)
{
	for (uint32_t z = 1; z < KMEMLAB_ZONE_COUNT; z++) {
		const struct kmemlab_range *r = &in->zone_range[z];
		char buf[32];

		if (!r->end)
			continue;
		out_row(t);
		out_str(t, ZC_ZONE, name_of(&zone_names, z, buf, sizeof(buf)));
		out_hex(t, ZC_START, r->start);
		out_hex(t, ZC_END, r->end);
		out_u64(t, ZC_SIZE, r->end > r->start ? r->end - r->start : 0);
	}
}

static void info_live_fill(struct out_table *t, const struct kmemlab_info *in, bool all)
{
	for (size_t i = 0; i < api_names.count; i++) {
		const struct name_row *api = name_at(&api_names, i);
		const struct kmemlab_count *c;

		if (api->value >= KMEMLAB_API_SLOTS)
			continue;
		c = &in->api_live[api->value];
		if (!all && !c->allocs)
			continue;
		out_row(t);
		out_str(t, LC_API, api->name);
		out_u64(t, LC_ALLOCS, c->allocs);
		out_u64(t, LC_BYTES, c->bytes);
	}
}

static int run_info(struct cli *cli, int argc, char **argv)
{
	struct kmemlab_info info;
	struct out_table t[3];
	bool all = false;
	int c, fd, err;

	while ((c = cli_getopt(cli, argc, argv)) != -1)
		all |= c == OPT_ALL;
	cli_nargs(cli, argc, argv, 0, 0);
	fd = cli_open(cli);
	if (fd < 0)
		return EXIT_FAILURE;
	err = kml_info(fd, &info);
	close(fd);
	if (err)
		return cli_ioctl_fail(cli, -err, NULL);
	cli_fields(cli, &t[0], "info", &info_fields);
	cli_subtable(cli, &t[1], "zones", &zone_columns);
	cli_subtable(cli, &t[2], "live", &live_columns);
	t[2].hide_empty = true;
	info_fields_fill(&t[0], &info);
	info_zones_fill(&t[1], &info);
	info_live_fill(&t[2], &info, all);
	return cli_print(cli, t, ARRAY_SIZE(t));
}

static void info_help(void)
{
	printf("\nPrints three tables: the fields (JSON \"info\", one record), the\n"
	       "populated zones (\"zones\") and the live counters per API (\"live\").\n");
}

static const struct cli_opt *const info_optsets[] = { info_opts, NULL };

const struct cmd cmd_info = {
	.name = "info",
	.summary = "show the device, the driver and the kernel's limits",
	.flags = CMD_DEVICE | CMD_OUTPUT,
	.opts = info_optsets,
	.help = info_help,
	.run = run_info,
};
