// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab bench: its options, parsed into struct bench_args.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bench.h"

/* ---- options ---- */

enum {
	OPT_BATCH = 256, OPT_CSV, OPT_PLOT, OPT_LABEL, OPT_SYSCALL, OPT_WRITE, OPT_METHOD, OPT_CLOCK, OPT_REPEAT,
};

static const struct cli_opt bench_opts[] = {
	{ "api", 'a', "LIST", "allocators, comma-separated (default kmalloc)" },
	{ "size", 's', "LIST", "sizes: 64,4k,1M or a range 8..4M (x2 steps; 8..4M:4 for x4)" },
	{ "gfp", 'g', "FLAGS", "GFP flags (default GFP_KERNEL; GFP_ATOMIC outside process)" },
	{ "context", 'c', "LIST", "process, atomic, softirq, hardirq (default process)" },
	{ "pattern", 'p', "LIST", "pair, batch or batch:N (default pair)" },
	{ "batch", OPT_BATCH, "N", "objects per batch (implies --pattern batch; default 64)" },
	{ "iterations", 'i', "N", "allocations timed per thread (default 1000)" },
	{ "warmup", 'w', "N", "untimed pairs first (default 100)" },
	{ "threads", 't', "N", "kthreads, one pinned per CPU (default 1)" },
	{ "csv", OPT_CSV, NULL, "print CSV (sizes in bytes, times in ns; all columns without -o)" },
	{ "write", OPT_WRITE, "FILE", "also write the results to FILE: .txt, .json or .csv" },
	{ "plot", OPT_PLOT, "FILE", "plot ns/op against size with gnuplot: .png or .svg" },
	{ "label", OPT_LABEL, "TEXT", "name the machine (default: accelerator and CPU model)" },
	{ "syscall", OPT_SYSCALL, NULL, "time a null ioctl against ALLOC+FREE, from userspace" },
	{ "method", OPT_METHOD, "M",
	  "auto (default): per-op, and groups where the clock costs > 10 % of an op; "
	  "per-op; group or group:N (N ops between two clock reads)" },
	{ "clock", OPT_CLOCK, "C", "ktime (default) or cycles (the CPU's counter, serialised)" },
	{ "repeat", OPT_REPEAT, "N", "run the sweep N times, interleaved, and report the spread" },
	{ 0 }
};

const struct cli_opt *const bench_optsets[] = { bench_opts, NULL };

/* One element of a comma-separated option: [@s, @s + @len) into @buf. */
static const char *token(const struct cli *cli, const char *option, const char *s,
			 size_t len, char *buf, size_t size)
{
	if (!len)
		cli_usage(cli, NULL, "%s: empty element in the list", option);
	if (len >= size)
		cli_usage(cli, NULL, "%s: '%.*s' is too long", option, (int)len, s);
	memcpy(buf, s, len);
	buf[len] = '\0';
	return buf;
}

/* Call @fn on each element of the comma-separated @arg. */
static void each_token(const struct cli *cli, const char *option, const char *arg,
		       void (*fn)(const struct cli *, const char *, void *), void *data)
{
	char buf[64];

	for (;;) {
		size_t len = strcspn(arg, ",");

		fn(cli, token(cli, option, arg, len, buf, sizeof(buf)), data);
		if (!arg[len])
			break;
		arg += len + 1;
	}
}

static void add_api(const struct cli *cli, const char *name, void *data)
{
	struct bench_args *a = data;

	if (a->napis == MAX_LIST)
		cli_usage(cli, NULL, "--api: more than %d APIs", MAX_LIST);
	a->apis[a->napis++] = (const struct api_row *)cli_name(cli, &api_names, "--api", name);
}

static void add_context(const struct cli *cli, const char *name, void *data)
{
	struct bench_args *a = data;

	if (a->ncontexts == MAX_LIST)
		cli_usage(cli, NULL, "--context: more than %d contexts", MAX_LIST);
	a->contexts[a->ncontexts++] =
		(uint32_t)cli_name(cli, &context_names, "--context", name)->value;
}

