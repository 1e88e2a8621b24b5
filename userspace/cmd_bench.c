// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab bench: time allocators in the kernel (KMEMLAB_IOC_BENCH) over a
 * sweep of APIs, sizes, contexts and patterns; print the distributions,
 * the ratios between them, and plot them with gnuplot. --syscall times the
 * ioctl path itself from userspace (KMEMLAB_IOC_NOP against ALLOC + FREE).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libsmartcols.h>

#include "bench.h"
#include "explain.h"
#include "gnuplot.h"
#include "ioctl.h"
#include "stats.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define RIGHT		SCOLS_FL_RIGHT

/* ---- columns ---- */

enum {
	BC_API, BC_SIZE, BC_CONTEXT, BC_PATTERN, BC_THREADS, BC_GFP,
	BC_ITERATIONS, BC_COUNT,
	BC_AMIN, BC_AMEDIAN, BC_AP90, BC_AP99, BC_AMAX, BC_AMEAN, BC_ASTDDEV,
	BC_FMIN, BC_FMEDIAN, BC_FP90, BC_FP99, BC_FMAX, BC_FMEAN, BC_FSTDDEV,
	BC_OPS, BC_FAILURES, BC_OVERHEAD, BC_ELAPSED, BC_CAPPED,
	BC_METHOD, BC_TRUSTED, BC_GALLOC, BC_GFREE, BC_GCOUNT, BC_DISPATCH, BC_CLOCK,
	BC_ACI_LO, BC_ACI_HI, BC_GCI_LO, BC_GCI_HI, BC_REPEATS, BC_MEDIANS, BC_SPREAD,
};

static const struct out_col bench_cols[] = {
	[BC_API] = { "API", OUT_STR, 0, 0, "allocator interface" },
	[BC_SIZE] = { "SIZE", OUT_SIZE, 0, RIGHT, "bytes per allocation" },
	[BC_CONTEXT] = { "CONTEXT", OUT_STR, 0, 0, "context the timed calls ran in" },
	[BC_PATTERN] = { "PATTERN", OUT_STR, 0, 0, "pair, or batch:N" },
	[BC_THREADS] = { "THREADS", OUT_NUM, 0, RIGHT, "kthreads, one per CPU" },
	[BC_GFP] = { "GFP", OUT_STR, 0, 0, "GFP flags" },
	[BC_ITERATIONS] = { "ITERATIONS", OUT_NUM, 0, RIGHT, "allocations asked per thread" },
	[BC_COUNT] = { "COUNT", OUT_NUM, 0, RIGHT, "allocations timed (all threads)" },
	[BC_AMIN] = { "ALLOC-MIN", OUT_TIME, 0, RIGHT, "fastest allocation" },
	[BC_AMEDIAN] = { "ALLOC-MEDIAN", OUT_TIME, 0, RIGHT, "median allocation" },
	[BC_AP90] = { "ALLOC-P90", OUT_TIME, 0, RIGHT, "90th percentile allocation" },
	[BC_AP99] = { "ALLOC-P99", OUT_TIME, 0, RIGHT, "99th percentile allocation" },
	[BC_AMAX] = { "ALLOC-MAX", OUT_TIME, 0, RIGHT, "slowest allocation" },
	[BC_AMEAN] = { "ALLOC-MEAN", OUT_TIME, 0, RIGHT, "mean allocation" },
	[BC_ASTDDEV] = { "ALLOC-STDDEV", OUT_TIME, 0, RIGHT, "standard deviation of the allocations" },
	[BC_FMIN] = { "FREE-MIN", OUT_TIME, 0, RIGHT, "fastest free" },
	[BC_FMEDIAN] = { "FREE-MEDIAN", OUT_TIME, 0, RIGHT, "median free" },
	[BC_FP90] = { "FREE-P90", OUT_TIME, 0, RIGHT, "90th percentile free" },
	[BC_FP99] = { "FREE-P99", OUT_TIME, 0, RIGHT, "99th percentile free" },
	[BC_FMAX] = { "FREE-MAX", OUT_TIME, 0, RIGHT, "slowest free" },
	[BC_FMEAN] = { "FREE-MEAN", OUT_TIME, 0, RIGHT, "mean free" },
	[BC_FSTDDEV] = { "FREE-STDDEV", OUT_TIME, 0, RIGHT, "standard deviation of the frees" },
	[BC_OPS] = { "OPS/S", OUT_NUM, 0, RIGHT, "allocations per second, frees and timer included" },
	[BC_FAILURES] = { "FAILURES", OUT_NUM, 0, RIGHT, "allocations that returned NULL" },
	[BC_OVERHEAD] = { "OVERHEAD", OUT_TIME, 0, RIGHT, "the timer's own cost, subtracted from each sample" },
	[BC_ELAPSED] = { "ELAPSED", OUT_TIME, 0, RIGHT, "wall time of the timed phase" },
	[BC_CAPPED] = { "CAPPED", OUT_BOOL, 0, 0, "stopped early at the module's bench_max_ms" },
	[BC_METHOD] = { "METHOD", OUT_STR, 0, 0,
			"per-op, group:N (N ops between two clock reads), or both" },
	[BC_TRUSTED] = { "TRUSTED", OUT_BOOL, 0, 0,
			 "the per-op times: the clock costs at most 10 % of the median" },
	[BC_GALLOC] = { "GROUP-ALLOC", OUT_TIME, 0, RIGHT,
			"median per op over groups: an allocation (batch), an alloc+free (pair)" },
	[BC_GFREE] = { "GROUP-FREE", OUT_TIME, 0, RIGHT, "median per free over groups (batch)" },
	[BC_GCOUNT] = { "GROUPS", OUT_NUM, 0, RIGHT, "groups timed" },
	[BC_DISPATCH] = { "DISPATCH", OUT_TIME, 0, RIGHT,
			  "the bench's own calls per op in a group, subtracted from GROUP-ALLOC and GROUP-FREE" },
	[BC_CLOCK] = { "CLOCK", OUT_STR, 0, 0, "the clock: ktime, or cycles at the rate the kernel gave" },
	[BC_ACI_LO] = { "ALLOC-CI-LO", OUT_TIME, 0, RIGHT,
			"95 % confidence interval of ALLOC-MEDIAN, low end (order statistics)" },
	[BC_ACI_HI] = { "ALLOC-CI-HI", OUT_TIME, 0, RIGHT, "the same, high end" },
	[BC_GCI_LO] = { "GROUP-CI-LO", OUT_TIME, 0, RIGHT,
			"95 % confidence interval of GROUP-ALLOC, low end" },
	[BC_GCI_HI] = { "GROUP-CI-HI", OUT_TIME, 0, RIGHT, "the same, high end" },
	[BC_REPEATS] = { "REPEATS", OUT_NUM, 0, RIGHT, "rounds run (--repeat); the table shows the last" },
	[BC_MEDIANS] = { "MEDIANS", OUT_STR, 0, 0,
			 "each round's median (GROUP-ALLOC where grouped, else ALLOC-MEDIAN), ns" },
	[BC_SPREAD] = { "SPREAD", OUT_RATIO, 0, RIGHT,
			"(max - min) / mean of the rounds' medians, in %" },
};

