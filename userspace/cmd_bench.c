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
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libsmartcols.h>

#include "cli.h"
#include "explain.h"
#include "ioctl.h"
#include "names.h"
#include "stats.h"
#include "sysfs.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define RIGHT		SCOLS_FL_RIGHT

#define MAX_LIST	64	/* values of one list option */
#define MAX_FILES	8	/* --plot and --write options */
#define DEF_ITERATIONS	1000
#define DEF_WARMUP	100
#define DEF_BATCH	64
#define SYSCALL_SIZE	64	/* the ALLOC of --syscall: kmalloc 64 B */

extern char **environ;

/* ---- columns ---- */

enum {
	BC_API, BC_SIZE, BC_CONTEXT, BC_PATTERN, BC_THREADS, BC_GFP,
	BC_ITERATIONS, BC_COUNT,
	BC_AMIN, BC_AMEDIAN, BC_AP90, BC_AP99, BC_AMAX, BC_AMEAN, BC_ASTDDEV,
	BC_FMIN, BC_FMEDIAN, BC_FP90, BC_FP99, BC_FMAX, BC_FMEAN, BC_FSTDDEV,
	BC_OPS, BC_FAILURES, BC_OVERHEAD, BC_ELAPSED, BC_CAPPED,
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
};

static const struct out_colset bench_columns = {
	bench_cols, ARRAY_SIZE(bench_cols),
	"API,SIZE,CONTEXT,PATTERN,THREADS,ALLOC-MIN,ALLOC-MEDIAN,ALLOC-P90,ALLOC-P99,"
	"ALLOC-MAX,ALLOC-MEAN,ALLOC-STDDEV,FREE-MEDIAN,FREE-P99,OPS/S,FAILURES,OVERHEAD",
};

enum { RA_COMPARE, RA_API, RA_SIZE, RA_CONTEXT, RA_PATTERN, RA_MEDIAN, RA_P99, RA_FREE };

static const struct out_col ratio_cols[] = {
	[RA_COMPARE] = { "COMPARE", OUT_STR, 0, 0, "what is divided by what" },
	[RA_API] = { "API", OUT_STR, 0, 0, "allocator interface of the numerator" },
	[RA_SIZE] = { "SIZE", OUT_SIZE, 0, RIGHT, "bytes per allocation" },
	[RA_CONTEXT] = { "CONTEXT", OUT_STR, 0, 0, "context of the numerator" },
	[RA_PATTERN] = { "PATTERN", OUT_STR, 0, 0, "pattern of the numerator" },
	[RA_MEDIAN] = { "MEDIAN", OUT_RATIO, 0, RIGHT, "ratio of the median times" },
	[RA_P99] = { "P99", OUT_RATIO, 0, RIGHT, "ratio of the 99th percentiles" },
	[RA_FREE] = { "FREE-MEDIAN", OUT_RATIO, 0, RIGHT, "ratio of the median frees" },
};

static const struct out_colset ratio_columns = { ratio_cols, ARRAY_SIZE(ratio_cols), NULL };

enum { MC_RELEASE, MC_LABEL, MC_ACCEL, MC_MODEL, MC_CPUS, MC_INIT_ON_ALLOC };

static const struct out_col machine_cols[] = {
	[MC_RELEASE] = { "RELEASE", OUT_STR, 0, 0, "kernel release" },
	[MC_LABEL] = { "LABEL", OUT_STR, 0, 0, "label (--label)" },
	[MC_ACCEL] = { "ACCELERATOR", OUT_STR, 0, 0, "what runs the kernel" },
	[MC_MODEL] = { "CPU-MODEL", OUT_STR, 0, 0, "CPU model name" },
	[MC_CPUS] = { "CPUS", OUT_NUM, 0, 0, "online CPUs" },
	[MC_INIT_ON_ALLOC] = { "INIT-ON-ALLOC", OUT_ONOFF, 0, 0, "init_on_alloc" },
};