static void push_size(const struct cli *cli, struct bench_args *a, uint64_t size)
{
	if (a->nsizes == MAX_LIST)
		cli_usage(cli, NULL, "--size: more than %d sizes", MAX_LIST);
	a->sizes[a->nsizes++] = size;
}

/* "SIZE", or "FROM..TO" (each size twice the last), or "FROM..TO:F". */
static void add_size(const struct cli *cli, const char *s, void *data)
{
	const char *dots = strstr(s, "..");
	struct bench_args *a = data;
	uint64_t from, to, factor = 2, v;
	char lo[64], hi[64];
	const char *colon;

	if (!dots) {
		push_size(cli, a, cli_size(cli, "--size", s, false));
		return;
	}
	colon = strchr(dots, ':');
	snprintf(lo, sizeof(lo), "%.*s", (int)(dots - s), s);
	snprintf(hi, sizeof(hi), "%.*s", (int)(colon ? colon - dots - 2 : (long)strlen(dots + 2)),
		 dots + 2);
	from = cli_size(cli, "--size", lo, false);
	to = cli_size(cli, "--size", hi, false);
	if (colon)
		factor = cli_number(cli, "--size step", colon + 1, 1024);
	if (factor < 2)
		cli_usage(cli, NULL, "--size '%s': the step must be 2 or more", s);
	if (from > to)
		cli_usage(cli, NULL, "--size '%s': the range runs backwards", s);
	for (v = from; v <= to; v *= factor) {
		push_size(cli, a, v);
		if (v > to / factor)
			break;
	}
	if (a->sizes[a->nsizes - 1] != to)
		push_size(cli, a, to);	/* the range always ends where it says */
}

static void add_pattern(const struct cli *cli, const char *s, void *data)
{
	struct bench_args *a = data;
	const char *colon = strchr(s, ':');
	char name[64];
	struct pattern p;

	snprintf(name, sizeof(name), "%.*s", (int)(colon ? colon - s : (long)strlen(s)), s);
	p.pattern = (uint32_t)cli_name(cli, &bench_pattern_names, "--pattern", name)->value;
	p.batch = 0;
	if (p.pattern == KMEMLAB_BENCH_BATCH)
		p.batch = colon ? (uint32_t)cli_number(cli, "--pattern batch:N", colon + 1,
						       UINT32_MAX) :
			  a->batch ? a->batch : DEF_BATCH;
	else if (colon)
		cli_usage(cli, NULL, "--pattern '%s': only batch takes a number", s);
	if (a->npatterns == MAX_LIST)
		cli_usage(cli, NULL, "--pattern: more than %d patterns", MAX_LIST);
	a->patterns[a->npatterns++] = p;
}

/* The file's extension, checked against the comma-separated @allowed. */
static void check_ext(const struct cli *cli, const char *option, const char *file,
		      const char *allowed)
{
	const char *dot = strrchr(file, '.');
	size_t len;

	if (dot && !strchr(dot, '/')) {
		dot++;
		for (const char *p = allowed; *p; p += len + (p[len] == ',')) {
			p += *p == '.';
			len = strcspn(p, ",");
			if (strlen(dot) == len && !strncasecmp(dot, p, len))
				return;
		}
	}
	cli_usage(cli, NULL, "%s '%s': the name must end in .%s", option, file,
		  allowed);
}

/* --method auto | per-op | group[:N] */
static void parse_method(const struct cli *cli, const char *arg, struct bench_args *a)
{
	if (!strcmp(arg, "auto")) {
		a->method = METHOD_AUTO;
	} else if (!strcmp(arg, "per-op")) {
		a->method = METHOD_PER_OP;
	} else if (!strncmp(arg, "group", 5) && (!arg[5] || arg[5] == ':')) {
		a->method = METHOD_GROUP;
		if (arg[5])
			a->group = (uint32_t)cli_number(cli, "--method group:N", arg + 6,
							KMEMLAB_BENCH_GROUP_MAX);
		if (arg[5] && a->group < 2)
			cli_usage(cli, NULL, "--method %s: a group holds 2 to %d operations",
				  arg, KMEMLAB_BENCH_GROUP_MAX);
	} else {
		cli_usage(cli, NULL, "--method '%s': give auto, per-op, group or group:N", arg);
	}
}