static const struct out_colset bench_columns = {
	bench_cols, ARRAY_SIZE(bench_cols),
	"API,SIZE,CONTEXT,PATTERN,THREADS,METHOD,ALLOC-MIN,ALLOC-MEDIAN,ALLOC-CI-LO,ALLOC-CI-HI,"
	"ALLOC-P99,ALLOC-MAX,FREE-MEDIAN,FREE-P99,GROUP-ALLOC,GROUP-FREE,TRUSTED,OVERHEAD,SPREAD",
};


static const struct out_col ratio_cols[] = {
	[RA_COMPARE] = { "COMPARE", OUT_STR, 0, 0, "what is divided by what" },
	[RA_API] = { "API", OUT_STR, 0, 0, "allocator interface of the numerator" },
	[RA_SIZE] = { "SIZE", OUT_SIZE, 0, RIGHT, "bytes per allocation" },
	[RA_CONTEXT] = { "CONTEXT", OUT_STR, 0, 0, "context of the numerator" },
	[RA_PATTERN] = { "PATTERN", OUT_STR, 0, 0, "pattern of the numerator" },
	[RA_MEDIAN] = { "MEDIAN", OUT_RATIO, 0, RIGHT, "ratio of the median times" },
	[RA_P99] = { "P99", OUT_RATIO, 0, RIGHT, "ratio of the 99th percentiles" },
	[RA_FREE] = { "FREE-MEDIAN", OUT_RATIO, 0, RIGHT, "ratio of the median frees" },
	[RA_ROUNDS_MIN] = { "ROUNDS-MIN", OUT_RATIO, 0, RIGHT,
			    "--repeat: the lowest of the rounds' ratios of the headline medians" },
	[RA_ROUNDS_MAX] = { "ROUNDS-MAX", OUT_RATIO, 0, RIGHT,
			    "--repeat: the highest of the rounds' ratios of the headline medians" },
};