static const struct out_colset machine_fields = { machine_cols, ARRAY_SIZE(machine_cols), NULL };

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

static const struct out_colset syscall_columns = { syscall_cols, ARRAY_SIZE(syscall_cols), NULL };

/* ---- options ---- */

enum {
	OPT_BATCH = 256, OPT_CSV, OPT_PLOT, OPT_LABEL, OPT_SYSCALL, OPT_WRITE,
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
	{ 0 }
};

static const struct cli_opt *const bench_optsets[] = { bench_opts, NULL };

struct pattern {
	uint32_t pattern;
	uint32_t batch;
};

struct bench_args {
	const struct api_row *apis[MAX_LIST];
	size_t napis;
	uint64_t sizes[MAX_LIST];
	size_t nsizes;
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
};

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

static bool has_ext(const char *file, const char *ext)
{
	const char *dot = strrchr(file, '.');

	return dot && !strcasecmp(dot + 1, ext);
}

static void add_file(const struct cli *cli, const char *option, const char **files,
		     size_t *n, const char *file)
{
	if (*n == MAX_FILES)
		cli_usage(cli, NULL, "%s: more than %d files", option, MAX_FILES);
	files[(*n)++] = file;
}

static void parse_args(struct cli *cli, int argc, char **argv, struct bench_args *a)
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
	if (!a->nsizes)
		a->sizes[a->nsizes++] = 64;
	if (!a->ncontexts)
		a->contexts[a->ncontexts++] = KMEMLAB_CTX_PROCESS;
	if (!a->npatterns)
		a->patterns[a->npatterns++] = (struct pattern){ KMEMLAB_BENCH_PAIR, 0 };
	if (!a->threads)
		a->threads = 1;
}

/* ---- the machine ---- */

struct machine {
	char release[KMEMLAB_RELEASE_LEN + 1];
	char model[128];
	const char *accel;
	char label[256];
	long cpus;
	bool init_on_alloc;
	bool have_info;
	struct kmemlab_info info;
	uint64_t max_samples;		/* bench_max_samples, 0 when unknown */
};

/* The value of the first "@key\t: value" line of /proc/cpuinfo. */
static void cpuinfo(const char *key, char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char line[4096];
	size_t klen = strlen(key);

	buf[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, key, klen) || !colon ||
		    strspn(line + klen, " \t") != (size_t)(colon - line - (long)klen))
			continue;
		colon += 1 + strspn(colon + 1, " ");
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(buf, len, "%s", colon);
		break;
	}
	fclose(f);
}

/*
 * What runs this kernel: KVM guests have the kvm-clock clocksource, QEMU's
 * TCG names itself in the CPU model, other hypervisors set the CPU's
 * hypervisor flag.
 */
static const char *accelerator(const char *model)
{
	char buf[1024];

	if (!sysfs_read("/sys/devices/system/clocksource/clocksource0/available_clocksource",
			buf, sizeof(buf)) && strstr(buf, "kvm-clock"))
		return "KVM";
	if (strstr(model, "TCG"))
		return "QEMU TCG";
	cpuinfo("flags", buf, sizeof(buf));
	if (strstr(buf, " hypervisor"))
		return "a hypervisor";
	return "bare metal";
}

