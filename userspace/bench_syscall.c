// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab bench --syscall: the ioctl path timed from userspace (a null
 * ioctl against ALLOC + FREE, full and lean), clock_gettime's own cost
 * subtracted, the operations interleaved call by call.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libsmartcols.h>

#include "bench.h"
#include "ioctl.h"
#include "stats.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define RIGHT		SCOLS_FL_RIGHT

enum { SC_OPERATION, SC_COUNT, SC_MIN, SC_MEDIAN, SC_P90, SC_P99, SC_MAX, SC_MEAN, SC_OVERHEAD };

static const struct out_col syscall_cols[] = {
	[SC_OPERATION] = { "OPERATION", OUT_STR, 0, 0, "what was timed from userspace" },
	[SC_COUNT] = { "COUNT", OUT_NUM, 0, RIGHT, "calls timed" },
	[SC_MIN] = { "MIN", OUT_TIME, 0, RIGHT, "fastest" },
	[SC_MEDIAN] = { "MEDIAN", OUT_TIME, 0, RIGHT, "median" },
	[SC_P90] = { "P90", OUT_TIME, 0, RIGHT, "90th percentile" },
	[SC_P99] = { "P99", OUT_TIME, 0, RIGHT, "99th percentile" },
	[SC_MAX] = { "MAX", OUT_TIME, 0, RIGHT, "slowest" },
	[SC_MEAN] = { "MEAN", OUT_TIME, 0, RIGHT, "mean" },
	[SC_OVERHEAD] = { "OVERHEAD", OUT_TIME, 0, RIGHT,
			  "clock_gettime's own cost, subtracted from each sample" },
};

const struct out_colset syscall_columns = { syscall_cols, ARRAY_SIZE(syscall_cols), NULL };

/* ---- --syscall: the ioctl path, timed from userspace ---- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

struct sys_stats {
	uint64_t count, min, median, p90, p99, max, mean;
};

/* Sort @v, subtract @overhead from each (down to 0), summarise. */
static struct sys_stats summarise(uint64_t *v, size_t n, uint64_t overhead)
{
	struct sys_stats s = { .count = n };

	if (!n)
		return s;
	for (size_t i = 0; i < n; i++)
		v[i] = v[i] > overhead ? v[i] - overhead : 0;
	s.mean = stats_mean(v, n);
	stats_sort(v, n);
	s.min = v[0];
	s.median = stats_percentile(v, n, 50);
	s.p90 = stats_percentile(v, n, 90);
	s.p99 = stats_percentile(v, n, 99);
	s.max = v[n - 1];
	return s;
}

enum sys_op { SYS_TIMER, SYS_NOP, SYS_ALLOC_FREE, SYS_LEAN_FREE, SYS_COUNT };

/* One timed call of @op; 0 or -errno. */
static int sys_call(int fd, enum sys_op op, uint64_t *ns)
{
	struct kmemlab_alloc a = {
		.api = KMEMLAB_API_KMALLOC, .context = KMEMLAB_CTX_PROCESS,
		.size = SYSCALL_SIZE, .gfp = KMEMLAB_GFP_KERNEL,
	};
	struct kmemlab_free f = { 0 };
	uint64_t t0;
	int err = 0;

	t0 = now_ns();
	if (op == SYS_NOP) {
		err = kml_nop(fd);
	} else if (op == SYS_ALLOC_FREE || op == SYS_LEAN_FREE) {
		if (op == SYS_LEAN_FREE)
			a.flags = KMEMLAB_ALLOC_LEAN;
		err = kml_alloc(fd, &a);
		f.handle = a.report.handle;
		if (!err)
			err = kml_free(fd, &f);
	}
	*ns = now_ns() - t0;
	return err;
}

/*
 * Time @n calls of each operation after @warmup untimed rounds, the
 * operations interleaved call by call (timer, NOP, ALLOC+FREE, lean): a
 * drift of the machine (another guest, a frequency change) then falls on
 * all of them alike instead of on whichever block ran during it. @v holds
 * SYS_COUNT arrays of @n; on failure *@failed is the operation.
 */
static int sys_loop(int fd, uint64_t *v, size_t n, size_t warmup, enum sys_op *failed)
{
	uint64_t ns;
	int err;

	for (size_t i = 0; i < warmup + n; i++) {
		for (int op = SYS_TIMER; op < SYS_COUNT; op++) {
			if (stop_signal)
				return -EINTR;
			err = sys_call(fd, (enum sys_op)op, &ns);
			if (err) {
				*failed = (enum sys_op)op;
				return err;
			}
			if (i >= warmup)
				v[op * n + i - warmup] = ns;
		}
	}
	return 0;
}

