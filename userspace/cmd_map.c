// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab map: where allocations lie in physical memory. One strip per
 * zone, the zone's span scaled to the width, each allocation's pages
 * marked; or the runs as a table (-J, -o); or the same strips drawn by
 * gnuplot (--png, --svg).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"
#include "gnuplot.h"
#include "ioctl.h"

#define MAP_MAX		8	/* handles in one picture */

enum { OPT_WIDTH = 256, OPT_PNG, OPT_SVG, OPT_IMAGE_SIZE };

static const struct cli_opt map_opts[] = {
	{ "width", OPT_WIDTH, "N", "characters per line (default: the terminal's, or 80)" },
	{ "png", OPT_PNG, "FILE", "draw the map with gnuplot into FILE (PNG)" },
	{ "svg", OPT_SVG, "FILE", "draw the map with gnuplot into FILE (SVG)" },
	{ "image-size", OPT_IMAGE_SIZE, "WxH", "the drawing's size in pixels (default 1000x360)" },
	{ 0 }
};

static const struct cli_opt *const map_optsets[] = { map_opts, NULL };

enum { MC_HANDLE, MC_API, MC_RUN, MC_PFN, MC_PAGES, MC_BYTES, MC_ZONE, MC_GRANULE };

static const struct out_col map_cols[] = {
	[MC_HANDLE] = { "HANDLE", OUT_NUM, 0, 0, "allocation handle" },
	[MC_API] = { "API", OUT_STR, 0, 0, "allocator interface used" },
	[MC_RUN] = { "RUN", OUT_NUM, 0, 0, "run number, from the page of byte 0" },
	[MC_PFN] = { "PFN", OUT_NUM, 0, 0,
		     "first page frame (to GRANULE without CAP_SYS_ADMIN)" },
	[MC_PAGES] = { "PAGES", OUT_NUM, 0, 0, "consecutive frames in the run" },
	[MC_BYTES] = { "BYTES", OUT_SIZE, 0, 0, "the run's size" },
	[MC_ZONE] = { "ZONE", OUT_STR, 0, 0, "zone of the run's frames" },
	[MC_GRANULE] = { "GRANULE", OUT_SIZE, 0, 0, "the unit PFN is exact to" },
};

static const struct out_colset map_columns = {
	map_cols, sizeof(map_cols) / sizeof(map_cols[0]),
	"HANDLE,API,RUN,PFN,PAGES,BYTES,ZONE",
};

/* One allocation of the map. */
struct mapped {
	uint32_t handle;
	struct kmemlab_report report;
	struct kmemlab_run *runs;
	size_t nruns;
	uint64_t granule, pages;
};

struct map {
	struct kmemlab_info info;
	struct mapped m[MAP_MAX];
	size_t n;
	unsigned int width, img_w, img_h;
	const char *out_path;	/* the drawing being written */
};

static const char marks[MAP_MAX] = { '#', '@', '%', '*', '+', '=', '&', 'o' };
static const char *const colours[MAP_MAX] = {
	"#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
};

static const char *zone_name(uint32_t z, char *buf, size_t len)
{
	return name_of(&zone_names, z, buf, len);
}

static const char *api_of(const struct mapped *m, char *buf, size_t len)
{
	return name_of(&api_names, m->report.api, buf, len);
}

/* Does zone @z hold memory? */
static bool zone_present(const struct map *map, uint32_t z)
{
	return map->info.zone_range[z].end > map->info.zone_range[z].start;
}

/* ---- the text picture ---- */

/* The largest first: a small allocation's mark stays on top of a spray. */
static void draw_order(const struct map *map, size_t *order)
{
	for (size_t k = 0; k < map->n; k++) {
		size_t j = k;

		for (; j > 0 && map->m[order[j - 1]].pages < map->m[k].pages; j--)
			order[j] = order[j - 1];
		order[j] = k;
	}
}

/*
 * @x * @w / @span without overflow, for @x < @span: 128-bit where the
 * compiler has it, else long double (64-bit mantissa on i386: exact).
 */