static void machine_read(int fd, const char *label, struct machine *mc)
{
	struct utsname u;
	char param[160];

	memset(mc, 0, sizeof(*mc));
	mc->have_info = !kml_info(fd, &mc->info);
	if (mc->have_info) {
		snprintf(mc->release, sizeof(mc->release), "%.*s",
			 KMEMLAB_RELEASE_LEN, mc->info.release);
		mc->init_on_alloc = mc->info.flags & KMEMLAB_INFO_INIT_ON_ALLOC;
	} else if (!uname(&u)) {
		snprintf(mc->release, sizeof(mc->release), "%s", u.release);
	}
	cpuinfo("model name", mc->model, sizeof(mc->model));
	mc->accel = accelerator(mc->model);
	if (label)
		snprintf(mc->label, sizeof(mc->label), "%s", label);
	else if (strstr(mc->model, "TCG"))	/* "QEMU TCG CPU version 2.5+" says it all */
		snprintf(mc->label, sizeof(mc->label), "%s", mc->model);
	else
		snprintf(mc->label, sizeof(mc->label), "%s (%s)",
			 mc->model[0] ? mc->model : "unknown CPU", mc->accel);
	mc->cpus = sysconf(_SC_NPROCESSORS_ONLN);
	snprintf(param, sizeof(param), "%s/bench_max_samples", SYS_PARAMS_DIR);
	if (sysfs_read_u64(param, &mc->max_samples))
		mc->max_samples = 0;
}

static void machine_fill(struct out_table *t, const struct machine *mc)
{
	out_row(t);
	out_str(t, MC_RELEASE, mc->release);
	out_str(t, MC_LABEL, mc->label);
	out_str(t, MC_ACCEL, mc->accel);
	out_str(t, MC_MODEL, mc->model);
	out_u64(t, MC_CPUS, mc->cpus > 0 ? (uint64_t)mc->cpus : 0);
	out_bool(t, MC_INIT_ON_ALLOC, mc->init_on_alloc);
}

/* ---- signals and progress ---- */

static volatile sig_atomic_t stop_signal;

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
static _Noreturn void die_of_signal(const struct cli *cli, size_t done, size_t total)
{
	int sig = stop_signal ? stop_signal : SIGINT;

	err_fail(cli->cmd, EINTR, NULL, "interrupted by %s after %zu of %zu run%s; "
		 "the driver freed everything the bench had allocated",
		 sig == SIGTERM ? "SIGTERM" : "SIGINT", done, total, total == 1 ? "" : "s");
	signal(sig, SIG_DFL);
	raise(sig);
	exit(128 + sig);
}

static bool progress_on;

static void progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void progress(const char *fmt, ...)
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

struct run {
	const struct api_row *api;
	struct kmemlab_bench b;
	int err;			/* 0, or the errno */
};

static void pattern_name(uint32_t pattern, uint32_t batch, char *buf, size_t len)
{
	if (pattern == KMEMLAB_BENCH_BATCH)
		snprintf(buf, len, "batch:%u", batch);
	else
		snprintf(buf, len, "%s", name_of(&bench_pattern_names, pattern, buf, len));
}

static const char *ctx_name(uint32_t ctx)
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
		b->gfp = a->gfp ? a->gfp : a->contexts[c] == KMEMLAB_CTX_PROCESS ?
			 KMEMLAB_GFP_KERNEL : KMEMLAB_GFP_ATOMIC;
		b->iterations = a->iterations;
		b->warmup = a->warmup;
		b->pattern = a->patterns[p].pattern;
		b->batch = a->patterns[p].batch;
		b->threads = a->threads;
	}
	*n = total;
	return runs;
}

/* Run them all; the exit status. A refused run is explained, the rest go on. */
static int sweep(const struct cli *cli, int fd, struct run *runs, size_t n,
		 const struct machine *mc)
{
	int rc = EXIT_SUCCESS;
	char what[128];

	for (size_t i = 0; i < n; i++) {
		if (stop_signal) {
			progress(NULL);
			die_of_signal(cli, i, n);
		}
		progress("bench [%zu/%zu] %s", i + 1, n, run_name(&runs[i], what, sizeof(what)));
		runs[i].err = -kml_bench(fd, &runs[i].b);
		if (runs[i].err == EINTR || stop_signal) {
			progress(NULL);
			die_of_signal(cli, i, n);
		}
		if (!runs[i].err)
			continue;
		progress(NULL);
		rc = explain_run(cli, &runs[i], mc, n > 1);
		if (runs[i].err == ENODEV || runs[i].err == ENOTTY)
			break;	/* every other run would fail the same way */
	}
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
		out_u64(t, BC_COUNT, b->alloc.count);
		stats_cells(t, BC_AMIN, &b->alloc);
		stats_cells(t, BC_FMIN, &b->free);
		out_u64(t, BC_OPS, b->ops_per_sec);
		out_u64(t, BC_FAILURES, b->failures);
		out_u64(t, BC_OVERHEAD, b->overhead);
		out_u64(t, BC_ELAPSED, b->elapsed_ns);
		out_bool(t, BC_CAPPED, b->result & KMEMLAB_BENCH_TIME_CAPPED);
	}
}

