// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz: random ioctls at /dev/kmemlabN, with the device unbound and rebound
 * every so often, to shake out crashes, warnings and leaks in the driver.
 *
 *   fuzz [--seed N] [--count N] [--seconds N] [--unbind-every N]
 *        [--device N] [-v]
 *
 * Command numbers are kmemlab's (mostly), kmemlab's with a wrong size or
 * direction, random ones of kmemlab's magic, and random ones of other
 * magics. Arguments start from a well-formed request and get fields set to
 * boundary values (0, 1, -1, UINT32_MAX, sizes around PAGE_SIZE, the kmalloc
 * limits, the quota, 2^31, 2^32...), or are random bytes; handles are mostly
 * ones the driver returned lately, sometimes stale or random; argument and
 * embedded user pointers are sometimes NULL, unmapped, read-only, kernel or
 * non-canonical addresses, misaligned, or run off the end of a mapping.
 * Every --unbind-every ioctls the device is unbound and rebound, and the
 * fuzzer goes on with the dead file for a while before it reopens.
 *
 * The answers are checked against the ABI: ENOTTY for every command that is
 * not kmemlab's, EFAULT for a bad argument pointer, and for kmemlab's
 * commands only the errnos the header documents for them (BENCH and NOP may
 * still be ENOTTY). At the end the fuzzer frees everything and the live
 * counters must be 0. A watchdog reports an ioctl that does not return.
 *
 * Prints ioctls issued, their results per errno, ops/s, unbind cycles.
 * Exit status: 0 as expected, 1 a violation, a hang or counters not 0,
 * 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/kmemlab.h>

#include "testlib.h"

#define SYSDRV		"/sys/bus/platform/drivers/kmemlab"
#define NERR		134
#define MAX_HANDLES	64
#define ARGMAX		4096UL	/* the most of an argument the fuzzer writes */
#define MiB		(1ULL << 20)

/* The commands, with the errnos the header allows besides the common ones. */
enum cmd_id {
	C_INFO, C_ALLOC, C_FREE, C_QUERY, C_LIST, C_REALLOC, C_FILL, C_VERIFY,
	C_READ, C_DMA, C_BENCH, C_NOP, C_COUNT,
	C_BADSIZE = C_COUNT, C_MAGIC, C_FOREIGN, C_CLASSES
};

/* One bit per errno; EOVERFLOW takes bit 63, the rest above share bit 62. */
#define EBIT(x)	((x) == EOVERFLOW ? 63 : (x) < 62 ? (x) : 62)
#define E(x)	(1ULL << EBIT(x))
/* ENOMEM: the driver's own bookkeeping may run out on any command. */
#define COMMON	(E(0) | E(EFAULT) | E(EINVAL) | E(ENODEV) | E(EINTR) | E(ENOMEM))

static const struct {
	const char *name;
	unsigned long cmd;
	size_t size;
	unsigned int weight;
	uint64_t errs;
} cmds[C_COUNT] = {
	[C_INFO] = { "info", KMEMLAB_IOC_INFO, sizeof(struct kmemlab_info), 3,
		     COMMON | E(ENOMEM) },
	[C_ALLOC] = { "alloc", KMEMLAB_IOC_ALLOC, sizeof(struct kmemlab_alloc), 24,
		      COMMON | E(E2BIG) | E(EOVERFLOW) | E(EEXIST) | E(ENOSPC) |
		      E(ENOMEM) | E(EBUSY) },
	[C_FREE] = { "free", KMEMLAB_IOC_FREE, sizeof(struct kmemlab_free), 10,
		     COMMON | E(ENOENT) },
	[C_QUERY] = { "query", KMEMLAB_IOC_QUERY, sizeof(struct kmemlab_query), 7,
		      COMMON | E(ENOENT) },
	[C_LIST] = { "list", KMEMLAB_IOC_LIST, sizeof(struct kmemlab_list), 6,
		     COMMON },
	[C_REALLOC] = { "realloc", KMEMLAB_IOC_REALLOC,
			sizeof(struct kmemlab_realloc), 8,
			COMMON | E(ENOENT) | E(E2BIG) | E(ENOSPC) | E(ENOMEM) },
	[C_FILL] = { "fill", KMEMLAB_IOC_FILL, sizeof(struct kmemlab_fill), 7,
		     COMMON | E(ENOENT) },
	[C_VERIFY] = { "verify", KMEMLAB_IOC_VERIFY, sizeof(struct kmemlab_fill), 7,
		       COMMON | E(ENOENT) },
	[C_READ] = { "read", KMEMLAB_IOC_READ, sizeof(struct kmemlab_read), 7,
		     COMMON | E(ENOENT) | E(ENOMEM) },
	[C_DMA] = { "dma-map", KMEMLAB_IOC_DMA_MAP, sizeof(struct kmemlab_dma), 7,
		    COMMON | E(ENOENT) | E(ERANGE) | E(E2BIG) | E(ENOMEM) | E(EIO) },
	/* Not on every branch yet: ENOTTY until they are. */
	[C_BENCH] = { "bench", KMEMLAB_IOC_BENCH, sizeof(struct kmemlab_bench), 3,
		      COMMON | E(ENOTTY) | E(E2BIG) | E(ENOSPC) | E(ENOMEM) },
	[C_NOP] = { "nop", KMEMLAB_IOC_NOP, 0, 3, COMMON | E(ENOTTY) },
};