const struct out_colset ratio_columns = { ratio_cols, ARRAY_SIZE(ratio_cols), NULL };

/* ---- signals and progress ---- */

volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

/* SIGINT and SIGTERM interrupt the ioctl (-EINTR) instead of killing us. */
static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: the ioctl returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Say so and die of the signal that stopped us, as the shell expects. */
_Noreturn void die_of_signal(const struct cli *cli, size_t done, size_t total)
{
	int sig = stop_signal ? stop_signal : SIGINT;

	err_fail(cli->cmd, EINTR, NULL, "interrupted by %s after %zu of %zu run%s; "
		 "the driver freed everything the bench had allocated",
		 sig == SIGTERM ? "SIGTERM" : "SIGINT", done, total, total == 1 ? "" : "s");
	signal(sig, SIG_DFL);
	raise(sig);
	exit(128 + sig);
}

bool progress_on;

void progress(const char *fmt, ...)
{
	va_list ap;

	if (!progress_on)
		return;
	fputs("\r\033[K", stderr);
	if (fmt) {
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
	}
	fflush(stderr);
}

/* ---- the sweep ---- */

void pattern_name(uint32_t pattern, uint32_t batch, char *buf, size_t len)
{
	if (pattern == KMEMLAB_BENCH_BATCH)
		snprintf(buf, len, "batch:%u", batch);
	else
		snprintf(buf, len, "%s", name_of(&bench_pattern_names, pattern, buf, len));
}

const char *ctx_name(uint32_t ctx)
{
	const struct name_row *r = name_by_value(&context_names, ctx);

	return r ? r->name : "?";
}

/* "vmalloc 64 KiB atomic batch:64": a run, for messages. */
static char *run_name(const struct run *r, char *buf, size_t len)
{
	char pat[32];

	pattern_name(r->b.pattern, r->b.batch, pat, sizeof(pat));
	snprintf(buf, len, "%s %s %s %s", r->api->n.name, SZ(r->b.size),
		 ctx_name(r->b.context), pat);
	return buf;
}

static int explain_run(const struct cli *cli, const struct run *r,
		       const struct machine *mc, bool prefix)
{
	struct bench_req req = {
		.api = r->api, .context = r->b.context, .pattern = r->b.pattern,
		.batch = r->b.batch, .threads = r->b.threads,
		.iterations = r->b.iterations, .size = r->b.size, .gfp = r->b.gfp,
	};
	struct errmsg m;
	char what[128], text[sizeof(m.text) + sizeof(what) + 2];

	if (r->err == ENODEV)
		return cli_ioctl_fail(cli, r->err, NULL);
	explain_bench(r->err, &req, &r->b.refusal, mc->have_info ? &mc->info : NULL, &m);
	if (prefix) {
		snprintf(text, sizeof(text), "%s: %s", run_name(r, what, sizeof(what)), m.text);
		memcpy(m.text, text, sizeof(m.text) - 1);
		m.text[sizeof(m.text) - 1] = '\0';
	}
	return err_print(cli->cmd, r->err, &m);
}

/* Every combination, API by API, then context, pattern, size. */
static struct run *plan(const struct bench_args *a, size_t *n)
{
	size_t total = a->napis * a->ncontexts * a->npatterns * a->nsizes, i = 0;
	struct run *runs = calloc(total, sizeof(*runs));

	if (!runs)
		return NULL;
	for (size_t ap = 0; ap < a->napis; ap++)
	for (size_t c = 0; c < a->ncontexts; c++)
	for (size_t p = 0; p < a->npatterns; p++)
	for (size_t s = 0; s < a->nsizes; s++, i++) {
		struct kmemlab_bench *b = &runs[i].b;

		runs[i].api = a->apis[ap];
		b->api = (uint32_t)a->apis[ap]->n.value;
		b->context = a->contexts[c];
		b->size = a->sizes[s];
		/* no --size: a typed API's own size, once the driver described it */
		if (a->size_default && api_type_size(api_by_value(b->api)))
			b->size = api_type_size(api_by_value(b->api));
		/* the driver's row: the options were read before it described it */
		b->gfp = a->gfp ? a->gfp : api_default_gfp(api_by_value(b->api),
				a->contexts[c] == KMEMLAB_CTX_PROCESS ?
				KMEMLAB_GFP_KERNEL : KMEMLAB_GFP_ATOMIC);
		b->iterations = a->iterations;
		b->warmup = a->warmup;
		b->pattern = a->patterns[p].pattern;
		b->batch = a->patterns[p].batch;
		b->threads = a->threads;
		b->flags = a->cycles ? KMEMLAB_BENCH_CYCLES : 0;
		runs[i].req = *b;
	}
	*n = total;
	return runs;
}

