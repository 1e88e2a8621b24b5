// SPDX-License-Identifier: GPL-2.0
/*
 * abi-probe: send one hand-made ioctl to /dev/kmemlabN and print what the
 * driver answered: "OK" or the errno's name, then the out fields asked for.
 * It reaches what the CLI never sends (reserved bytes, unknown bits, bad
 * pointers, foreign command numbers), so the suite can check every
 * validation of the ABI.
 *
 *   abi-probe [-d N | -f FD] [-n N | -w | -W] CMD [field=value ...] [?field ...]
 *   abi-probe [-n N | -w] write PATH TEXT [undo=PATH]
 *
 * CMD is info, alloc, free, query, list, realloc, fill, verify, read, dma,
 * bench, runs or nop; or "raw NR SIZE" for _IOWR(KMEMLAB_IOC_MAGIC, NR, SIZE bytes)
 * and "foreign" for a command of another driver's magic. field=value sets a
 * field of the argument (numbers in C syntax; "name" takes a string;
 * reserved0.. and pad address the spare bytes). ?field prints a field after
 * the call. The argument pointer itself can be made bad with "ptr=bad", or
 * point at a read-only copy of the argument with "ptr=ro" (the driver reads
 * it, and cannot write the results back); "out=ro" makes LIST's records and
 * READ's buf a read-only copy of the probe's buffer.
 * LIST's records and READ's buf point at a buffer of the probe's own
 * (sizeof(struct kmemlab_report) * 64 bytes) unless set; "FIELD=buf" points
 * any other pointer field there (RUNS' runs).
 * -f FD uses an inherited open file instead of opening /dev/kmemlabN.
 *
 * For bench: "samples=N" points alloc_samples and free_samples at arrays of
 * N entries of our own (samples_len=N), and ?x_amin, ?x_amax, ?x_fmin,
 * ?x_fmax print the least and greatest of the samples_out entries the
 * driver wrote there. "alarm=MS" sends us SIGALRM (caught, no restart) MS
 * milliseconds into the ioctl, to interrupt it.
 *
 * The kernel's own fault injection (failslab, fail_page_alloc; the debug
 * kernel has them), per task through /proc/thread-self/fail-nth, armed for
 * the ioctl alone: "-n N" fails the Nth fault site the ioctl passes and
 * prints " left=K" after the result, K the sites it did not reach (0: the
 * fault fired). "-w" walks N = 1, 2, ... until the ioctl passes every site
 * without meeting the fault. After each fault it checks that the ioctl
 * failed with ENOMEM or went on without that memory ("absorbed"), that
 * the driver's live_allocs and live_bytes are what they were before, and
 * that the same ioctl then succeeds; an ALLOC that succeeded is freed again.
 * (Not REALLOC: krealloc keeps the larger object when shrinking, so a grown
 * allocation cannot be walked again; the suite takes -n and a fresh
 * allocation per site.)
 * It prints one line per site ("site N: ENOMEM|absorbed|<what went
 * wrong>") and "OK sites=N failed=N absorbed=N own=N", own the driver's
 * own sites (its fault_sites parameter); exit status 1 if anything went
 * wrong. "write PATH TEXT" writes TEXT to the (sysfs) file PATH instead of
 * an ioctl, so that -n reaches what a write starts: a bind's probe; with
 * -w it takes "undo=PATH2", where writing TEXT undoes it (an unbind), and
 * each fault must leave the write failed with ENOMEM and nothing to undo
 * (ENODEV), or absorbed and undoable. Nothing in the probe itself allocates between arming and
 * disarming: its buffers are touched beforehand.
 *
 * "-W" is the same walk over the driver's own fault injection, its fail_nth
 * parameter, which fails the Nth of the driver's own allocations: there
 * every fault must fail the ioctl with ENOMEM (the driver absorbs none),
 * and after each fault, and after the walk, the driver's live counters and
 * its slab caches (the kmemlab<N>... lines of /proc/slabinfo) are what they
 * were before. "own" is then the sites walked.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/kmemlab.h>

#include "testlib.h"

struct field {
	const char *name;
	size_t off;
	size_t size;
};

#define F(type, member) { #member, offsetof(struct type, member),	\
			  sizeof(((struct type *)0)->member) }
#define R(type, member, i, name) { name, offsetof(struct type, member) + (i) * 8, 8 }

static const struct field alloc_fields[] = {
	F(kmemlab_alloc, api), F(kmemlab_alloc, context), F(kmemlab_alloc, size),
	F(kmemlab_alloc, gfp), F(kmemlab_alloc, count), F(kmemlab_alloc, align),
	F(kmemlab_alloc, flags), F(kmemlab_alloc, pad), F(kmemlab_alloc, name),
	F(kmemlab_alloc, sheaf_capacity), F(kmemlab_alloc, pad2),
	F(kmemlab_alloc, reserved),
	{ "reason", offsetof(struct kmemlab_alloc, refusal.reason), 4 },
	{ "rarg", offsetof(struct kmemlab_alloc, refusal.arg), 4 },
	{ "rvalue", offsetof(struct kmemlab_alloc, refusal.value), 8 },
	{ "handle", offsetof(struct kmemlab_alloc, report.handle), 4 },
	{ "usable", offsetof(struct kmemlab_alloc, report.usable), 8 },
	{ "virt", offsetof(struct kmemlab_alloc, report.virt), 8 },
	{ "phys", offsetof(struct kmemlab_alloc, report.phys), 8 },
	{ "rflags", offsetof(struct kmemlab_alloc, report.flags), 4 },
	{ "rreserved", offsetof(struct kmemlab_alloc, report.reserved), 8 },
	{ NULL, 0, 0 }
};

static const struct field realloc_fields[] = {
	F(kmemlab_realloc, handle), F(kmemlab_realloc, context),
	F(kmemlab_realloc, size), F(kmemlab_realloc, gfp),
	R(kmemlab_realloc, reserved, 0, "reserved0"),
	R(kmemlab_realloc, reserved, 1, "reserved1"),
	{ "reason", offsetof(struct kmemlab_realloc, refusal.reason), 4 },
	{ "rarg", offsetof(struct kmemlab_realloc, refusal.arg), 4 },
	{ "rvalue", offsetof(struct kmemlab_realloc, refusal.value), 8 },
	{ "usable", offsetof(struct kmemlab_realloc, report.usable), 8 },
	{ NULL, 0, 0 }
};

static const struct field free_fields[] = {
	F(kmemlab_free, handle), F(kmemlab_free, flags), F(kmemlab_free, freed),
	F(kmemlab_free, pad), { NULL, 0, 0 }
};

static const struct field query_fields[] = {
	F(kmemlab_query, handle), F(kmemlab_query, pad),
	{ "size", offsetof(struct kmemlab_query, report.size), 8 },
	{ "virt", offsetof(struct kmemlab_query, report.virt), 8 },
	{ "phys", offsetof(struct kmemlab_query, report.phys), 8 },
	{ "rflags", offsetof(struct kmemlab_query, report.flags), 4 },
	{ NULL, 0, 0 }
};

static const struct field runs_fields[] = {
	F(kmemlab_runs, handle), F(kmemlab_runs, capacity), F(kmemlab_runs, runs),
	F(kmemlab_runs, needed), F(kmemlab_runs, returned), F(kmemlab_runs, flags),
	F(kmemlab_runs, pad), F(kmemlab_runs, granule), F(kmemlab_runs, pages),
	F(kmemlab_runs, reserved), { NULL, 0, 0 }
};

static const struct field list_fields[] = {
	F(kmemlab_list, records), F(kmemlab_list, capacity),
	F(kmemlab_list, needed), F(kmemlab_list, returned),
	F(kmemlab_list, flags), { NULL, 0, 0 }
};

static const struct field fill_fields[] = {
	F(kmemlab_fill, handle), F(kmemlab_fill, pattern), F(kmemlab_fill, offset),
	F(kmemlab_fill, length), F(kmemlab_fill, mismatches),
	F(kmemlab_fill, first_mismatch),
	R(kmemlab_fill, reserved, 0, "reserved0"), { NULL, 0, 0 }
};

static const struct field read_fields[] = {
	F(kmemlab_read, handle), F(kmemlab_read, pad), F(kmemlab_read, offset),
	F(kmemlab_read, length), F(kmemlab_read, buf), { NULL, 0, 0 }
};

static const struct field dma_fields[] = {
	F(kmemlab_dma, handle), F(kmemlab_dma, mode), F(kmemlab_dma, direction),
	F(kmemlab_dma, nents), F(kmemlab_dma, pages), F(kmemlab_dma, result),
	F(kmemlab_dma, mask), F(kmemlab_dma, bus), F(kmemlab_dma, max_segment),
	F(kmemlab_dma, pad), R(kmemlab_dma, reserved, 0, "reserved0"), { NULL, 0, 0 }
};

static const struct field info_fields[] = {
	F(kmemlab_info, abi_version), F(kmemlab_info, page_size),
	F(kmemlab_info, flags), F(kmemlab_info, dma_mask),
	F(kmemlab_info, max_bytes), F(kmemlab_info, max_allocs),
	F(kmemlab_info, dma_max_bytes), F(kmemlab_info, dma_live_bytes),
	F(kmemlab_info, features), F(kmemlab_info, apis),
	F(kmemlab_info, kmalloc_max_size), F(kmemlab_info, pad),
	F(kmemlab_info, vmalloc_start), F(kmemlab_info, vmalloc_size),
	{ "direct_map_start", offsetof(struct kmemlab_info, direct_map.start), 8 },
	{ "direct_map_end", offsetof(struct kmemlab_info, direct_map.end), 8 },
	{ NULL, 0, 0 }
};

#define B(member) F(kmemlab_bench, member)
#define S(st, member, name) { name, offsetof(struct kmemlab_bench, st.member), 8 }
#define STATS(st, p) S(st, count, p "count"), S(st, min, p "min"),		\
	S(st, median, p "median"), S(st, p90, p "p90"), S(st, p99, p "p99"),	\
	S(st, max, p "max"), S(st, mean, p "mean"), S(st, stddev, p "stddev")

static const struct field bench_fields[] = {
	B(api), B(context), B(size), B(gfp), B(iterations), B(warmup),
	B(pattern), B(batch), B(threads), B(flags), B(alloc_samples),
	B(free_samples), B(samples_len),
	R(kmemlab_bench, reserved, 0, "reserved0"),
	R(kmemlab_bench, reserved, 3, "reserved3"),
	STATS(alloc, "a_"), STATS(free, "f_"),
	B(overhead), B(elapsed_ns), B(ops_per_sec), B(failures),
	B(samples_out), B(result), B(cpus),
	F(kmemlab_bench, clock_hz), F(kmemlab_bench, dispatch),
	{ "reason", offsetof(struct kmemlab_bench, refusal.reason), 4 },
	{ "rarg", offsetof(struct kmemlab_bench, refusal.arg), 4 },
	{ "rvalue", offsetof(struct kmemlab_bench, refusal.value), 8 },
	{ NULL, 0, 0 }
};

/* Not fields: computed from the sample arrays after a bench. */
static const char *const sample_stats[] = { "x_amin", "x_amax", "x_fmin", "x_fmax" };