static unsigned int scale(uint64_t x, unsigned int w, uint64_t span)
{
#ifdef __SIZEOF_INT128__
	return (unsigned int)((unsigned __int128)x * w / span);
#else
	return (unsigned int)((long double)x * w / span);
#endif
}

/* Mark in @cells (@w of them, the zone [start, end)) the bytes [a, b). */
static void mark(char *cells, unsigned int w, uint64_t start, uint64_t end,
		 uint64_t a, uint64_t b, char c)
{
	uint64_t span = end - start;
	unsigned int i, j;

	if (b <= start || a >= end)
		return;
	a = a < start ? start : a;
	b = b > end ? end : b;
	i = scale(a - start, w, span);
	j = scale(b - 1 - start, w, span);
	for (; i <= j && i < w; i++)
		cells[i] = c;
}

static void print_picture(const struct map *map)
{
	uint64_t page = map->info.page_size;
	unsigned int w = map->width > 40 ? map->width - 32 : 8;
	char *cells = malloc(w + 1), zb[32], ab[32];
	size_t order[MAP_MAX];
	bool coarse = false;

	if (!cells)
		return;
	draw_order(map, order);
	for (uint32_t z = 1; z < KMEMLAB_ZONE_COUNT; z++) {
		const struct kmemlab_range *r = &map->info.zone_range[z];

		if (!zone_present(map, z))
			continue;
		memset(cells, '.', w);
		cells[w] = '\0';
		for (size_t o = 0; o < map->n; o++) {
			size_t k = order[o];

			for (size_t i = 0; i < map->m[k].nruns; i++) {
				const struct kmemlab_run *run = &map->m[k].runs[i];

				mark(cells, w, r->start, r->end, run->pfn * page,
				     (run->pfn + run->pages) * page, marks[k]);
			}
		}
		printf("%-8s|%s| %s", zone_name(z, zb, sizeof(zb)), cells, SZ(r->start));
		printf(" - %s\n", SZ(r->end));
	}
	free(cells);
	for (size_t k = 0; k < map->n; k++) {
		const struct mapped *m = &map->m[k];
		uint64_t largest = 0, per_zone[KMEMLAB_ZONE_COUNT] = { 0 };

		for (size_t i = 0; i < m->nruns; i++) {
			if (m->runs[i].pages > largest)
				largest = m->runs[i].pages;
			if (m->runs[i].zone < KMEMLAB_ZONE_COUNT)
				per_zone[m->runs[i].zone] += m->runs[i].pages;
		}
		printf("%c handle %u, %s %s: %llu page%s in %zu run%s, the largest %llu page%s",
		       marks[k], m->handle, api_of(m, ab, sizeof(ab)), SZ(m->report.size),
		       (unsigned long long)m->pages, m->pages == 1 ? "" : "s", m->nruns,
		       m->nruns == 1 ? "" : "s", (unsigned long long)largest,
		       largest == 1 ? "" : "s");
		for (uint32_t z = 1; z < KMEMLAB_ZONE_COUNT; z++)
			if (per_zone[z])
				printf("; %s %llu", zone_name(z, zb, sizeof(zb)),
				       (unsigned long long)per_zone[z]);
		putchar('\n');
		coarse |= m->granule > page;
	}
	if (coarse)
		printf("(positions to %s: the exact frames need CAP_SYS_ADMIN)\n",
		       SZ(map->m[0].granule));
}

/* ---- the drawing ---- */

/* Zones present, top to bottom: the row of zone @z, or -1. */
static int zone_row(const struct map *map, uint32_t z)
{
	int row = 0;

	if (!zone_present(map, z))
		return -1;
	for (uint32_t y = 1; y < z; y++)
		row += zone_present(map, y);
	return row;
}

/*
 * One block per allocation: "x y dx dy" boxes, x the middle of a run as a
 * fraction of its zone's span, at least a pixel wide.
 */