/* Cycle counts to ns, at the rate the kernel gave (none given: left as counts). */
static void to_ns(struct kmemlab_bench *b)
{
	struct kmemlab_bench_stats *st[] = { &b->alloc, &b->free };

	if (!(b->flags & KMEMLAB_BENCH_CYCLES) || !b->clock_hz)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(st); i++) {
		__u64 *v[] = { &st[i]->min, &st[i]->median, &st[i]->p90, &st[i]->p99,
				  &st[i]->max, &st[i]->mean, &st[i]->stddev };

		for (size_t k = 0; k < ARRAY_SIZE(v); k++)
			*v[k] = (uint64_t)((double)*v[k] * 1e9 / (double)b->clock_hz);
	}
	b->overhead = (uint64_t)((double)b->overhead * 1e9 / (double)b->clock_hz);
	b->dispatch = (uint64_t)((double)b->dispatch * 1e9 / (double)b->clock_hz);
}

/*
 * The group size --method auto takes: enough operations that the clock's
 * two reads cost under 1 % of the group. A batch is its own group.
 */
static uint32_t group_size(const struct kmemlab_bench *b)
{
	uint64_t med = b->alloc.median ? b->alloc.median : 1;
	uint64_t n = (100 * b->overhead + med - 1) / med;

	if (b->pattern == KMEMLAB_BENCH_BATCH)
		return b->batch;
	return n < 2 ? 2 : n > KMEMLAB_BENCH_GROUP_MAX ? KMEMLAB_BENCH_GROUP_MAX : (uint32_t)n;
}

/*
 * One bench, with its allocation samples fetched for the 95 % interval of
 * their median (@ci, @have_ci); in ns. 0 or an errno.
 */
static int bench_call(int fd, struct kmemlab_bench *b, uint64_t *ci, bool *have_ci)
{
	size_t n = (size_t)b->iterations * b->threads;
	uint64_t *v = calloc(n ? n : 1, sizeof(*v));
	int err;

	if (!v)
		return ENOMEM;
	b->alloc_samples = (uintptr_t)v;
	b->samples_len = n;
	err = -kml_bench(fd, b);
	b->alloc_samples = 0;
	b->samples_len = 0;
	if (!err) {
		n = b->samples_out < b->alloc.count ? b->samples_out : b->alloc.count;
		stats_sort(v, n);
		*have_ci = stats_median_ci(v, n, &ci[0], &ci[1]);
		if (*have_ci && (b->flags & KMEMLAB_BENCH_CYCLES) && b->clock_hz)
			for (int k = 0; k < 2; k++)
				ci[k] = (uint64_t)((double)ci[k] * 1e9 / (double)b->clock_hz);
		to_ns(b);
	}
	free(v);
	return err;
}

/*
 * One run by the method asked: per-op; then, for auto, groups when the
 * clock costs more than 10 % of the per-op median. 0 or an errno.
 */
static int run_one(int fd, struct run *r, const struct bench_args *a)
{
	int err;

	r->b = r->req;
	r->per_op = r->grouped = r->clock_bound = false;
	r->have_ci[0] = r->have_ci[1] = false;

	if (a->method != METHOD_GROUP) {
		err = bench_call(fd, &r->b, r->ci[0], &r->have_ci[0]);
		if (err)
			return err;
		r->per_op = true;
		r->clock_bound = r->b.overhead * 10 > r->b.alloc.median;
		if (a->method == METHOD_PER_OP || !r->clock_bound)
			return 0;
	}
	r->g = r->b;
	memset(&r->g.refusal, 0, sizeof(r->g.refusal));
	r->g.flags |= KMEMLAB_BENCH_GROUPED;
	if (r->g.pattern == KMEMLAB_BENCH_PAIR)
		r->g.batch = a->method == METHOD_GROUP ? (a->group ? a->group : 64) :
			     group_size(&r->b);
	else if (r->g.batch > KMEMLAB_BENCH_GROUP_MAX)
		return a->method == METHOD_GROUP ? EINVAL : 0;	/* no group that large */
	err = bench_call(fd, &r->g, r->ci[1], &r->have_ci[1]);
	if (err) {
		if (r->per_op)
			return 0;	/* the per-op result stands, marked */
		r->b = r->g;	/* the refusal to explain */
		return err;
	}
	r->grouped = true;
	if (!r->per_op)
		r->b = r->g;	/* the run's other figures: OPS/S, OVERHEAD, ELAPSED */
	return 0;
}

