/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmemlab bench, shared by its files: cmd_bench.c (the sweep, its tables,
 * the command), bench_args.c (options), bench_machine.c (what runs the
 * kernel), bench_plot.c (gnuplot), bench_syscall.c (--syscall).
 */
#ifndef KMEMLAB_BENCH_H
#define KMEMLAB_BENCH_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <linux/kmemlab.h>

#include "cli.h"
#include "names.h"
#include "output.h"

#define MAX_LIST	64	/* values of one list option */
#define MAX_FILES	8	/* --plot and --write options */
#define DEF_ITERATIONS	1000
#define DEF_WARMUP	100
#define DEF_BATCH	64
#define SYSCALL_SIZE	64	/* the ALLOC of --syscall: kmalloc 64 B */

struct pattern {
	uint32_t pattern;
	uint32_t batch;
};

/* --method */
enum bench_method { METHOD_AUTO, METHOD_PER_OP, METHOD_GROUP };

struct bench_args {
	const struct api_row *apis[MAX_LIST];
	size_t napis;
	uint64_t sizes[MAX_LIST];
	size_t nsizes;
	bool size_default;	/* no --size: 64, or a typed API's own size */
	uint32_t contexts[MAX_LIST];
	size_t ncontexts;
	struct pattern patterns[MAX_LIST];
	size_t npatterns;
	const char *pattern_arg;
	uint64_t gfp;			/* 0: by context */
	uint32_t iterations;
	uint32_t warmup;
	uint32_t threads;
	uint32_t batch;			/* --batch, 0 when not given */
	const char *plots[MAX_FILES];
	size_t nplots;
	const char *writes[MAX_FILES];
	size_t nwrites;
	const char *label;
	bool csv;
	bool syscall;
	enum bench_method method;
	uint32_t group;			/* --method group:N; 0: chosen */
	uint32_t repeat;		/* --repeat N: rounds of the whole sweep */
	bool cycles;			/* --clock cycles */
};

struct machine {
	char release[KMEMLAB_RELEASE_LEN + 1];
	char model[128];
	const char *accel;
	char label[256];
	long cpus;
	bool init_on_alloc;
	bool have_info;
	struct kmemlab_info info;
};

#define MAX_REPEAT	50

struct run {
	const struct api_row *api;
	struct kmemlab_bench req;	/* the request, as planned */
	struct kmemlab_bench b;		/* timed op by op (unless --method group) */
	struct kmemlab_bench g;		/* timed in groups, when @grouped */
	bool per_op;			/* @b ran */
	bool grouped;			/* @g ran */
	bool clock_bound;		/* the clock costs > 10 % of @b's median */
	uint64_t ci[2][2];		/* [b, g]: 95 % interval of the alloc median */
	bool have_ci[2];
	uint64_t rep[MAX_REPEAT];	/* --repeat: each round's headline median */
	uint64_t rep_op[MAX_REPEAT];	/* and its per-op median (0: not timed so) */
	size_t nrep;
	int err;			/* 0, or the errno */
};


/* How to print: the output options, and CSV (raw with commas). */
struct format {
	struct out_opts o;	/* the main table's */
	struct out_opts plain;	/* the others': no -o */
	bool csv;
};

enum { RA_COMPARE, RA_API, RA_SIZE, RA_CONTEXT, RA_PATTERN, RA_MEDIAN, RA_P99, RA_FREE,
       RA_ROUNDS_MIN, RA_ROUNDS_MAX };

/* bench_args.c */
extern const struct cli_opt *const bench_optsets[];
void bench_parse_args(struct cli *cli, int argc, char **argv, struct bench_args *a);

/* bench_machine.c */
extern const struct out_colset machine_fields;
void machine_read(int fd, const char *label, struct machine *mc);
void machine_fill(struct out_table *t, const struct machine *mc);
/* The line above a table for people: whose times these are. */
void machine_line(const struct out_opts *o, const struct machine *mc, const char *what);

/* bench_plot.c */
int plot(const struct cli *cli, const char *out, const struct run *runs, size_t n,
	 const struct bench_args *a, const struct machine *mc);

/* bench_syscall.c */
extern const struct out_colset syscall_columns;
int run_syscall(struct cli *cli, int fd, const struct bench_args *a,
		const struct machine *mc);

/* cmd_bench.c */
extern const struct out_colset ratio_columns;
extern volatile sig_atomic_t stop_signal;
extern bool progress_on;
void progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Say so and die of the signal that stopped us, as the shell expects. */
_Noreturn void die_of_signal(const struct cli *cli, size_t done, size_t total);
void pattern_name(uint32_t pattern, uint32_t batch, char *buf, size_t len);
const char *ctx_name(uint32_t ctx);
struct format format_of(const struct cli *cli, bool csv);
/* A ratio to three significant digits: the noise allows no more. */
void ratio_cell(struct out_table *t, size_t col, uint64_t num, uint64_t den);

#endif /* KMEMLAB_BENCH_H */