/* A ratio to three significant digits: the noise allows no more. */
static void ratio_cell(struct out_table *t, size_t col, uint64_t num, uint64_t den)
{
	double v, scale;

	if (!den) {
		out_none(t, col);
		return;
	}
	v = (double)num / (double)den;
	scale = v > 0 ? pow(10, 2 - floor(log10(v))) : 1;
	out_ratio(t, col, round(v * scale) / scale);
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
	ratio_cell(t, RA_MEDIAN, r->b.alloc.median, d->b.alloc.median);
	ratio_cell(t, RA_P99, r->b.alloc.p99, d->b.alloc.p99);
	ratio_cell(t, RA_FREE, r->b.free.median, d->b.free.median);
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

/* The line above a table for people: whose times these are. */
static void machine_line(const struct out_opts *o, const struct machine *mc,
			 const char *what)
{
	if (o->json || o->raw || o->noheadings)
		return;
	printf("kernel %s on %s, %ld CPU%s, init_on_alloc=%d: %s\n", mc->release,
	       mc->label, mc->cpus, mc->cpus == 1 ? "" : "s", mc->init_on_alloc, what);
}

/* How to print: the output options, and CSV (raw with commas). */
struct format {
	struct out_opts o;	/* the main table's */
	struct out_opts plain;	/* the others': no -o */
	bool csv;
};

static struct format format_of(const struct cli *cli, bool csv)
{
	struct format f = { .o = cli->out, .plain = cli->out_plain, .csv = csv };

	if (csv) {
		f.o.raw = f.plain.raw = true;
		f.o.bytes = f.plain.bytes = true;
		/* for programs, like JSON: every column unless -o says */
		f.o.all_columns |= !f.o.columns;
	}
	return f;
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
	if (f->csv)
		scols_table_set_column_separator(t[0].tb, ",");
	else {
		if (out_table_init(&t[nt], "ratios", &ratio_columns, &f->plain, &bad, &bad_len))
			goto nomem;
		t[nt].hide_empty = true;
		if (!f->o.json && !f->o.raw)
			scols_cell_set_data(scols_table_get_title(t[nt].tb), "ratios of the times, same boot");
		ratio_fill(&t[nt++], runs, n);
	}
	if (f->o.json) {
		if (out_fields_init(&t[nt], "machine", &machine_fields, &f->plain))
			goto nomem;
		machine_fill(&t[nt++], mc);
	}
	machine_line(&f->o, mc, "time per call, the timer's own cost subtracted");
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

/* ---- the plot ---- */

/* Write @s to @f as a gnuplot single-quoted string. */
static void gp_quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		fputc(*s, f);
	}
	fputc('\'', f);
}

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
			const struct kmemlab_bench_stats *a = &runs[i].b.alloc;
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
	snprintf(buf, len, "%s%s%s%s%s", r->api->n.name,
		 a->ncontexts > 1 ? " " : "", a->ncontexts > 1 ? ctx_name(r->b.context) : "",
		 a->npatterns > 1 ? " " : "", a->npatterns > 1 ? pat : "");
}