/*
 * The @k-th run in time: size outermost, then context and pattern, the API
 * innermost. The runs a ratio divides (an API by kmalloc at one size, a
 * pattern by pair, a context by process) then run close together, not a
 * whole API's sizes apart: a slow spell of the host falls on both.
 */
static size_t run_at(const struct bench_args *a, size_t k)
{
	size_t ap = k % a->napis, rest = k / a->napis;
	size_t p = rest % a->npatterns, c = rest / a->npatterns % a->ncontexts;
	size_t s = rest / a->npatterns / a->ncontexts;

	return ((ap * a->ncontexts + c) * a->npatterns + p) * a->nsizes + s;
}

/* Run them all; the exit status. A refused run is explained, the rest go on. */
static int sweep(const struct cli *cli, int fd, struct run *runs, size_t n,
		 const struct machine *mc, const struct bench_args *a)
{
	int rc = EXIT_SUCCESS;
	size_t total = n * a->repeat, done = 0;
	char what[128];

	/* Round after round, every run once in each, in run_at's order: interleaved. */
	for (uint32_t round = 0; round < a->repeat; round++)
	for (size_t k = 0; k < n; k++, done++) {
		struct run *r = &runs[run_at(a, k)];

		if (stop_signal) {
			progress(NULL);
			die_of_signal(cli, done, total);
		}
		if (round && r->err)
			continue;	/* refused once, explained once */
		progress("bench [%zu/%zu] %s", done + 1, total, run_name(r, what, sizeof(what)));
		r->err = run_one(fd, r, a);
		if (r->err == EINTR || stop_signal) {
			progress(NULL);
			die_of_signal(cli, done, total);
		}
		if (!r->err) {
			r->rep_op[r->nrep] = r->per_op ? r->b.alloc.median : 0;
			r->rep[r->nrep++] = r->grouped ? r->g.alloc.median : r->b.alloc.median;
			continue;
		}
		progress(NULL);
		rc = explain_run(cli, r, mc, n > 1);
		if (r->err == ENODEV || r->err == ENOTTY)
			goto out;	/* every other run would fail the same way */
	}
out:
	progress(NULL);
	return rc;
}

/* ---- tables ---- */

static void stats_cells(struct out_table *t, size_t first, const struct kmemlab_bench_stats *s)
{
	const uint64_t v[] = { s->min, s->median, s->p90, s->p99, s->max, s->mean, s->stddev };

	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		out_u64(t, first + i, v[i]);
}

/* --repeat: the rounds' medians and their spread. */
static void repeat_cells(struct out_table *t, const struct run *r)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	double sum = 0;
	char buf[MAX_REPEAT * 21 + 1];
	size_t len = 0;

	out_u64(t, BC_REPEATS, r->nrep);
	buf[0] = '\0';
	for (size_t k = 0; k < r->nrep; k++) {
		lo = r->rep[k] < lo ? r->rep[k] : lo;
		hi = r->rep[k] > hi ? r->rep[k] : hi;
		sum += (double)r->rep[k];
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%llu", k ? "," : "",
					(unsigned long long)r->rep[k]);
	}
	out_str(t, BC_MEDIANS, buf);
	if (r->nrep > 1 && sum > 0)
		out_ratio(t, BC_SPREAD, round(1000.0 * (double)(hi - lo) * (double)r->nrep / sum) / 10);
	else
		out_none(t, BC_SPREAD);
}