static void map_data(FILE *f, void *ctx)
{
	const struct map *map = ctx;
	double min_half = 0.75 / map->img_w;

	for (size_t k = 0; k < map->n; k++) {
		const struct mapped *m = &map->m[k];

		for (size_t i = 0; i < m->nruns; i++) {
			const struct kmemlab_run *run = &m->runs[i];
			const struct kmemlab_range *r;
			double span, a, b, half;
			int row = run->zone < KMEMLAB_ZONE_COUNT ? zone_row(map, run->zone) : -1;

			if (row < 0)
				continue;
			r = &map->info.zone_range[run->zone];
			span = (double)(r->end - r->start);
			a = ((double)run->pfn * map->info.page_size - r->start) / span;
			b = a + (double)run->pages * map->info.page_size / span;
			half = (b - a) / 2 > min_half ? (b - a) / 2 : min_half;
			fprintf(f, "%.9f %d %.9f 0.3\n", (a + b) / 2, -row, half);
		}
		/* gnuplot's index counts blocks: an empty one still needs a line */
		if (!m->nruns)
			fputs("-1 0 0 0\n", f);
		fputs("\n\n", f);
	}
}

static void map_script(FILE *f, const char *data, void *ctx)
{
	const struct map *map = ctx;
	char zb[32], ab[32], label[160];
	size_t order[MAP_MAX];
	int rows = 0;

	gp_terminal(f, map->out_path, map->img_w, map->img_h);
	fputs("set title 'kmemlab map: the pages of each allocation, one strip per zone' . "
	      "\"\\n\" . ", f);
	snprintf(label, sizeof(label), "kernel %s, page size %s%s", map->info.release,
		 SZ(map->info.page_size),
		 map->n && map->m[0].granule > map->info.page_size ?
		 ", positions to the granule (no CAP_SYS_ADMIN)" : "");
	gp_quote(f, label);
	fputs("\nset xrange [0:1]\nunset xtics\nset style fill solid 1.0 noborder\n"
	      "set key outside bottom center horizontal\nset ytics nomirror (", f);
	for (uint32_t z = 1; z < KMEMLAB_ZONE_COUNT; z++) {
		const struct kmemlab_range *r = &map->info.zone_range[z];
		int n;

		if (!zone_present(map, z))
			continue;
		n = snprintf(label, sizeof(label), "%s  %s", zone_name(z, zb, sizeof(zb)),
			     SZ(r->start));
		snprintf(label + n, sizeof(label) - (size_t)n, " - %s", SZ(r->end));
		fputs(rows ? ", " : "", f);
		gp_quote(f, label);
		fprintf(f, " %d", -rows++);
	}
	fputs(")\n", f);
	/* the strips: each zone's whole span, the pages drawn over it */
	for (int row = 0; row < rows; row++)
		fprintf(f, "set object %d rect from 0,%.1f to 1,%.1f fc rgb '#e8e8e8' behind\n",
			row + 1, -row - 0.3, -row + 0.3);
	fprintf(f, "set yrange [%.1f:0.6]\nplot ", -rows + 0.4);
	draw_order(map, order);
	for (size_t o = 0; o < map->n; o++) {
		size_t k = order[o];

		fputs(o ? ", \\\n     " : "", f);
		gp_quote(f, o ? "" : data);
		snprintf(label, sizeof(label), "handle %u %s %s", map->m[k].handle,
			 api_of(&map->m[k], ab, sizeof(ab)), SZ(map->m[k].report.size));
		fprintf(f, " index %zu using 1:2:3:4 with boxxyerror lc rgb '%s' title ", k,
			colours[k]);
		gp_quote(f, label);
	}
	fputc('\n', f);
}

/* ---- the runs as a table ---- */