static uint64_t *bench_samples[2];
static size_t bench_samples_len;

static uint64_t sample_stat(const unsigned char *arg, size_t which)
{
	uint64_t n = 0, v = which & 1 ? 0 : UINT64_MAX;
	const uint64_t *s = bench_samples[which / 2];
	size_t i;

	memcpy(&n, arg + offsetof(struct kmemlab_bench, samples_out), 8);
	if (!s || n > bench_samples_len)
		return UINT64_MAX;
	for (i = 0; i < n; i++)
		if (which & 1 ? s[i] > v : s[i] < v)
			v = s[i];
	return v;
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void arm_alarm(const char *ms)
{
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	struct itimerval it = { 0 };
	long v = strtol(ms, NULL, 0);

	sigaction(SIGALRM, &sa, NULL);
	it.it_value.tv_sec = v / 1000;
	it.it_value.tv_usec = (v % 1000) * 1000;
	setitimer(ITIMER_REAL, &it, NULL);
}

/*
 * The fault injection armed around the ioctl: the kernel's per-task
 * fail-nth, or with -W the driver's fail_nth parameter. An fd of it.
 */
static int failnth_fd = -1;
static bool driver_faults;

static void failnth_open(void)
{
	const char *path = driver_faults ? "/sys/module/kmemlab/parameters/fail_nth" :
			   "/proc/thread-self/fail-nth";

	failnth_fd = open(path, O_RDWR);
	if (failnth_fd < 0) {
		printf("%s: %s\n", path, tl_errname(errno));
		exit(1);
	}
}

static void failnth_arm(unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	if (pwrite(failnth_fd, buf, len, 0) != len) {
		perror("abi-probe: fail-nth");
		exit(2);
	}
}

/* Disarm, and return the sites the armed count did not reach. */
static unsigned int failnth_disarm(void)
{
	char buf[16] = "";
	ssize_t len = pread(failnth_fd, buf, sizeof(buf) - 1, 0);

	failnth_arm(0);
	if (len <= 0) {
		perror("abi-probe: fail-nth");
		exit(2);
	}
	return strtoul(buf, NULL, 10);
}

#define SYSDRV "/sys/bus/platform/drivers/kmemlab/"

struct live {
	uint64_t allocs, bytes;
};

static struct live live_now(void)
{
	struct live l = { 0, 0 };

	tl_read_u64(SYSDRV "live_allocs", &l.allocs);
	tl_read_u64(SYSDRV "live_bytes", &l.bytes);
	return l;
}

static uint64_t fault_sites(void)
{
	uint64_t v = 0;

	tl_read_u64("/sys/module/kmemlab/parameters/fault_sites", &v);
	return v;
}

/* What a walk met: faults that failed with ENOMEM, absorbed ones, errors. */
struct tally {
	unsigned int failed, absorbed, bad;
};

/*
 * Count the outcome of the fault at site @n: the call succeeded anyway
 * (@ok), or failed with @err, which must be ENOMEM. Returns @ok.
 */
static bool tally_fault(struct tally *t, unsigned int n, bool ok, int err)
{
	if (ok) {
		t->absorbed++;
		printf("site %u: absorbed\n", n);
	} else if (err == ENOMEM) {
		t->failed++;
		printf("site %u: ENOMEM\n", n);
	} else {
		t->bad++;
		printf("site %u: %s, not ENOMEM\n", n, tl_errname(err));
	}
	return ok;
}

/* After the fault at site @n the driver's live counters must be @base. */
static void tally_live(struct tally *t, unsigned int n, struct live base)
{
	struct live now = live_now();

	if (now.allocs == base.allocs && now.bytes == base.bytes)
		return;
	t->bad++;
	printf("site %u: live %llu allocations, %llu bytes; %llu, %llu before\n",
	       n, (unsigned long long)now.allocs, (unsigned long long)now.bytes,
	       (unsigned long long)base.allocs, (unsigned long long)base.bytes);
}

/* The driver's slab caches: /proc/slabinfo's lines of kmemlab<N>... */
static int kmemlab_slabs(void)
{
	char line[256];
	int n = 0;
	FILE *f = fopen("/proc/slabinfo", "r");

	if (!f) {
		perror("abi-probe: /proc/slabinfo");
		exit(2);
	}
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "kmemlab", 7) && line[7] >= '0' && line[7] <= '9')
			n++;
	fclose(f);
	return n;
}