static const char *const class_names[C_CLASSES] = {
	"info", "alloc", "free", "query", "list", "realloc", "fill", "verify",
	"read", "dma-map", "bench", "nop", "bad-size", "magic-random", "foreign",
};

/* Where the argument pointer points. */
enum ptr_kind { P_GOOD, P_NULL, P_UNMAPPED, P_RDONLY, P_STRADDLE, P_MISALIGNED,
		P_KERNEL, P_COUNT };

static const char *const ptr_names[P_COUNT] = {
	"good", "null", "unmapped", "read-only", "straddling", "misaligned",
	"kernel",
};

/* Shared with the watchdog. */
struct shared {
	_Atomic uint64_t ioctls;
	_Atomic uint64_t result[C_CLASSES][NERR + 1];
	_Atomic uint64_t by_ptr[P_COUNT];
	_Atomic uint64_t violations, unbinds, allocs, alloc_bytes, reopens;
	_Atomic int done;
	/* The ioctl in flight, for the watchdog's report. */
	_Atomic unsigned long last_cmd;
	_Atomic int last_class, last_ptr;
	unsigned char last_arg[512];
	double elapsed;
};

static struct shared *sh;
static int verbose;
static char dev_path[64], dev_name[64];
static unsigned int device_id;	/* platform device kmemlab.N */


static bool chance(unsigned int percent)
{
	return tl_rnd_below(100) < percent;
}