static void plot_script(FILE *f, const char *out, const char *data,
			const struct run *runs, const size_t *heads, size_t nh,
			const struct bench_args *a, const struct machine *mc)
{
	char line[512], title[96];

	if (has_ext(out, "svg"))
		fputs("set terminal svg size 1000,640 dynamic noenhanced font 'sans,12'\n", f);
	else
		fputs("set terminal pngcairo size 1000,640 noenhanced font 'sans,10'\n", f);
	fputs("set output ", f);
	gp_quote(f, out);
	snprintf(line, sizeof(line), "kernel %s on %s, init_on_alloc=%d, %u thread%s",
		 mc->release, mc->label, mc->init_on_alloc, a->threads,
		 a->threads == 1 ? "" : "s");
	fputs("\nset title 'kmemlab bench: time per allocation (median, bar up to p99)' "
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

/* A temporary file "kmemlab-bench-XXXXXX" opened for writing, or NULL. */
static FILE *temp_file(char *path, size_t len)
{
	const char *dir = getenv("TMPDIR");
	FILE *f;
	int fd;

	snprintf(path, len, "%s/kmemlab-bench-XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(path);
	}
	return f;
}

/* Run gnuplot on @script; 0, or an errno (ENOENT: no gnuplot) or -1 when it failed. */
static int gnuplot(const char *script)
{
	char *argv[] = { "gnuplot", (char *)script, NULL };
	int status, err;
	pid_t pid;

	err = posix_spawnp(&pid, "gnuplot", NULL, NULL, argv, environ);
	if (err)
		return err;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return errno;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -1;
}

static int plot(const struct cli *cli, const char *out, const struct run *runs, size_t n,
		const struct bench_args *a, const struct machine *mc)
{
	char data[256], script[256];
	size_t *heads = calloc(n ? n : 1, sizeof(*heads)), nh;
	bool have_data = false, have_script = false;
	FILE *df = NULL, *sf = NULL;
	struct stat st;
	int err = 0, e1, e2;

	if (!heads)
		return err_fail(cli->cmd, ENOMEM, NULL, NULL);
	nh = series_heads(runs, n, heads);
	if (!nh) {
		free(heads);
		return err_fail(cli->cmd, ENODATA, NULL, "nothing to plot in %s: every run failed",
				out);
	}
	df = temp_file(data, sizeof(data));
	if (!df) {
		err = errno;
		goto out;
	}
	have_data = true;
	sf = temp_file(script, sizeof(script));
	if (!sf) {
		err = errno;
		goto out;
	}
	have_script = true;
	plot_data(df, runs, n, heads, nh);
	plot_script(sf, out, data, runs, heads, nh, a, mc);
	e1 = fclose(df);
	e2 = fclose(sf);
	df = sf = NULL;
	err = e1 || e2 ? EIO : gnuplot(script);
out:
	if (df)
		fclose(df);
	if (sf)
		fclose(sf);
	if (have_data)
		unlink(data);
	if (have_script)
		unlink(script);
	free(heads);
	if (err == ENOENT)
		return err_fail(cli->cmd, ENOENT, "install gnuplot (Debian: gnuplot-nox)",
				"cannot plot %s: gnuplot is not on PATH", out);
	if (err > 0)
		return err_fail(cli->cmd, err, NULL, "cannot plot %s: %s", out, strerror(err));
	if (err < 0 || stat(out, &st) || !st.st_size)
		return err_fail(cli->cmd, EIO, "gnuplot's messages above say why",
				"gnuplot did not write %s", out);
	return EXIT_SUCCESS;
}

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

enum sys_op { SYS_TIMER, SYS_NOP, SYS_ALLOC_FREE };

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
	} else if (op == SYS_ALLOC_FREE) {
		err = kml_alloc(fd, &a);
		f.handle = a.report.handle;
		if (!err)
			err = kml_free(fd, &f);
	}
	*ns = now_ns() - t0;
	return err;
}