/* -W: after the fault at site @n (0: after the walk), nothing of the
 * driver's is left: live counters @base and @slabs slab caches. */
static void tally_clean(struct tally *t, unsigned int n, struct live base, int slabs)
{
	int now;

	tally_live(t, n, base);
	now = kmemlab_slabs();
	if (now == slabs)
		return;
	t->bad++;
	printf("site %u: %d kmemlab slab caches, %d before\n", n, now, slabs);
}

/* Undo what a successful ioctl left: the allocation an ALLOC made. */
static void undo(int fd, unsigned long cmd, const unsigned char *arg)
{
	struct kmemlab_free f = { 0 };

	if (cmd != KMEMLAB_IOC_ALLOC)
		return;
	memcpy(&f.handle, arg + offsetof(struct kmemlab_alloc, report.handle),
	       sizeof(f.handle));
	if (ioctl(fd, KMEMLAB_IOC_FREE, &f))
		printf("undo: FREE of handle %u: %s\n", f.handle, tl_errname(errno));
}

/*
 * The walk of -w over @cmd with the argument @arg (restored before every
 * call from a copy). Returns the exit status.
 */
static int walk(int fd, unsigned long cmd, unsigned char *arg, size_t size)
{
	static unsigned char pristine[4096];
	struct live base = live_now();
	int slabs = driver_faults ? kmemlab_slabs() : 0;
	struct tally t = { 0 };
	unsigned int n, left;
	uint64_t own;
	int ret, err;

	memcpy(pristine, arg, size);
	for (n = 1; n <= 1000; n++) {
		memcpy(arg, pristine, size);
		failnth_arm(n);
		ret = ioctl(fd, cmd, arg);
		err = errno;
		left = failnth_disarm();
		if (left) {
			/* Every site passed: the walk is over. */
			if (ret) {
				printf("site %u: %s without a fault\n", n, tl_errname(err));
				return 1;
			}
			undo(fd, cmd, arg);
			memcpy(arg, pristine, size);
			own = fault_sites();
			if (ioctl(fd, cmd, arg))
				t.bad++;
			else
				undo(fd, cmd, arg);
			own = fault_sites() - own;
			if (driver_faults)
				tally_clean(&t, 0, base, slabs);
			printf("%s sites=%u failed=%u absorbed=%u own=%llu\n",
			       t.bad ? "BAD" : "OK", n - left, t.failed, t.absorbed,
			       (unsigned long long)own);
			return !!t.bad;
		}
		if (tally_fault(&t, n, !ret, err)) {
			undo(fd, cmd, arg);
			if (driver_faults) {
				t.bad++;
				printf("site %u: a fault of the driver's own was absorbed\n", n);
			}
		}
		if (driver_faults)
			tally_clean(&t, n, base, slabs);
		else
			tally_live(&t, n, base);
		memcpy(arg, pristine, size);
		if (ioctl(fd, cmd, arg)) {
			t.bad++;
			printf("site %u: the next call: %s\n", n, tl_errname(errno));
		} else {
			undo(fd, cmd, arg);
		}
	}
	printf("BAD: still meeting the fault after %u sites\n", n - 1);
	return 1;
}