static void bench_fill(struct out_table *t, const struct run *runs, size_t n)
{
	char pat[32], gfp[128];

	for (size_t i = 0; i < n; i++) {
		const struct run *r = &runs[i];
		const struct kmemlab_bench *b = &r->b;

		if (r->err)
			continue;
		pattern_name(b->pattern, b->batch, pat, sizeof(pat));
		out_row(t);
		out_str(t, BC_API, r->api->n.name);
		out_u64(t, BC_SIZE, b->size);
		out_str(t, BC_CONTEXT, ctx_name(b->context));
		out_str(t, BC_PATTERN, pat);
		out_u64(t, BC_THREADS, b->threads);
		out_str(t, BC_GFP, gfp_format(b->gfp, gfp, sizeof(gfp)));
		out_u64(t, BC_ITERATIONS, b->iterations);
		if (r->per_op) {
			out_u64(t, BC_COUNT, b->alloc.count);
			stats_cells(t, BC_AMIN, &b->alloc);
			stats_cells(t, BC_FMIN, &b->free);
			out_bool(t, BC_TRUSTED, !r->clock_bound);
		} else {
			out_none(t, BC_TRUSTED);
		}
		out_u64(t, BC_OPS, b->ops_per_sec);
		out_u64(t, BC_FAILURES, b->failures);
		out_u64(t, BC_OVERHEAD, b->overhead);
		out_u64(t, BC_ELAPSED, b->elapsed_ns);
		out_bool(t, BC_CAPPED, b->result & KMEMLAB_BENCH_TIME_CAPPED);
		snprintf(pat, sizeof(pat), "%s%sgroup:%u", r->per_op ? "per-op" : "",
			 r->per_op ? "," : "", r->g.batch);
		out_str(t, BC_METHOD, r->grouped ? pat : "per-op");
		if (r->grouped) {
			out_u64(t, BC_GALLOC, r->g.alloc.median);
			if (r->g.free.count)
				out_u64(t, BC_GFREE, r->g.free.median);
			else
				out_none(t, BC_GFREE);
			out_u64(t, BC_GCOUNT, r->g.alloc.count);
			out_u64(t, BC_DISPATCH, r->g.dispatch);
		} else {
			out_none(t, BC_GALLOC);
			out_none(t, BC_GFREE);
			out_none(t, BC_GCOUNT);
			out_none(t, BC_DISPATCH);
		}
		if (!(b->flags & KMEMLAB_BENCH_CYCLES))
			snprintf(gfp, sizeof(gfp), "ktime");
		else if (b->clock_hz)
			snprintf(gfp, sizeof(gfp), "cycles@%.3gGHz", (double)b->clock_hz / 1e9);
		else
			snprintf(gfp, sizeof(gfp), "cycles (rate unknown: counts, not ns)");
		out_str(t, BC_CLOCK, gfp);
		repeat_cells(t, r);
		for (int k = 0; k < 2; k++) {
			bool have = r->have_ci[k] && (k ? r->grouped : r->per_op);

			for (int e = 0; e < 2; e++) {
				size_t col = (k ? BC_GCI_LO : BC_ACI_LO) + e;

				if (have)
					out_u64(t, col, r->ci[k][e]);
				else
					out_none(t, col);
			}
		}
	}
}

/* A ratio to three significant digits: the noise allows no more. */
static void ratio_value(struct out_table *t, size_t col, double v)
{
	double scale = v > 0 ? pow(10, 2 - floor(log10(v))) : 1;

	out_ratio(t, col, round(v * scale) / scale);
}

void ratio_cell(struct out_table *t, size_t col, uint64_t num, uint64_t den)
{
	if (!den) {
		out_none(t, col);
		return;
	}
	ratio_value(t, col, (double)num / (double)den);
}

enum compare { CMP_API, CMP_PATTERN, CMP_CONTEXT };

/* Is @d the denominator of @r for comparison @k? */
static bool denominator(enum compare k, const struct run *r, const struct run *d)
{
	const struct kmemlab_bench *x = &r->b, *y = &d->b;
	bool same_size = x->size == y->size && x->threads == y->threads;

	if (d->err || !same_size)
		return false;
	switch (k) {
	case CMP_API:
		return x->api != KMEMLAB_API_KMALLOC && y->api == KMEMLAB_API_KMALLOC &&
		       x->context == y->context && x->pattern == y->pattern &&
		       x->batch == y->batch && x->gfp == y->gfp;
	case CMP_PATTERN:
		return x->pattern == KMEMLAB_BENCH_BATCH && y->pattern == KMEMLAB_BENCH_PAIR &&
		       x->api == y->api && x->context == y->context && x->gfp == y->gfp;
	case CMP_CONTEXT:
		/* the gfp may differ: GFP_ATOMIC outside process context */
		return x->context != KMEMLAB_CTX_PROCESS && y->context == KMEMLAB_CTX_PROCESS &&
		       x->api == y->api && x->pattern == y->pattern && x->batch == y->batch;
	}
	return false;
}

/*
 * --repeat: the ratio in each round (the rounds are interleaved and
 * run_at() runs the two of a ratio close together), lowest and highest.
 * The figures divided are those ratio_row() divides: the group medians
 * when both runs have them, else the per-op ones.
 */
static void rounds_cells(struct out_table *t, const struct run *r, const struct run *d)
{
	size_t n = r->nrep < d->nrep ? r->nrep : d->nrep;
	bool g = r->grouped && d->grouped;
	const uint64_t *x = g ? r->rep : r->rep_op, *y = g ? d->rep : d->rep_op;
	double lo = INFINITY, hi = 0;

	for (size_t k = 0; k < n; k++) {
		double v = x[k] && y[k] ? (double)x[k] / (double)y[k] : NAN;

		lo = v < lo ? v : lo;	/* a NaN compares false: skipped */
		hi = v > hi ? v : hi;
	}
	if (n < 2 || lo > hi) {
		out_none(t, RA_ROUNDS_MIN);
		out_none(t, RA_ROUNDS_MAX);
		return;
	}
	ratio_value(t, RA_ROUNDS_MIN, lo);
	ratio_value(t, RA_ROUNDS_MAX, hi);
}