/* Time @n calls of @op after @warmup untimed ones into @v. */
static int sys_loop(int fd, enum sys_op op, uint64_t *v, size_t n, size_t warmup)
{
	uint64_t ns;
	int err;

	for (size_t i = 0; i < warmup + n; i++) {
		if (stop_signal)
			return -EINTR;
		err = sys_call(fd, op, &ns);
		if (err)
			return err;
		if (i >= warmup)
			v[i - warmup] = ns;
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

static int run_syscall(struct cli *cli, int fd, const struct bench_args *a,
		       const struct machine *mc)
{
	const char *names[] = {
		[SYS_NOP] = "ioctl(NOP)",
		[SYS_ALLOC_FREE] = "ioctl(ALLOC)+ioctl(FREE)",	/* kmalloc 64 B */
	};
	struct sys_stats st[3];
	struct format f = format_of(cli, a->csv);
	struct out_table t[3];
	uint64_t *v = calloc(a->iterations, sizeof(*v)), overhead;
	const char *bad;
	size_t bad_len, nt = 0;
	int err = 0;
	if (!v)
		return err_fail(cli->cmd, ENOMEM, NULL, NULL);
	for (int op = SYS_TIMER; op <= SYS_ALLOC_FREE && !err; op++) {
		progress("bench --syscall: %s", op == SYS_TIMER ? "the timer" : names[op]);
		err = -sys_loop(fd, (enum sys_op)op, v, a->iterations, a->warmup);
		st[op] = summarise(v, a->iterations, op == SYS_TIMER ? 0 : st[SYS_TIMER].median);
		if (err)
			err = sys_fail(cli, err, names[op]);
	}
	progress(NULL);
	free(v);
	if (err)
		return err;
	overhead = st[SYS_TIMER].median;
	memset(t, 0, sizeof(t));
	if (out_table_init(&t[nt], "syscall", &syscall_columns, &f.o, &bad, &bad_len))
		goto nomem;
	if (f.csv)
		scols_table_set_column_separator(t[nt].tb, ",");
	sys_row(&t[nt], names[SYS_NOP], &st[SYS_NOP], overhead);
	sys_row(&t[nt++], names[SYS_ALLOC_FREE], &st[SYS_ALLOC_FREE], overhead);
	if (!f.csv) {
		if (out_table_init(&t[nt], "ratios", &ratio_columns, &f.plain, &bad, &bad_len))
			goto nomem;
		out_row(&t[nt]);
		out_str(&t[nt], RA_COMPARE, "alloc+free/nop");
		out_str(&t[nt], RA_API, "kmalloc");
		out_u64(&t[nt], RA_SIZE, SYSCALL_SIZE);
		out_str(&t[nt], RA_CONTEXT, "process");
		out_none(&t[nt], RA_PATTERN);
		ratio_cell(&t[nt], RA_MEDIAN, st[SYS_ALLOC_FREE].median, st[SYS_NOP].median);
		ratio_cell(&t[nt], RA_P99, st[SYS_ALLOC_FREE].p99, st[SYS_NOP].p99);
		out_none(&t[nt++], RA_FREE);
	}
	if (f.o.json) {
		if (out_fields_init(&t[nt], "machine", &machine_fields, &f.plain))
			goto nomem;
		machine_fill(&t[nt++], mc);
	}
	machine_line(&f.o, mc, "ioctls timed from userspace with clock_gettime(CLOCK_MONOTONIC), "
		     "its own cost subtracted; ALLOC is kmalloc 64 B");
	return cli_print(cli, t, nt);
nomem:
	out_free(t, ARRAY_SIZE(t));
	return err_fail(cli->cmd, ENOMEM, NULL, NULL);
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
	struct format f = { .csv = has_ext(path, "csv") };
	struct results r = *res;

	f.o.json = f.plain.json = has_ext(path, "json");
	f.o.raw = f.plain.raw = f.csv;
	f.o.bytes = f.plain.bytes = f.csv;
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

	parse_args(cli, argc, argv, &a);
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
	rc = sweep(cli, fd, runs, n, &mc);
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