/*
 * The walk of -w over "write PATH TEXT undo=UNDO": after each fault the
 * write failed with ENOMEM and undoing it (writing TEXT to UNDO) fails
 * with ENODEV (a bind left nothing bound), or it was absorbed and the
 * undo works; the driver's live counters are what they were; the next
 * write and its undo work.
 */
static int walk_write(int fd, const char *text, const char *undo_path)
{
	int ufd = open(undo_path, O_WRONLY), err;
	struct live base = live_now();
	struct tally t = { 0 };
	size_t len = strlen(text);
	unsigned int n, left;
	ssize_t ret, undone;

	if (ufd < 0) {
		printf("open %s: %s\n", undo_path, tl_errname(errno));
		return 1;
	}
	for (n = 1; n <= 5000; n++) {
		failnth_arm(n);
		ret = pwrite(fd, text, len, 0);
		err = errno;
		left = failnth_disarm();
		if (left) {
			if (ret < 0) {
				printf("site %u: %s without a fault\n", n, tl_errname(err));
				return 1;
			}
			if (pwrite(ufd, text, len, 0) < 0)
				printf("undo: %s\n", tl_errname(errno));
			printf("OK sites=%u failed=%u absorbed=%u\n", n - left,
			       t.failed, t.absorbed);
			return 0;
		}
		tally_fault(&t, n, ret >= 0, err);
		/* absorbed: undone; failed: nothing to undo (ENODEV) */
		undone = pwrite(ufd, text, len, 0);
		if (ret >= 0 ? undone < 0 : undone >= 0 || errno != ENODEV) {
			t.bad++;
			printf("site %u: undoing it: %s\n", n,
			       undone < 0 ? tl_errname(errno) : "OK");
		}
		tally_live(&t, n, base);
		if (pwrite(fd, text, len, 0) < 0 || pwrite(ufd, text, len, 0) < 0) {
			t.bad++;
			printf("site %u: the next write and undo: %s\n", n,
			       tl_errname(errno));
		}
		if (t.bad)
			return 1;
	}
	printf("BAD: still meeting the fault after %u sites\n", n - 1);
	return 1;
}