static void ratio_row(struct out_table *t, const char *compare, const struct run *r,
		      const struct run *d)
{
	char pat[32];

	pattern_name(r->b.pattern, r->b.batch, pat, sizeof(pat));
	out_row(t);
	out_str(t, RA_COMPARE, compare);
	out_str(t, RA_API, r->api->n.name);
	out_u64(t, RA_SIZE, r->b.size);
	out_str(t, RA_CONTEXT, ctx_name(r->b.context));
	out_str(t, RA_PATTERN, pat);
	/* The group figures where both have them: the headline of a clock-bound run. */
	const struct kmemlab_bench *x = r->grouped && d->grouped ? &r->g : &r->b;
	const struct kmemlab_bench *y = r->grouped && d->grouped ? &d->g : &d->b;

	ratio_cell(t, RA_MEDIAN, x->alloc.median, y->alloc.median);
	ratio_cell(t, RA_P99, x->alloc.p99, y->alloc.p99);
	ratio_cell(t, RA_FREE, x->free.median, y->free.median);
	rounds_cells(t, r, d);
}

/* Ratios first: each API against kmalloc, batch against pair, a context against process. */
static void ratio_fill(struct out_table *t, const struct run *runs, size_t n)
{
	for (int k = CMP_API; k <= CMP_CONTEXT; k++) {
		for (size_t i = 0; i < n; i++) {
			char name[64], pat[32];

			if (runs[i].err)
				continue;
			for (size_t j = 0; j < n; j++) {
				const struct run *r = &runs[i], *d = &runs[j];

				if (!denominator((enum compare)k, r, d))
					continue;
				pattern_name(r->b.pattern, r->b.batch, pat, sizeof(pat));
				if (k == CMP_API)
					snprintf(name, sizeof(name), "%s/kmalloc", r->api->n.name);
				else if (k == CMP_PATTERN)
					snprintf(name, sizeof(name), "%s/pair", pat);
				else
					snprintf(name, sizeof(name), "%s/process",
						 ctx_name(r->b.context));
				ratio_row(t, name, r, d);
				break;
			}
		}
	}
}

struct format format_of(const struct cli *cli, bool csv)
{
	struct format f = { .o = cli->out, .plain = cli->out_plain, .csv = csv };

	if (csv) {
		f.o.csv = true;
		/* for programs, like JSON: every column unless -o says */
		f.o.all_columns |= !f.o.columns;
	}
	return f;
}

/* Did any run have rounds (--repeat)? */
static bool repeated(const struct run *runs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (runs[i].nrep > 1)
			return true;
	return false;
}

/* Print the results as @f says: the main table, the ratios, and in JSON the machine. */
static int print_results(const struct cli *cli, const struct format *f,
			 const struct run *runs, size_t n, const struct machine *mc)
{
	struct out_table t[3];
	const char *bad;
	size_t bad_len, nt = 1;

	memset(t, 0, sizeof(t));
	if (out_table_init(&t[0], "bench", &bench_columns, &f->o, &bad, &bad_len))
		goto nomem;
	bench_fill(&t[0], runs, n);
	if (!f->csv) {
		if (out_table_init(&t[nt], "ratios", &ratio_columns, &f->plain, &bad, &bad_len))
			goto nomem;
		t[nt].hide_empty = true;
		if (!f->o.json && !f->o.raw)
			scols_cell_set_data(scols_table_get_title(t[nt].tb), "ratios of the times, same boot");
		if (!f->o.json && !repeated(runs, n)) {
			out_hide(&t[nt], RA_ROUNDS_MIN);
			out_hide(&t[nt], RA_ROUNDS_MAX);
		}
		ratio_fill(&t[nt++], runs, n);
	}
	if (f->o.json) {
		if (out_fields_init(&t[nt], "machine", &machine_fields, &f->plain))
			goto nomem;
		machine_fill(&t[nt++], mc);
	}
	machine_line(&f->o, mc, "time per call, the timer's own cost subtracted; TRUSTED no: "
		     "the clock costs over 10 % of the per-op median, GROUP-ALLOC is the figure");
	return cli_print(cli, t, nt);
nomem:
	out_free(t, ARRAY_SIZE(t));
	return err_fail(cli->cmd, ENOMEM, NULL, NULL);
}