static void map_table(struct out_table *t, const struct map *map)
{
	char ab[32], zb[32];

	for (size_t k = 0; k < map->n; k++) {
		const struct mapped *m = &map->m[k];

		for (size_t i = 0; i < m->nruns; i++) {
			out_row(t);
			out_u64(t, MC_HANDLE, m->handle);
			out_str(t, MC_API, api_of(m, ab, sizeof(ab)));
			out_u64(t, MC_RUN, i);
			out_u64(t, MC_PFN, m->runs[i].pfn);
			out_u64(t, MC_PAGES, m->runs[i].pages);
			out_u64(t, MC_BYTES, m->runs[i].pages * map->info.page_size);
			out_str(t, MC_ZONE, zone_name(m->runs[i].zone, zb, sizeof(zb)));
			out_u64(t, MC_GRANULE, m->granule);
		}
	}
}

/* The terminal's width, or $COLUMNS, or 80. */
static unsigned int term_width(void)
{
	struct winsize ws;
	const char *c = getenv("COLUMNS");

	if (isatty(STDOUT_FILENO) && !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col)
		return ws.ws_col;
	if (c && atoi(c) > 0)
		return (unsigned int)atoi(c);
	return 80;
}

static void parse_image_size(const struct cli *cli, const char *arg, struct map *map)
{
	unsigned int w, h;
	char end;

	if (sscanf(arg, "%ux%u%c", &w, &h, &end) != 2 || w < 200 || h < 100 ||
	    w > 10000 || h > 10000)
		cli_usage(cli, NULL, "--image-size '%s': give WxH in pixels, 200x100 to "
			  "10000x10000", arg);
	map->img_w = w;
	map->img_h = h;
}

static int run_map(struct cli *cli, int argc, char **argv)
{
	struct map *map = calloc(1, sizeof(*map));
	const char *png = NULL, *svg = NULL;
	struct out_table t;
	bool table;
	int fd, err = 0, c, ret = EXIT_SUCCESS;

	if (!map)
		return err_fail(cli->cmd, ENOMEM, NULL, NULL);
	map->img_w = 1000;
	map->img_h = 360;
	map->width = term_width();
	while ((c = cli_getopt(cli, argc, argv)) != -1) {
		switch (c) {
		case OPT_WIDTH:
			map->width = (unsigned int)cli_number(cli, "--width", optarg, 1000);
			break;
		case OPT_PNG: png = optarg; break;
		case OPT_SVG: svg = optarg; break;
		case OPT_IMAGE_SIZE: parse_image_size(cli, optarg, map); break;
		}
	}
	cli_nargs(cli, argc, argv, 1, MAP_MAX);
	table = cli->out.json || cli->out.csv || cli->out.raw || cli->out.columns ||
		cli->out.all_columns;
	fd = cli_open_with_table(cli, &t, "map", &map_columns);
	if (fd < 0) {
		free(map);
		return EXIT_FAILURE;
	}
	err = kml_info(fd, &map->info);
	for (int i = optind; !err && i < argc; i++) {
		struct mapped *m = &map->m[map->n];

		m->handle = cli_handle(cli, argv[i]);
		err = kml_query(fd, m->handle, &m->report);
		if (!err)
			err = kml_runs(fd, m->handle, &m->runs, &m->nruns, &m->granule, &m->pages);
		if (!err)
			map->n++;
	}
	close(fd);
	if (err) {
		ret = cli_ioctl_fail(cli, -err, handle_errs);
		goto out;
	}
	if (table) {
		map_table(&t, map);
		ret = cli_print(cli, &t, 1);
	} else {
		out_free(&t, 1);
		print_picture(map);
	}
	for (int k = 0; k < 2 && ret == EXIT_SUCCESS; k++) {
		map->out_path = k ? svg : png;
		if (map->out_path)
			ret = gp_draw(cli->cmd, map->out_path, map_data, map_script, map);
	}
out:
	for (size_t k = 0; k < map->n; k++)
		free(map->m[k].runs);
	free(map);
	return ret;
}

const struct cmd cmd_map = {
	.name = "map",
	.args = "HANDLE...",
	.summary = "show where allocations lie in physical memory, zone by zone",
	.flags = CMD_DEVICE | CMD_OUTPUT | CMD_COLUMNS,
	.opts = map_optsets,
	.columns = &map_columns,
	.run = run_map,
};