/* "write PATH TEXT", armed with -n N when @nth >= 0. */
static int write_file(const char *path, const char *text, long nth,
		      const char *undo_path)
{
	size_t len = strlen(text);
	ssize_t ret;
	int fd, err;

	fd = open(path, O_WRONLY);
	if (fd < 0) {
		printf("open: %s\n", tl_errname(errno));
		return 1;
	}
	if (undo_path) {
		failnth_open();
		return walk_write(fd, text, undo_path);
	}
	if (nth >= 0) {
		failnth_open();
		failnth_arm(nth);
	}
	ret = write(fd, text, len);
	err = errno;
	if (nth >= 0)
		nth = failnth_disarm();
	printf("%s", tl_errname(ret < 0 ? err : 0));
	if (nth >= 0)
		printf(" left=%ld", nth);
	printf("\n");
	close(fd);
	return 0;
}

static const struct {
	const char *name;
	unsigned long cmd;
	size_t size;
	const struct field *fields;
} cmds[] = {
	{ "info", KMEMLAB_IOC_INFO, sizeof(struct kmemlab_info), info_fields },
	{ "alloc", KMEMLAB_IOC_ALLOC, sizeof(struct kmemlab_alloc), alloc_fields },
	{ "free", KMEMLAB_IOC_FREE, sizeof(struct kmemlab_free), free_fields },
	{ "query", KMEMLAB_IOC_QUERY, sizeof(struct kmemlab_query), query_fields },
	{ "list", KMEMLAB_IOC_LIST, sizeof(struct kmemlab_list), list_fields },
	{ "realloc", KMEMLAB_IOC_REALLOC, sizeof(struct kmemlab_realloc),
	  realloc_fields },
	{ "fill", KMEMLAB_IOC_FILL, sizeof(struct kmemlab_fill), fill_fields },
	{ "verify", KMEMLAB_IOC_VERIFY, sizeof(struct kmemlab_fill), fill_fields },
	{ "read", KMEMLAB_IOC_READ, sizeof(struct kmemlab_read), read_fields },
	{ "dma", KMEMLAB_IOC_DMA_MAP, sizeof(struct kmemlab_dma), dma_fields },
	{ "bench", KMEMLAB_IOC_BENCH, sizeof(struct kmemlab_bench), bench_fields },
	{ "nop", KMEMLAB_IOC_NOP, 0, NULL },
	{ "runs", KMEMLAB_IOC_RUNS, sizeof(struct kmemlab_runs), runs_fields },
};