static void violation(const char *fmt, ...)
{
	va_list ap;

	if (atomic_fetch_add(&sh->violations, 1) >= 20)
		return;
	fprintf(stderr, "fuzz: violation: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Boundary values. */
static const uint64_t sizes[] = {
	0, 1, 2, 7, 8, 9, 63, 64, 65, 96, 192, 4095, 4096, 4097, 8191, 8192,
	8193, 65536, 131071, 131072, 131073, (1 << 20), (4 << 20) - 1, 4 << 20,
	(4 << 20) + 1, 8 << 20, 32 << 20, (64 << 20) - 1, 64 << 20,
	(64 << 20) + 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000,
	0x100000001, (uint64_t)-4096, (uint64_t)-1, 1ULL << 63,
};

static const uint64_t words[] = {
	0, 1, 2, 3, 4, 5, 16, 17, 31, 32, 255, 256, 4096, 0x7fffffff,
	0x80000000, 0xfffffffe, 0xffffffff, 0x100000000, 0xffffffffffffffff,
	0x8000000000000000,
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A size: small, around a limit, or anything; quota-bounded mostly. */
static uint64_t pick_size(void)
{
	unsigned int r = tl_rnd_below(100);

	if (r < 45)
		return 1 + tl_rnd_below(tl_rnd_below(2) ? 512 : 16384);
	if (r < 85)
		return sizes[tl_rnd_below(N(sizes))];
	if (r < 95)
		return 16384 + tl_rnd_below(MiB);
	return tl_rnd();
}

static uint64_t pick_word(void)
{
	return chance(80) ? words[tl_rnd_below(N(words))] : tl_rnd();
}

static uint64_t pick_gfp(void)
{
	uint64_t g = 0;

	if (chance(90))
		g |= 1ULL << tl_rnd_below(7);
	if (chance(25))
		g |= KMEMLAB_GFP_DMA << tl_rnd_below(2);
	while (chance(35))
		g |= KMEMLAB_GFP_ZERO << tl_rnd_below(7);
	if (chance(3))
		g |= 1ULL << tl_rnd_below(64);	/* unknown bits too */
	if (chance(1))
		g = tl_rnd();
	return g;
}

static uint32_t pick_context(void)
{
	if (chance(3))
		return pick_word();
	return chance(50) ? KMEMLAB_CTX_PROCESS : 1 + tl_rnd_below(KMEMLAB_CTX_COUNT - 1);
}

/*
 * Memory the pointers point into, in the system's pages (4 KiB, or 16 KiB
 * on arm64-16k: mprotect() takes whole pages).
 */
static size_t page;
static size_t bigbuf;		/* READ_MAX and a page */
static unsigned char *rw;	/* arguments: a page, then a PROT_NONE page */
static unsigned char *ro;	/* a read-only page */
static unsigned char *none;	/* a PROT_NONE page */
static unsigned char *big;	/* bigbuf read/list buffer, then PROT_NONE */

static struct fuzzer {
	int fd;
	bool dead;		/* the device was unbound under fd */
	uint32_t handles[MAX_HANDLES];	/* returned lately, maybe freed since */
	unsigned int nhandles;
	uint32_t last_handle;
} F;

static uint32_t pick_handle(void)
{
	unsigned int r = tl_rnd_below(100);

	if (r < 80 && F.nhandles)
		return F.handles[tl_rnd_below(F.nhandles)];
	if (r < 88)
		return F.last_handle + tl_rnd_below(3);
	if (r < 94)
		return tl_rnd_below(4);
	return pick_word();
}

static void remember(uint32_t h)
{
	if (F.nhandles < MAX_HANDLES)
		F.handles[F.nhandles++] = h;
	else
		F.handles[tl_rnd_below(MAX_HANDLES)] = h;
	F.last_handle = h;
}

/* A user pointer for inside a struct: mostly good, sometimes not. */
static uint64_t pick_uptr(size_t want)
{
	switch (tl_rnd_below(12)) {
	case 0: return 0;
	case 1: return (uintptr_t)none;
	case 2: return (uintptr_t)ro;
	case 3: return (uintptr_t)big + 1 + tl_rnd_below(7);
	case 4: return (uintptr_t)big + bigbuf - (want > 8 ? want / 2 : 1);
	case 5: return 0xffff888000000000ULL;
	case 6: return 0x8000000000000000ULL;
	default: return (uintptr_t)big;
	}
}

static const char *const cache_names[] = {
	"f0", "f1", "f2", "f3", "a-b_c9", "abcdefghijklmnopqrst",
	"abcdefghijklmnopqrstu", "UPPER", "sp ace", "",
};

/* One field of a struct, for mutation. */
struct field {
	size_t off, size;
};

#define FLD(type, m) { offsetof(struct type, m), sizeof(((struct type *)0)->m) }

static const struct field alloc_f[] = {
	FLD(kmemlab_alloc, api), FLD(kmemlab_alloc, context),
	FLD(kmemlab_alloc, size), FLD(kmemlab_alloc, gfp),
	FLD(kmemlab_alloc, count), FLD(kmemlab_alloc, align),
	FLD(kmemlab_alloc, flags), FLD(kmemlab_alloc, pad),
	{ offsetof(struct kmemlab_alloc, name) + 20, 8 },
	{ offsetof(struct kmemlab_alloc, reserved), 8 },
	{ offsetof(struct kmemlab_alloc, reserved) + 24, 8 },
	{ offsetof(struct kmemlab_alloc, report), 8 },
};
static const struct field free_f[] = {
	FLD(kmemlab_free, handle), FLD(kmemlab_free, flags),
	FLD(kmemlab_free, freed), FLD(kmemlab_free, pad),
};
static const struct field query_f[] = {
	FLD(kmemlab_query, handle), FLD(kmemlab_query, pad),
};
static const struct field list_f[] = {
	FLD(kmemlab_list, records), FLD(kmemlab_list, capacity),
	FLD(kmemlab_list, needed), FLD(kmemlab_list, returned),
	FLD(kmemlab_list, flags),
};
static const struct field realloc_f[] = {
	FLD(kmemlab_realloc, handle), FLD(kmemlab_realloc, context),
	FLD(kmemlab_realloc, size), FLD(kmemlab_realloc, gfp),
	{ offsetof(struct kmemlab_realloc, reserved), 8 },
	{ offsetof(struct kmemlab_realloc, reserved) + 8, 8 },
};
static const struct field fill_f[] = {
	FLD(kmemlab_fill, handle), FLD(kmemlab_fill, pattern),
	FLD(kmemlab_fill, offset), FLD(kmemlab_fill, length),
	FLD(kmemlab_fill, mismatches), FLD(kmemlab_fill, first_mismatch),
	{ offsetof(struct kmemlab_fill, reserved), 8 },
	{ offsetof(struct kmemlab_fill, reserved) + 8, 8 },
};
static const struct field read_f[] = {
	FLD(kmemlab_read, handle), FLD(kmemlab_read, pad),
	FLD(kmemlab_read, offset), FLD(kmemlab_read, length),
	FLD(kmemlab_read, buf),
};
static const struct field dma_f[] = {
	FLD(kmemlab_dma, handle), FLD(kmemlab_dma, mode),
	FLD(kmemlab_dma, direction), FLD(kmemlab_dma, nents),
	FLD(kmemlab_dma, result), FLD(kmemlab_dma, mask),
	FLD(kmemlab_dma, max_segment), FLD(kmemlab_dma, pad),
	{ offsetof(struct kmemlab_dma, reserved), 8 },
};
/* Not iterations, warmup, batch or threads: those stay small. */
static const struct field bench_f[] = {
	FLD(kmemlab_bench, api), FLD(kmemlab_bench, context),
	FLD(kmemlab_bench, size), FLD(kmemlab_bench, gfp),
	FLD(kmemlab_bench, pattern), FLD(kmemlab_bench, flags),
	FLD(kmemlab_bench, samples_len),
	{ offsetof(struct kmemlab_bench, reserved), 8 },
	{ offsetof(struct kmemlab_bench, reserved) + 24, 8 },
	{ offsetof(struct kmemlab_bench, dispatch), 8 },
};

static const struct {
	const struct field *f;
	size_t n;
} fields[C_COUNT] = {
	[C_ALLOC] = { alloc_f, N(alloc_f) }, [C_FREE] = { free_f, N(free_f) },
	[C_QUERY] = { query_f, N(query_f) }, [C_LIST] = { list_f, N(list_f) },
	[C_REALLOC] = { realloc_f, N(realloc_f) },
	[C_FILL] = { fill_f, N(fill_f) }, [C_VERIFY] = { fill_f, N(fill_f) },
	[C_READ] = { read_f, N(read_f) }, [C_DMA] = { dma_f, N(dma_f) },
	[C_BENCH] = { bench_f, N(bench_f) },
};

static void set_field(unsigned char *arg, const struct field *f, uint64_t v)
{
	uint32_t v32 = v;

	if (f->size == 4)
		memcpy(arg + f->off, &v32, 4);
	else if (f->size == 8)
		memcpy(arg + f->off, &v, 8);
	else
		memset(arg + f->off, (int)v, f->size);
}

/* The driver's APIs, as DESCRIBE gives them: the fuzzer has no list of its own. */
static struct {
	uint32_t id;
	uint64_t caps;
	uint64_t type_size;	/* kmalloc_obj family: the size it takes */
} apis[64];
static unsigned int napis;

static int load_apis(void)
{
	struct kmemlab_desc *recs = NULL;
	unsigned int n = 0;
	int fd = tl_open_node(device_id, NULL), err;

	if (fd < 0)
		return errno;
	err = tl_describe(fd, &recs, &n);
	close(fd);
	for (unsigned int i = 0; !err && i < n && napis < 64; i++) {
		/* A request for an API the kernel lacks is not a good one. */
		if (recs[i].kind != KMEMLAB_DESC_API || recs[i].unavailable)
			continue;
		apis[napis].id = recs[i].id;
		apis[napis].type_size = recs[i].type_size;
		apis[napis++].caps = recs[i].caps;
	}
	free(recs);
	return err ? err : napis ? 0 : ENOENT;
}

/* A described API (its index in apis[]). */
static unsigned int pick_api(void)
{
	return tl_rnd_below(napis);
}

/* A well-formed (mostly) request for command @c in @arg. */
static void make_arg(enum cmd_id c, unsigned char *arg)
{
	memset(arg, 0, ARGMAX);
	switch (c) {
	case C_ALLOC: {
		struct kmemlab_alloc *a = (void *)arg;

		unsigned int k = pick_api();

		a->api = chance(97) ? apis[k].id : pick_word();
		a->context = pick_context();
		a->size = pick_size();
		a->gfp = pick_gfp();
		if ((apis[k].caps & KMEMLAB_API_CAP_COUNT) || chance(2)) {
			a->count = chance(90) ? 1 + tl_rnd_below(64) : pick_word();
			if (chance(70) && a->count && a->size > a->count)
				a->size /= a->count;
		}
		if (apis[k].type_size && chance(90))
			a->size = apis[k].type_size;
		if ((apis[k].caps & KMEMLAB_API_CAP_CACHE) || chance(2)) {
			const char *n = cache_names[tl_rnd_below(N(cache_names))];

			memcpy(a->name, n, strlen(n));
			if (chance(70))
				a->size = 32 << (strlen(n) & 3);	/* mostly one geometry */
			if (chance(20))
				a->align = 1U << tl_rnd_below(14);
			if (chance(20))
				a->flags = chance(80) ? KMEMLAB_ALLOC_HWCACHE_ALIGN
						      : pick_word();
		}
		break;
	}
	case C_FREE: {
		struct kmemlab_free *f = (void *)arg;

		if (chance(3))
			f->flags = KMEMLAB_FREE_ALL;
		else
			f->handle = pick_handle();
		break;
	}
	case C_QUERY:
		((struct kmemlab_query *)arg)->handle = pick_handle();
		break;
	case C_LIST: {
		struct kmemlab_list *l = (void *)arg;
		size_t fit = bigbuf / sizeof(struct kmemlab_report);

		l->capacity = chance(80) ? tl_rnd_below(fit + 1) : pick_word();
		l->records = l->capacity && chance(85) ? (uintptr_t)big
						       : pick_uptr(l->capacity * 128);
		break;
	}
	case C_REALLOC: {
		struct kmemlab_realloc *r = (void *)arg;

		r->handle = pick_handle();
		r->context = pick_context();
		r->size = pick_size();
		r->gfp = pick_gfp();
		break;
	}
	case C_FILL:
	case C_VERIFY: {
		struct kmemlab_fill *f = (void *)arg;

		f->handle = pick_handle();
		f->pattern = chance(95) ? tl_rnd_below(256) : pick_word();
		f->offset = chance(70) ? 0 : chance(50) ? tl_rnd_below(8192) : pick_size();
		f->length = chance(50) ? 0 : chance(50) ? tl_rnd_below(8192) : pick_size();
		break;
	}
	case C_READ: {
		struct kmemlab_read *r = (void *)arg;

		r->handle = pick_handle();
		r->offset = chance(70) ? 0 : chance(50) ? tl_rnd_below(8192) : pick_size();
		r->length = chance(40) ? 1 + tl_rnd_below(8192) : chance(50) ?
			    KMEMLAB_READ_MAX + tl_rnd_below(3) - 1 : pick_size();
		r->buf = chance(80) ? (uintptr_t)big : pick_uptr(r->length);
		break;
	}
	case C_DMA: {
		struct kmemlab_dma *d = (void *)arg;

		d->handle = pick_handle();
		d->mode = chance(95) ? 1 + tl_rnd_below(2) : pick_word();
		d->direction = chance(95) ? 1 + tl_rnd_below(3) : pick_word();
		break;
	}
	case C_BENCH: {
		struct kmemlab_bench *b = (void *)arg;

		b->api = apis[pick_api()].id;
		b->context = pick_context();
		b->size = chance(80) ? 1 + tl_rnd_below(8192) : pick_size();
		b->gfp = pick_gfp();
		b->iterations = tl_rnd_below(101);
		b->warmup = tl_rnd_below(11);
		b->pattern = 1 + tl_rnd_below(2);
		b->batch = b->pattern == KMEMLAB_BENCH_BATCH ? tl_rnd_below(17) : 0;
		b->threads = tl_rnd_below(4);
		b->flags = chance(20) ? KMEMLAB_BENCH_CYCLES : 0;
		if (chance(50)) {
			b->samples_len = tl_rnd_below(256);
			b->alloc_samples = pick_uptr(b->samples_len * 8);
			b->free_samples = pick_uptr(b->samples_len * 8);
		}
		break;
	}
	default:
		break;
	}
}

static void mutate(enum cmd_id c, unsigned char *arg, size_t size)
{
	unsigned int k;

	if (c < C_COUNT && fields[c].n && chance(40)) {
		for (k = 1 + tl_rnd_below(3); k; k--) {
			const struct field *f = &fields[c].f[tl_rnd_below(fields[c].n)];
			bool sz = f->size == 8 && chance(50);

			set_field(arg, f, sz ? pick_size() : pick_word());
		}
	}
	if (c != C_BENCH && chance(4))
		for (k = 0; k < size; k++)
			arg[k] = tl_rnd();
}

/* Generic ioctls the VFS answers itself, whatever the file: never sent. */
static bool vfs_ioctl(unsigned long cmd)
{
	static const unsigned long vfs[] = {
		FIOCLEX, FIONCLEX, FIONBIO, FIOASYNC, FIOQSIZE, FIFREEZE, FITHAW,
		FS_IOC_FIEMAP, FIGETBSZ, FICLONE, FICLONERANGE, FIDEDUPERANGE,
		FIONREAD, FS_IOC_GETFLAGS, FS_IOC_SETFLAGS, FS_IOC_FSGETXATTR,
		FS_IOC_FSSETXATTR, FS_IOC32_GETFLAGS, FS_IOC32_SETFLAGS,
	};
	size_t i;

	for (i = 0; i < N(vfs); i++)
		if ((uint32_t)cmd == (uint32_t)vfs[i])
			return true;
	return false;
}

static int open_dev(void)
{
	double deadline = tl_now() + 60;
	int fd;

	for (;;) {
		fd = tl_open_node(device_id, NULL);
		if (fd >= 0)
			return fd;
		if ((errno != ENOENT && errno != ENODEV && errno != ENXIO) ||
		    tl_now() > deadline) {
			fprintf(stderr, "fuzz: open %s: %s\n", dev_path,
				tl_errname(errno));
			exit(1);
		}
		usleep(1000);
	}
}

static void sysfs_must(const char *what)
{
	int err = tl_write_str(what[0] == 'u' ? SYSDRV "/unbind" : SYSDRV "/bind",
			    dev_name);

	if (err) {
		fprintf(stderr, "fuzz: %s %s: %s\n", what, dev_name, tl_errname(err));
		exit(1);
	}
}

/* The handles die with the binding; a few stay on as stale ones. */
static void unbound(void)
{
	F.dead = true;
	F.nhandles = F.nhandles > 4 ? 4 : F.nhandles;
}

/* One random ioctl; checks the answer. */
static void one(void)
{
	static unsigned char argbuf[ARGMAX];
	unsigned int r = tl_rnd_below(100), w, total = 0;
	enum cmd_id c = C_INFO;
	enum ptr_kind pk = P_GOOD;
	unsigned long cmd;
	size_t size;
	unsigned char *arg;
	int err, e;

	if (r < 80) {
		for (w = 0; w < C_COUNT; w++)
			total += cmds[w].weight;
		w = tl_rnd_below(total);
		while (w >= cmds[c].weight)
			w -= cmds[c++].weight;
		cmd = cmds[c].cmd;
		size = cmds[c].size;
		make_arg(c, argbuf);
		mutate(c, argbuf, size);
	} else if (r < 88) {
		/* A known number with a wrong size or direction. */
		enum cmd_id k = tl_rnd_below(C_COUNT);
		size_t sz = cmds[k].size;

		c = C_BADSIZE;
		switch (tl_rnd_below(4)) {
		case 0: sz += 8; break;
		case 1: sz = sz >= 8 ? sz - 8 : 8; break;
		case 2: sz = tl_rnd_below(_IOC_SIZEMASK + 1); break;
		default: break;
		}
		cmd = _IOC(tl_rnd_below(4), KMEMLAB_IOC_MAGIC, _IOC_NR(cmds[k].cmd), sz);
		if (cmd == cmds[k].cmd)
			cmd ^= _IOC(0, 0, 0, 8);
		size = sz < ARGMAX ? sz : ARGMAX;
		make_arg(k, argbuf);
	} else if (r < 94) {
		c = C_MAGIC;
		cmd = _IOC(tl_rnd_below(4), KMEMLAB_IOC_MAGIC, tl_rnd_below(256),
			   tl_rnd_below(_IOC_SIZEMASK + 1));
		size = _IOC_SIZE(cmd) < ARGMAX ? _IOC_SIZE(cmd) : ARGMAX;
		for (w = 0; w < size; w++)
			argbuf[w] = chance(80) ? 0 : tl_rnd();
	} else {
		c = C_FOREIGN;
		do
			cmd = (uint32_t)tl_rnd();
		while (_IOC_TYPE(cmd) == KMEMLAB_IOC_MAGIC || vfs_ioctl(cmd));
		size = 64;
		memset(argbuf, 0, size);
	}
	/* A command that is really one of the table's, whatever we meant. */
	for (w = 0; c >= C_COUNT && w < C_COUNT; w++)
		if (cmd == cmds[w].cmd)
			c = w;

	r = tl_rnd_below(100);
	pk = r < 76 ? P_GOOD : (enum ptr_kind)(1 + (r - 76) % (P_COUNT - 1));
	switch (pk) {
	case P_GOOD: arg = rw; break;
	case P_NULL: arg = NULL; break;
	case P_UNMAPPED: arg = none; break;
	case P_RDONLY: arg = ro; break;
	case P_STRADDLE: arg = rw + page - (size > 1 ? size / 2 : 1); break;
	case P_MISALIGNED: arg = rw + 1 + tl_rnd_below(7); break;
	default: arg = (void *)(uintptr_t)(chance(50) ? 0xffff888000000000ULL
							: 0x8000000000000000ULL);
		break;
	}
	if (pk == P_RDONLY) {
		mprotect(ro, page, PROT_READ | PROT_WRITE);
		memcpy(ro, argbuf, size);
		mprotect(ro, page, PROT_READ);
	} else if (pk == P_GOOD || pk == P_MISALIGNED || pk == P_STRADDLE) {
		/* Whatever of it fits before the PROT_NONE page. */
		memcpy(arg, argbuf, size < (size_t)(rw + page - arg) ? size
				    : (size_t)(rw + page - arg));
	}

	atomic_store(&sh->last_cmd, cmd);
	atomic_store(&sh->last_class, c);
	atomic_store(&sh->last_ptr, pk);
	memcpy(sh->last_arg, argbuf, sizeof(sh->last_arg));
	err = ioctl(F.fd, cmd, arg) ? errno : 0;
	atomic_fetch_add(&sh->ioctls, 1);
	atomic_fetch_add(&sh->result[c][err >= 0 && err < NERR ? err : NERR], 1);
	atomic_fetch_add(&sh->by_ptr[pk], 1);

	/* What the ABI allows for this command and pointer. */
	e = EBIT(err);
	if (c == C_FOREIGN) {
		if (err != ENOTTY)
			violation("foreign command %#lx: %s", cmd, tl_errname(err));
	} else if (F.dead) {
		if (err != ENODEV)
			violation("command %#lx on a file whose device is gone: %s",
				  cmd, tl_errname(err));
	} else if (c >= C_COUNT) {
		if (err != ENOTTY)
			violation("unknown command %#lx: %s", cmd, tl_errname(err));
	} else if (!(cmds[c].errs & (1ULL << e))) {
		violation("%s (%#lx) with a %s argument: %s", cmds[c].name, cmd,
			  ptr_names[pk], tl_errname(err));
	} else if (pk != P_GOOD && pk != P_MISALIGNED && pk != P_RDONLY &&
		   c != C_NOP && err != EFAULT && err != ENOTTY) {
		violation("%s with a %s argument pointer: %s, not EFAULT",
			  cmds[c].name, ptr_names[pk], tl_errname(err));
	}
	if (err == ENODEV && !F.dead)
		violation("%s: ENODEV while the device is bound", class_names[c]);

	if (!err && c == C_ALLOC) {
		struct kmemlab_alloc a;

		memcpy(&a, arg, sizeof(a));
		if (!a.report.handle)
			violation("alloc returned handle 0");
		remember(a.report.handle);
		atomic_fetch_add(&sh->allocs, 1);
		atomic_fetch_add(&sh->alloc_bytes, a.report.size);
	}
	if (verbose > 1)
		fprintf(stderr, "fuzz: %s %#lx %s -> %s\n", class_names[c], cmd,
			ptr_names[pk], tl_errname(err));
}

/* Unbind; a few ioctls on the dead file; bind; a few more; reopen. */
static void unbind_cycle(uint64_t limit)
{
	unsigned int k;

	sysfs_must("unbind");
	unbound();
	for (k = tl_rnd_below(8); k && atomic_load(&sh->ioctls) < limit; k--)
		one();
	sysfs_must("bind");
	for (k = tl_rnd_below(8); k && atomic_load(&sh->ioctls) < limit; k--)
		one();
	close(F.fd);
	F.fd = open_dev();
	F.dead = false;
	atomic_fetch_add(&sh->unbinds, 1);
	atomic_fetch_add(&sh->reopens, 1);
}

static void map_memory(void)
{
	unsigned char *m;

	page = (size_t)sysconf(_SC_PAGESIZE);
	bigbuf = (1UL << 20) + page;
	m = mmap(NULL, 4 * page + bigbuf + page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		perror("fuzz: mmap");
		exit(1);
	}
	rw = m;
	none = m + page;
	ro = m + 2 * page;
	big = m + 4 * page;
	if (mprotect(none, page, PROT_NONE) || mprotect(ro, page, PROT_READ) ||
	    mprotect(m + 3 * page, page, PROT_NONE) ||
	    mprotect(big + bigbuf, page, PROT_NONE)) {
		perror("fuzz: mprotect");
		exit(1);
	}
}

static int fuzzer(uint64_t seed, uint64_t count, double seconds,
		  uint64_t unbind_every)
{
	struct kmemlab_free all = { .flags = KMEMLAB_FREE_ALL };
	double t0 = tl_now();
	uint64_t n;

	tl_seed(seed * 0x9E3779B97F4A7C15ULL + 1);
	map_memory();
	F.fd = open_dev();
	/* Exactly @count ioctls, those around the unbinds included. */
	for (n = 0; atomic_load(&sh->ioctls) < count; n++) {
		if ((n & 255) == 0 && seconds > 0 && tl_now() - t0 >= seconds)
			break;
		if (unbind_every && n && n % unbind_every == 0)
			unbind_cycle(count);
		if (atomic_load(&sh->ioctls) < count)
			one();
	}
	sh->elapsed = tl_now() - t0;
	if (ioctl(F.fd, KMEMLAB_IOC_FREE, &all)) {
		fprintf(stderr, "fuzz: free all: %s\n", tl_errname(errno));
		return 1;
	}
	close(F.fd);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: fuzz [--seed N] [--count N] [--seconds N] [--unbind-every N]\n"
"            [--device N] [-v]\n"
"\n"
"Random ioctls at /dev/kmemlabN, checked against the ABI, with the device\n"
"unbound and rebound now and then; the live counters must be 0 at the end.\n"
"Run as root with the module loaded.\n"
"\n"
"  --seed N          random seed (default 1)\n"
"  --count N         ioctls to issue (default 1000000)\n"
"  --seconds N       stop after N seconds, whatever the count (default: none)\n"
"  --unbind-every N  unbind and rebind every N ioctls (default 2000; 0: never)\n"
"  --device N        /dev/kmemlabN and platform device kmemlab.N (default 0)\n"
"  --stall N         report an ioctl that has not returned in N s (default 120)\n"
"  -v                per-command results; -vv every ioctl\n"
"\n"
"Exit status: 0 as expected, 1 a violation, a hung ioctl or live counters\n"
"not 0 at the end, 2 usage.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'c' },
		{ "seconds", required_argument, NULL, 't' },
		{ "unbind-every", required_argument, NULL, 'u' },
		{ "device", required_argument, NULL, 'd' },
		{ "stall", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	uint64_t seed = 1, count = 1000000, unbind_every = 2000, stall = 120;
	uint64_t per_errno[NERR + 1] = { 0 }, allocs = 1, bytes = 1, last = 0;
	double seconds = 0, t0, quiet_since;
	int opt, status, failed = 0, c, e;
	pid_t pid;
	char *end;

	while ((opt = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		unsigned long long v = 0;

		if (optarg) {
			errno = 0;
			v = strtoull(optarg, &end, 0);
			if (errno || *end || optarg[0] == '-') {
				fprintf(stderr, "fuzz: bad number %s\n", optarg);
				return 2;
			}
		}
		switch (opt) {
		case 's': seed = v; break;
		case 'c': count = v; break;
		case 't': seconds = v; break;
		case 'u': unbind_every = v; break;
		case 'd': device_id = v; break;
		case 'w': stall = v; break;
		case 'v': verbose++; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || device_id > 63 || !stall) {
		usage(stderr);
		return 2;
	}
	snprintf(dev_path, sizeof(dev_path), "/dev/kmemlab%u", device_id);
	snprintf(dev_name, sizeof(dev_name), "kmemlab.%u", device_id);
	if (load_apis()) {
		fprintf(stderr, "fuzz: cannot read the driver's description from %s\n",
			dev_path);
		return 1;
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("fuzz: mmap");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("fuzz: seed %" PRIu64 ", %" PRIu64 " ioctls, %s%.0f s, unbind every %"
	       PRIu64 ", %s\n", seed, count, seconds > 0 ? "at most " : "no bound ",
	       seconds, unbind_every, dev_path);

	t0 = tl_now();
	pid = fork();
	if (pid < 0) {
		perror("fuzz: fork");
		return 1;
	}
	if (pid == 0)
		_exit(fuzzer(seed, count, seconds, unbind_every));
	/* The watchdog: an ioctl that does not come back is a finding too. */
	quiet_since = tl_now();
	while (waitpid(pid, &status, WNOHANG) == 0) {
		uint64_t n = atomic_load(&sh->ioctls);

		if (n != last) {
			last = n;
			quiet_since = tl_now();
		} else if (tl_now() - quiet_since > stall) {
			unsigned long cmd = atomic_load(&sh->last_cmd);

			fprintf(stderr, "fuzz: ioctl %" PRIu64 " (%s, cmd %#lx, %s argument)"
				" has not returned in %" PRIu64 " s; argument:",
				n + 1, class_names[atomic_load(&sh->last_class)], cmd,
				ptr_names[atomic_load(&sh->last_ptr)], stall);
			for (e = 0; e < 96; e++)
				fprintf(stderr, "%s%02x", e % 32 ? " " : "\n  ",
					sh->last_arg[e]);
			fprintf(stderr, "\n");
			kill(pid, SIGKILL);
			return 1;
		}
		usleep(200000);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "fuzz: the fuzzing process ended with status %#x\n",
			status);
		failed = 1;
	}
	if (tl_read_u64(SYSDRV "/live_allocs", &allocs) ||
	    tl_read_u64(SYSDRV "/live_bytes", &bytes)) {
		fprintf(stderr, "fuzz: cannot read the live counters\n");
		failed = 1;
	}

	printf("fuzz: %" PRIu64 " ioctls in %.1f s: %.0f ioctls/s; wall %.1f s\n",
	       (uint64_t)atomic_load(&sh->ioctls), sh->elapsed,
	       sh->elapsed > 0 ? atomic_load(&sh->ioctls) / sh->elapsed : 0.0,
	       tl_now() - t0);
	for (c = 0; c < C_CLASSES; c++) {
		char line[2048];
		int len = 0;
		uint64_t sum = 0;

		for (e = 0; e <= NERR; e++) {
			uint64_t v = atomic_load(&sh->result[c][e]);

			if (!v)
				continue;
			sum += v;
			per_errno[e] += v;
			len += snprintf(line + len, sizeof(line) - len, " %s %" PRIu64,
					e == NERR ? "other" : tl_errname(e), v);
		}
		if (sum && verbose)
			printf("fuzz:   %-12s %8" PRIu64 ":%s\n", class_names[c], sum, line);
	}
	printf("fuzz: results:");
	for (e = 0; e <= NERR; e++)
		if (per_errno[e])
			printf(" %s %" PRIu64, e == NERR ? "other" : tl_errname(e),
			       per_errno[e]);
	printf("\nfuzz: argument pointers:");
	for (e = 0; e < P_COUNT; e++)
		printf(" %s %" PRIu64, ptr_names[e], (uint64_t)atomic_load(&sh->by_ptr[e]));
	printf("\nfuzz: allocations made %" PRIu64 " (%" PRIu64 " bytes), unbind cycles %"
	       PRIu64 "\n", (uint64_t)atomic_load(&sh->allocs),
	       (uint64_t)atomic_load(&sh->alloc_bytes),
	       (uint64_t)atomic_load(&sh->unbinds));
	printf("fuzz: live at the end: %" PRIu64 " allocations, %" PRIu64 " bytes\n",
	       allocs, bytes);
	printf("fuzz: violations %" PRIu64 "\n", (uint64_t)atomic_load(&sh->violations));
	if (allocs || bytes)
		failed = 1;
	return failed || atomic_load(&sh->violations) ? 1 : 0;
}