static void sys_row(struct out_table *t, const char *what, const struct sys_stats *s,
		    uint64_t overhead)
{
	const uint64_t v[] = { s->count, s->min, s->median, s->p90, s->p99, s->max, s->mean };

	out_row(t);
	out_str(t, SC_OPERATION, what);
	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		out_u64(t, SC_COUNT + i, v[i]);
	out_u64(t, SC_OVERHEAD, overhead);
}

static int sys_fail(const struct cli *cli, int err, const char *what)
{
	if (err == EINTR && stop_signal)
		die_of_signal(cli, 0, 1);
	if (err == ENOTTY)
		return err_fail(cli->cmd, ENOTTY, "load a newer kmemlab.ko; compare "
				"'kmemlab --version'", "%s: this module does not know it", what);
	return cli_ioctl_fail(cli, err, NULL);
}

int run_syscall(struct cli *cli, int fd, const struct bench_args *a,
		       const struct machine *mc)
{
	const char *names[] = {
		[SYS_NOP] = "ioctl(NOP)",
		[SYS_ALLOC_FREE] = "ioctl(ALLOC)+ioctl(FREE)",	/* kmalloc 64 B */
		[SYS_LEAN_FREE] = "ioctl(ALLOC lean)+ioctl(FREE)",
	};
	struct sys_stats st[SYS_COUNT] = { 0 };
	struct format f = format_of(cli, a->csv);
	struct out_table t[3];
	size_t n = a->iterations;
	uint64_t *v = calloc(n, SYS_COUNT * sizeof(*v)), overhead;
	enum sys_op failed = SYS_TIMER;
	const char *bad;
	size_t bad_len, nt = 0;
	int err = 0;

	if (!v)
		return err_fail(cli->cmd, ENOMEM, NULL, NULL);
	progress("bench --syscall: the timer, NOP, ALLOC+FREE and lean ALLOC+FREE, interleaved");
	err = -sys_loop(fd, v, n, a->warmup, &failed);
	progress(NULL);
	if (!err) {
		st[SYS_TIMER] = summarise(v, n, 0);
		for (int op = SYS_NOP; op < SYS_COUNT; op++)
			st[op] = summarise(v + op * n, n, st[SYS_TIMER].median);
	}
	free(v);
	if (err)
		return sys_fail(cli, err, failed == SYS_TIMER ? "the timer" : names[failed]);
	overhead = st[SYS_TIMER].median;
	memset(t, 0, sizeof(t));
	if (out_table_init(&t[nt], "syscall", &syscall_columns, &f.o, &bad, &bad_len))
		goto nomem;
	sys_row(&t[nt], names[SYS_NOP], &st[SYS_NOP], overhead);
	sys_row(&t[nt], names[SYS_ALLOC_FREE], &st[SYS_ALLOC_FREE], overhead);
	sys_row(&t[nt++], names[SYS_LEAN_FREE], &st[SYS_LEAN_FREE], overhead);
	if (!f.csv) {
		if (out_table_init(&t[nt], "ratios", &ratio_columns, &f.plain, &bad, &bad_len))
			goto nomem;
		if (!f.o.json) {
			out_hide(&t[nt], RA_ROUNDS_MIN);
			out_hide(&t[nt], RA_ROUNDS_MAX);
		}
		for (int op = SYS_ALLOC_FREE; op < SYS_COUNT; op++) {
			out_row(&t[nt]);
			out_str(&t[nt], RA_COMPARE, op == SYS_LEAN_FREE ? "lean-alloc+free/nop" :
				"alloc+free/nop");
			out_str(&t[nt], RA_API, "kmalloc");
			out_u64(&t[nt], RA_SIZE, SYSCALL_SIZE);
			out_str(&t[nt], RA_CONTEXT, "process");
			out_none(&t[nt], RA_PATTERN);
			ratio_cell(&t[nt], RA_MEDIAN, st[op].median, st[SYS_NOP].median);
			ratio_cell(&t[nt], RA_P99, st[op].p99, st[SYS_NOP].p99);
			out_none(&t[nt], RA_FREE);
			out_none(&t[nt], RA_ROUNDS_MIN);
			out_none(&t[nt], RA_ROUNDS_MAX);
		}
		nt++;
	}
	if (f.o.json) {
		if (out_fields_init(&t[nt], "machine", &machine_fields, &f.plain))
			goto nomem;
		machine_fill(&t[nt++], mc);
	}
	machine_line(&f.o, mc, "ioctls timed from userspace with clock_gettime(CLOCK_MONOTONIC), "
		     "its own cost subtracted, the operations interleaved call by call; "
		     "ALLOC is kmalloc 64 B, with the full report "
		     "or the lean one (KMEMLAB_ALLOC_LEAN)");
	return cli_print(cli, t, nt);
nomem:
	out_free(t, ARRAY_SIZE(t));
	return err_fail(cli->cmd, ENOMEM, NULL, NULL);
}