static _Noreturn void usage(void)
{
	fprintf(stderr, "usage: abi-probe [-d N | -f FD] [-n N | -w | -W] CMD|raw NR SIZE|foreign "
		"[field=value ...] [?field ...]\n"
		"       abi-probe [-n N | -w] write PATH TEXT [undo=PATH]\n");
	exit(2);
}

static const struct field *find(const struct field *f, const char *name,
				size_t len)
{
	for (; f && f->name; f++)
		if (strlen(f->name) == len && !strncmp(f->name, name, len))
			return f;
	fprintf(stderr, "abi-probe: no field %.*s\n", (int)len, name);
	exit(2);
}

/* LIST's records and READ's buf, unless set; any pointer field's "buf". */
static unsigned char records[64 * sizeof(struct kmemlab_report)];

static void set(unsigned char *arg, const struct field *f, const char *val)
{
	uint64_t v;

	if (!strcmp(val, "buf")) {
		v = (uintptr_t)records;
		memcpy(arg + f->off, &v, f->size < 8 ? f->size : 8);
		return;
	}
	if (!strcmp(f->name, "name")) {
		strncpy((char *)arg + f->off, val, f->size);
		return;
	}
	v = strtoull(val, NULL, 0);
	memcpy(arg + f->off, &v, f->size < 8 ? f->size : 8);
}