/* Run @print with stdout sent to @path; its status, or 1 when @path cannot be written. */
static int to_file(const struct cli *cli, const char *path,
		   int (*print)(const struct cli *, const void *), const void *arg)
{
	int fd, saved, rc;

	fflush(stdout);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return err_fail(cli->cmd, errno, NULL, "cannot write %s: %s", path,
				strerror(errno));
	saved = dup(STDOUT_FILENO);
	if (saved < 0 || dup2(fd, STDOUT_FILENO) < 0) {
		rc = errno;
		close(fd);
		if (saved >= 0)
			close(saved);
		return err_fail(cli->cmd, rc, NULL, "cannot write %s: %s", path, strerror(rc));
	}
	close(fd);
	rc = print(cli, arg);
	fflush(stdout);
	if (dup2(saved, STDOUT_FILENO) < 0)
		rc = EXIT_FAILURE;
	close(saved);
	return rc;
}

/* ---- the command ---- */

struct results {
	const struct format *f;
	const struct run *runs;
	size_t n;
	const struct machine *mc;
};

static int print_to(const struct cli *cli, const void *arg)
{
	const struct results *r = arg;

	return print_results(cli, r->f, r->runs, r->n, r->mc);
}

/* Write the results to @path in the format its extension names (every column). */
static int write_file(const struct cli *cli, const char *path, const struct results *res)
{
	struct format f = { .csv = file_has_ext(path, "csv") };
	struct results r = *res;

	f.o.json = f.plain.json = file_has_ext(path, "json");
	f.o.csv = f.csv;
	f.o.all_columns = f.csv;
	r.f = &f;
	return to_file(cli, path, print_to, &r);
}

static int run_bench(struct cli *cli, int argc, char **argv)
{
	struct bench_args a = { .iterations = DEF_ITERATIONS, .warmup = DEF_WARMUP };
	struct format f;
	struct machine mc;
	struct results res;
	struct out_table check;
	struct run *runs;
	size_t n = 0;
	int fd, rc;

	bench_parse_args(cli, argc, argv, &a);
	/* a wrong -o is a usage error now, not after the sweep */
	cli_table(cli, &check, a.syscall ? "syscall" : "bench",
		  a.syscall ? &syscall_columns : &bench_columns);
	out_free(&check, 1);
	f = format_of(cli, a.csv);
	fd = cli_open(cli);
	if (fd < 0)
		return EXIT_FAILURE;
	machine_read(fd, a.label, &mc);
	progress_on = isatty(STDERR_FILENO);
	catch_signals();
	if (a.syscall) {
		rc = run_syscall(cli, fd, &a, &mc);
		close(fd);
		return rc;
	}
	runs = plan(&a, &n);
	if (!runs) {
		close(fd);
		return err_fail(cli->cmd, ENOMEM, NULL, NULL);
	}
	rc = sweep(cli, fd, runs, n, &mc, &a);
	close(fd);
	res = (struct results){ &f, runs, n, &mc };
	if (print_results(cli, &f, runs, n, &mc))
		rc = EXIT_FAILURE;
	for (size_t i = 0; i < a.nwrites; i++)
		if (write_file(cli, a.writes[i], &res))
			rc = EXIT_FAILURE;
	for (size_t i = 0; i < a.nplots; i++)
		if (plot(cli, a.plots[i], runs, n, &a, &mc))
			rc = EXIT_FAILURE;
	free(runs);
	return rc;
}

static void bench_help(void)
{
	char buf[512];

	printf("\nAPIs: %s\n", names_list(&api_names, 0, " ", buf, sizeof(buf)));
	printf("Contexts: %s\n", names_list(&context_names, 0, " ", buf, sizeof(buf)));
	printf("Patterns: %s\n", names_list(&bench_pattern_names, 0, " ", buf, sizeof(buf)));
	printf("\nThe driver times every allocation and every free in the kernel and\n"
	       "reports min/median/p90/p99/max/mean/stddev. After a sweep, the ratios\n"
	       "table divides each API by kmalloc, batch by pair and each context by\n"
	       "process at the same size. Absolute times depend on the machine (and\n"
	       "are inflated many times under emulation): compare ratios.\n");
}

const struct cmd cmd_bench = {
	.name = "bench",
	.summary = "time allocators in the kernel, over sizes, APIs and contexts",
	.flags = CMD_DEVICE | CMD_OUTPUT | CMD_COLUMNS,
	.opts = bench_optsets,
	.columns = &bench_columns,
	.help = bench_help,
	.run = run_bench,
};
