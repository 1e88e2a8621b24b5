// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab bench --plot: ns/op against size, drawn by gnuplot.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "gnuplot.h"

/* ---- the plot ---- */

/* Do @r and @s belong to one line of the plot (all but the size alike)? */
static bool same_series(const struct run *r, const struct run *s)
{
	return r->b.api == s->b.api && r->b.context == s->b.context &&
	       r->b.pattern == s->b.pattern && r->b.batch == s->b.batch &&
	       r->b.threads == s->b.threads && r->b.gfp == s->b.gfp;
}

/* The first run of each series, in the order of @runs. */
static size_t series_heads(const struct run *runs, size_t n, size_t *heads)
{
	size_t nh = 0;

	for (size_t i = 0; i < n; i++) {
		bool seen = false;

		if (runs[i].err)
			continue;
		for (size_t h = 0; h < nh && !seen; h++)
			seen = same_series(&runs[heads[h]], &runs[i]);
		if (!seen)
			heads[nh++] = i;
	}
	return nh;
}

/* Data: one block per series, "size median p99" per line, blocks apart by two blank lines. */
static void plot_data(FILE *f, const struct run *runs, size_t n, const size_t *heads,
		      size_t nh)
{
	for (size_t h = 0; h < nh; h++) {
		for (size_t i = 0; i < n; i++) {
			/* a clock-bound run's figure is its groups' */
			const struct kmemlab_bench_stats *a = runs[i].grouped ?
				&runs[i].g.alloc : &runs[i].b.alloc;
			uint64_t median, p99;

			if (runs[i].err || !same_series(&runs[heads[h]], &runs[i]))
				continue;
			/* a log scale has no 0: below the timer's resolution, say 1 ns */
			median = a->median ? a->median : 1;
			p99 = a->p99 > median ? a->p99 : median;
			fprintf(f, "%llu %llu %llu\n", (unsigned long long)runs[i].b.size,
				(unsigned long long)median, (unsigned long long)p99);
		}
		fputs("\n\n", f);
	}
}

/* The legend of a series: the API, and what else varies in the sweep. */
static void series_title(const struct run *r, const struct bench_args *a, char *buf,
			 size_t len)
{
	char pat[32];

	pattern_name(r->b.pattern, r->b.batch, pat, sizeof(pat));
	snprintf(buf, len, "%s%s%s%s%s%s", r->api->n.name,
		 a->ncontexts > 1 ? " " : "", a->ncontexts > 1 ? ctx_name(r->b.context) : "",
		 a->npatterns > 1 ? " " : "", a->npatterns > 1 ? pat : "",
		 r->clock_bound ? " (per-op clock-bound: timed in groups)" : "");
}

static void plot_script(FILE *f, const char *out, const char *data,
			const struct run *runs, const size_t *heads, size_t nh,
			const struct bench_args *a, const struct machine *mc)
{
	char line[512], title[96];

	gp_terminal(f, out, 1000, 640);
	snprintf(line, sizeof(line), "kernel %s on %s, init_on_alloc=%d, %u thread%s",
		 mc->release, mc->label, mc->init_on_alloc, a->threads,
		 a->threads == 1 ? "" : "s");
	fputs("set title 'kmemlab bench: time per allocation (median, bar up to p99)' "
	      ". \"\\n\" . ", f);
	gp_quote(f, line);
	fputs("\nset logscale x 2\nset logscale y 10\nset grid\n"
	      "set ytics ('1 ns' 1, '10 ns' 10, '100 ns' 100, '1 µs' 1e3, '10 µs' 1e4, "
	      "'100 µs' 1e5, '1 ms' 1e6, '10 ms' 1e7, '100 ms' 1e8, '1 s' 1e9)\n"
	      "set key top left\nset xlabel 'allocation size'\n"
	      "set ylabel 'time per allocation'\nset xtics rotate by -45 (", f);
	for (size_t s = 0; s < a->nsizes; s++) {
		fprintf(f, "%s", s ? ", " : "");
		gp_quote(f, SZ(a->sizes[s]));
		fprintf(f, " %llu", (unsigned long long)a->sizes[s]);
	}
	fputs(")\nset offsets graph 0.02, graph 0.02, 0, 0\nplot ", f);
	for (size_t h = 0; h < nh; h++) {
		fputs(h ? ", \\\n     " : "", f);
		gp_quote(f, h ? "" : data);
		series_title(&runs[heads[h]], a, title, sizeof(title));
		fprintf(f, " index %zu using 1:2:2:3 with yerrorlines lw 2 pt 7 ps 0.7 title ", h);
		gp_quote(f, title);
	}
	fputs("\n", f);
}

/* What gp_draw() hands the two writers. */
struct bench_plot {
	const char *out;
	const struct run *runs;
	size_t n, nh;
	const size_t *heads;
	const struct bench_args *a;
	const struct machine *mc;
};

static void bench_data(FILE *f, void *ctx)
{
	const struct bench_plot *p = ctx;

	plot_data(f, p->runs, p->n, p->heads, p->nh);
}

static void bench_script(FILE *f, const char *data, void *ctx)
{
	const struct bench_plot *p = ctx;

	plot_script(f, p->out, data, p->runs, p->heads, p->nh, p->a, p->mc);
}

int plot(const struct cli *cli, const char *out, const struct run *runs, size_t n,
		const struct bench_args *a, const struct machine *mc)
{
	size_t *heads = calloc(n ? n : 1, sizeof(*heads));
	struct bench_plot p = { out, runs, n, 0, heads, a, mc };
	int ret;

	if (!heads)
		return err_fail(cli->cmd, ENOMEM, NULL, NULL);
	p.nh = series_heads(runs, n, heads);
	if (!p.nh) {
		free(heads);
		return err_fail(cli->cmd, ENODATA, NULL, "nothing to plot in %s: every run failed",
				out);
	}
	ret = gp_draw(cli->cmd, out, bench_data, bench_script, &p);
	free(heads);
	return ret;
}