static uint64_t get(const unsigned char *arg, const struct field *f)
{
	uint64_t v = 0;

	memcpy(&v, arg + f->off, f->size < 8 ? f->size : 8);
	return v;
}

static void set_samples(unsigned char *arg, size_t n)
{
	uint64_t v;
	size_t i;

	bench_samples_len = n;
	for (i = 0; i < 2; i++) {
		bench_samples[i] = calloc(n ? n : 1, sizeof(uint64_t));
		if (!bench_samples[i]) {
			perror("abi-probe");
			exit(2);
		}
	}
	v = (uintptr_t)bench_samples[0];
	memcpy(arg + offsetof(struct kmemlab_bench, alloc_samples), &v, 8);
	v = (uintptr_t)bench_samples[1];
	memcpy(arg + offsetof(struct kmemlab_bench, free_samples), &v, 8);
	v = n;
	memcpy(arg + offsetof(struct kmemlab_bench, samples_len), &v, 8);
}

static uint64_t value(const unsigned char *arg, const struct field *fields,
		      const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(sample_stats) / sizeof(sample_stats[0]); i++)
		if (!strcmp(name, sample_stats[i]))
			return sample_stat(arg, i);
	return get(arg, find(fields, name, strlen(name)));
}

/* A read-only copy of @n bytes at @src, in a mapping of its own. */
static void *readonly_copy(const void *src, size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p != MAP_FAILED) {
		memcpy(p, src, n);
		if (!mprotect(p, n, PROT_READ))
			return p;
	}
	perror("abi-probe: read-only copy");
	exit(2);
}

