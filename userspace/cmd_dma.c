// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab dma-map: map an allocation for the device with the DMA API, show
 * what the mapping looked like (segments, bounce buffers, the mask), unmap.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <libsmartcols.h>

#include "cli.h"
#include "explain.h"
#include "ioctl.h"
#include "names.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define RIGHT		SCOLS_FL_RIGHT

enum {
	DC_HANDLE, DC_MODE, DC_NENTS, DC_PAGES, DC_BOUNCED, DC_COHERENT,
	DC_BEYOND, DC_MASK, DC_BUS, DC_DIRECTION, DC_MAX_SEGMENT,
};

static const struct out_col dma_cols[] = {
	[DC_HANDLE] = { "HANDLE", OUT_NUM, 0, RIGHT, "allocation handle" },
	[DC_MODE] = { "MODE", OUT_STR, 0, 0, "single (dma_map_single) or sg (dma_map_sgtable)" },
	[DC_NENTS] = { "NENTS", OUT_NUM, 0, RIGHT, "segments of the mapping" },
	[DC_PAGES] = { "PAGES", OUT_NUM, 0, RIGHT, "pages mapped" },
	[DC_BOUNCED] = { "BOUNCED", OUT_BOOL, 0, 0, "bounced through swiotlb" },
	[DC_COHERENT] = { "COHERENT", OUT_BOOL, 0, 0,
			  "dma_alloc_coherent memory, mapped when allocated" },
	[DC_BEYOND] = { "BEYOND-MASK", OUT_BOOL, 0, 0, "the memory lies beyond the DMA mask" },
	[DC_MASK] = { "MASK", OUT_HEX, 0, RIGHT, "the device's DMA mask" },
	[DC_BUS] = { "BUS", OUT_HEX, 0, RIGHT, "bus address of the first segment (CAP_SYS_ADMIN)" },
	[DC_DIRECTION] = { "DIRECTION", OUT_STR, 0, 0, "to-device, from-device or bidirectional" },
	[DC_MAX_SEGMENT] = { "MAX-SEGMENT", OUT_NUM, 0, RIGHT,
			     "the longest segment the device takes (dma_get_max_seg_size)" },
};

static const struct out_colset dma_columns = {
	dma_cols, ARRAY_SIZE(dma_cols),
	"HANDLE,MODE,NENTS,PAGES,BOUNCED,COHERENT,BEYOND-MASK,MASK,BUS",
};

static const struct cli_opt dma_opts[] = {
	{ "mode", 'm', "MODE", "single or sg (default: sg for vmalloc memory, else single)" },
	{ "direction", 'D', "DIR", "to-device, from-device or bidirectional "
	  "(default bidirectional)" },
	{ 0 }
};

static void dma_row(struct out_table *t, const struct kmemlab_dma *d)
{
	char buf[32];

	out_row(t);
	out_u64(t, DC_HANDLE, d->handle);
	out_str(t, DC_MODE, name_of(&dma_mode_names, d->mode, buf, sizeof(buf)));
	out_u64(t, DC_NENTS, d->nents);
	out_u64(t, DC_PAGES, d->pages);
	out_bool(t, DC_BOUNCED, d->result & KMEMLAB_DMA_BOUNCED);
	out_bool(t, DC_COHERENT, d->result & KMEMLAB_DMA_COHERENT);
	out_bool(t, DC_BEYOND, d->result & KMEMLAB_DMA_BEYOND_MASK);
	out_u64(t, DC_MASK, d->mask);
	if (d->result & KMEMLAB_DMA_ADDRS)
		out_u64(t, DC_BUS, d->bus);
	else
		out_none(t, DC_BUS);
	out_str(t, DC_DIRECTION, name_of(&dma_dir_names, d->direction, buf, sizeof(buf)));
	out_u64(t, DC_MAX_SEGMENT, d->max_segment);
}

/* Look the handle up (for the default mode and the explanation), then map. */
static int dma_map(const struct cli *cli, int fd, struct kmemlab_dma *d)
{
	struct kmemlab_report r = { 0 };
	struct errmsg m;
	int err = kml_query(fd, d->handle, &r);

	if (!err) {
		if (!d->mode)
			d->mode = r.backing == KMEMLAB_BACKING_VMALLOC ?
				  KMEMLAB_DMA_SG : KMEMLAB_DMA_SINGLE;
		err = kml_dma_map(fd, d);
	}
	if (!err)
		return 0;
	if (-err == ENODEV || -err == EINTR || -err == EFAULT)
		return cli_ioctl_fail(cli, -err, NULL);
	explain_dma(-err, d->mode, r.backing, &m);
	return err_print(cli->cmd, -err, &m);
}

static int run_dma_map(struct cli *cli, int argc, char **argv)
{
	struct kmemlab_dma d = { .direction = KMEMLAB_DMA_BIDIRECTIONAL };
	struct out_table t;
	int c, fd, rc;

	while ((c = cli_getopt(cli, argc, argv)) != -1) {
		if (c == 'm')
			d.mode = (uint32_t)cli_name(cli, &dma_mode_names, "--mode", optarg)->value;
		else if (c == 'D')
			d.direction = (uint32_t)cli_name(cli, &dma_dir_names, "--direction",
							  optarg)->value;
	}
	cli_nargs(cli, argc, argv, 1, 1);
	d.handle = cli_handle(cli, argv[optind]);
	fd = cli_open_with_table(cli, &t, "mappings", &dma_columns);
	if (fd < 0)
		return EXIT_FAILURE;
	rc = dma_map(cli, fd, &d);
	close(fd);
	if (rc) {
		out_free(&t, 1);
		return rc;
	}
	dma_row(&t, &d);
	return cli_print(cli, &t, 1);
}

static void dma_help(void)
{
	printf("\nThe driver maps the allocation, reports and unmaps it again; memory\n"
	       "beyond the device's mask (module parameter dma_bits) is bounced through\n"
	       "swiotlb when the device can reach that, else refused (ERANGE).\n"
	       "dma_alloc_coherent memory is already mapped: it is reported as it is.\n");
}

static const struct cli_opt *const dma_optsets[] = { dma_opts, NULL };

const struct cmd cmd_dma_map = {
	.name = "dma-map",
	.args = "HANDLE",
	.summary = "map an allocation for DMA, show segments and bouncing, unmap",
	.flags = CMD_DEVICE | CMD_OUTPUT | CMD_COLUMNS,
	.opts = dma_optsets,
	.columns = &dma_columns,
	.help = dma_help,
	.run = run_dma_map,
};