static void add_file(const struct cli *cli, const char *option, const char **files,
		     size_t *n, const char *file)
{
	if (*n == MAX_FILES)
		cli_usage(cli, NULL, "%s: more than %d files", option, MAX_FILES);
	files[(*n)++] = file;
}

void bench_parse_args(struct cli *cli, int argc, char **argv, struct bench_args *a)
{
	int c;

	while ((c = cli_getopt(cli, argc, argv)) != -1) {
		switch (c) {
		case 'a': each_token(cli, "--api", optarg, add_api, a); break;
		case 's': each_token(cli, "--size", optarg, add_size, a); break;
		case 'g': a->gfp = cli_gfp(cli, optarg); break;
		case 'c': each_token(cli, "--context", optarg, add_context, a); break;
		case 'p': a->pattern_arg = optarg; break;
		case OPT_BATCH: a->batch = (uint32_t)cli_number(cli, "--batch", optarg, UINT32_MAX); break;
		case 'i': a->iterations = (uint32_t)cli_number(cli, "--iterations", optarg, UINT32_MAX); break;
		case 'w': a->warmup = (uint32_t)cli_number(cli, "--warmup", optarg, UINT32_MAX); break;
		case 't': a->threads = (uint32_t)cli_number(cli, "--threads", optarg, UINT32_MAX); break;
		case OPT_CSV: a->csv = true; break;
		case OPT_PLOT:
			check_ext(cli, "--plot", optarg, "png,.svg");
			add_file(cli, "--plot", a->plots, &a->nplots, optarg);
			break;
		case OPT_WRITE:
			check_ext(cli, "--write", optarg, "txt,.json,.csv");
			add_file(cli, "--write", a->writes, &a->nwrites, optarg);
			break;
		case OPT_LABEL: a->label = optarg; break;
		case OPT_SYSCALL: a->syscall = true; break;
		case OPT_METHOD: parse_method(cli, optarg, a); break;
		case OPT_REPEAT:
			a->repeat = (uint32_t)cli_number(cli, "--repeat", optarg, MAX_REPEAT);
			if (!a->repeat)
				cli_usage(cli, NULL, "--repeat 0: give 1 to %d", MAX_REPEAT);
			break;
		case OPT_CLOCK:
			if (strcmp(optarg, "ktime") && strcmp(optarg, "cycles"))
				cli_usage(cli, NULL, "--clock '%s': give ktime or cycles", optarg);
			a->cycles = !strcmp(optarg, "cycles");
			break;
		}
	}
	cli_nargs(cli, argc, argv, 0, 0);
	if (a->csv && cli->out.json)
		cli_usage(cli, NULL, "give --json or --csv, not both");
	/* patterns after --batch, whatever the order on the command line */
	if (a->pattern_arg)
		each_token(cli, "--pattern", a->pattern_arg, add_pattern, a);
	else if (a->batch)
		a->patterns[a->npatterns++] = (struct pattern){ KMEMLAB_BENCH_BATCH, a->batch };
	if (a->syscall && (a->napis || a->nsizes || a->ncontexts || a->npatterns ||
			   a->gfp || a->threads || a->nplots))
		cli_usage(cli, NULL, "--syscall takes only --iterations, --warmup and the "
			  "output options");
	if (!a->napis)
		a->apis[a->napis++] = (const struct api_row *)name_find(&api_names, "kmalloc");
	if (!a->nsizes) {
		a->sizes[a->nsizes++] = 64;
		a->size_default = true;
	}
	if (!a->ncontexts)
		a->contexts[a->ncontexts++] = KMEMLAB_CTX_PROCESS;
	if (!a->npatterns)
		a->patterns[a->npatterns++] = (struct pattern){ KMEMLAB_BENCH_PAIR, 0 };
	if (!a->threads)
		a->threads = 1;
	if (!a->repeat)
		a->repeat = 1;
}