int main(int argc, char **argv)
{
	static unsigned char arg[4096];
	const struct field *fields = NULL;
	int ro_arg = 0, ro_out = 0;
	unsigned long cmd = 0;
	const char *dev = "0";
	const char *alarm_ms = NULL;
	int held = -1, walking = 0;
	long nth = -1;
	void *ptr = arg;
	char path[64];
	size_t i;
	int fd, ret, err, a = 1;

	for (; a + 1 < argc && argv[a][0] == '-'; a++) {
		if (!strcmp(argv[a], "-d") && a + 2 < argc)
			dev = argv[++a];
		else if (!strcmp(argv[a], "-f") && a + 2 < argc)
			held = atoi(argv[++a]);
		else if (!strcmp(argv[a], "-n") && a + 2 < argc)
			nth = strtol(argv[++a], NULL, 0);
		else if (!strcmp(argv[a], "-w"))
			walking = 1;
		else if (!strcmp(argv[a], "-W"))
			walking = 1, driver_faults = true;
		else
			usage();
	}
	if (a >= argc)
		usage();
	if (!strcmp(argv[a], "write") && a + 2 < argc) {
		const char *undo_path = NULL;

		if (a + 3 < argc && !strncmp(argv[a + 3], "undo=", 5))
			undo_path = argv[a + 3] + 5;
		if (walking != !!undo_path || driver_faults)
			usage();
		return write_file(argv[a + 1], argv[a + 2], nth, undo_path);
	}
	if (!strcmp(argv[a], "raw") && a + 2 < argc) {
		cmd = _IOC(_IOC_READ | _IOC_WRITE, KMEMLAB_IOC_MAGIC,
			   strtoul(argv[a + 1], NULL, 0), strtoul(argv[a + 2], NULL, 0));
		a += 3;
	} else if (!strcmp(argv[a], "foreign")) {
		cmd = _IOWR('T', 0x01, struct kmemlab_free);
		a++;
	} else {
		for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
			if (!strcmp(argv[a], cmds[i].name))
				break;
		if (i == sizeof(cmds) / sizeof(cmds[0]))
			usage();
		cmd = cmds[i].cmd;
		fields = cmds[i].fields;
		a++;
	}
	/* A list's records and a read's bytes go to our own buffer unless set. */
	if (cmd == KMEMLAB_IOC_LIST)
		*(uint64_t *)(arg + offsetof(struct kmemlab_list, records)) =
			(uintptr_t)records;
	if (cmd == KMEMLAB_IOC_READ)
		*(uint64_t *)(arg + offsetof(struct kmemlab_read, buf)) =
			(uintptr_t)records;
	for (i = a; i < (size_t)argc; i++) {
		const char *eq = strchr(argv[i], '=');

		if (argv[i][0] == '?')
			continue;
		if (!eq)
			usage();
		if (!strcmp(argv[i], "ptr=ro"))
			ro_arg = 1;
		else if (!strncmp(argv[i], "ptr=", 4))
			ptr = (void *)(uintptr_t)8;	/* never mapped */
		else if (!strcmp(argv[i], "out=ro"))
			ro_out = 1;
		else if (!strncmp(argv[i], "alarm=", 6))
			alarm_ms = eq + 1;
		else if (!strncmp(argv[i], "samples=", 8))
			set_samples(arg, strtoull(eq + 1, NULL, 0));
		else
			set(arg, find(fields, argv[i], eq - argv[i]), eq + 1);
	}
	if (ro_out) {
		uint64_t ro = (uintptr_t)readonly_copy(records, sizeof(records));

		if (cmd == KMEMLAB_IOC_LIST)
			memcpy(arg + offsetof(struct kmemlab_list, records), &ro, sizeof(ro));
		if (cmd == KMEMLAB_IOC_READ)
			memcpy(arg + offsetof(struct kmemlab_read, buf), &ro, sizeof(ro));
	}
	if (ro_arg)
		ptr = readonly_copy(arg, sizeof(arg));
	snprintf(path, sizeof(path), "/dev/kmemlab%s", dev);
	fd = held >= 0 ? held : open(path, O_RDWR);
	if (fd < 0) {
		printf("open: %s\n", tl_errname(errno));
		return 1;
	}
	if (walking || nth >= 0) {
		/*
		 * Nothing may allocate inside the armed window but the ioctl:
		 * fault in our buffers now, and open fail-nth beforehand.
		 */
		memset(records, 0, sizeof(records));
		for (i = 0; i < sizeof(arg); i += 64)
			((volatile unsigned char *)arg)[i] = arg[i];
		for (i = 0; i < 2; i++)
			if (bench_samples[i])
				memset(bench_samples[i], 0,
				       (bench_samples_len ? bench_samples_len : 1) *
				       sizeof(uint64_t));
		failnth_open();
		if (walking)
			return walk(fd, cmd, arg, sizeof(arg));
	}
	if (alarm_ms)
		arm_alarm(alarm_ms);
	if (nth >= 0)
		failnth_arm(nth);
	ret = ioctl(fd, cmd, ptr);
	err = errno;
	if (nth >= 0)
		nth = failnth_disarm();
	printf("%s", tl_errname(ret ? err : 0));
	for (i = a; i < (size_t)argc; i++)
		if (argv[i][0] == '?')
			printf(" %s=%llu", argv[i] + 1, (unsigned long long)
			       value(arg, fields, argv[i] + 1));
	if (nth >= 0)
		printf(" left=%ld", nth);
	printf("\n");
	close(fd);
	return 0;
}
