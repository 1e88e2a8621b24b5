// SPDX-License-Identifier: GPL-2.0
/*
 * stress: many processes allocating through /dev/kmemlabN while the device
 * is unbound and rebound under them and sysfs counters are read throughout.
 *
 *   stress [--procs N] [--ops N] [--unbinds N] [--seed N] [--device N]
 *          [--budget BYTES] [--stall N]
 *
 * Each of --procs workers runs --ops random operations (alloc with a random
 * API, size, valid gfp flags and context; free, query, list, fill + verify,
 * read, realloc, dma-map, info, a query of a handle from an earlier binding,
 * reopen), keeping its own allocations within --budget bytes. One process
 * unbinds and rebinds the device --unbinds times, spread over the workers'
 * run; another reads the device's live/, live_allocs/ and live_bytes/
 * counters and the driver's live_allocs and live_bytes until the end.
 *
 * Every result is checked against what the input allows: an operation on a
 * worker's own live handle must succeed (or fail with ENOSPC/ENOMEM where
 * memory is involved), a verify after a fill must find no mismatch, memory
 * the API zeroes must read back as zero; ENODEV means the device went away
 * under the open file, and the worker then reopens /dev/kmemlabN (which may
 * briefly not exist) and forgets its handles, which the unbind freed. Any
 * other errno is counted as unexpected. At the end every worker frees what
 * it holds and the live counters must all read 0.
 *
 * Prints the operations per errno, unbind cycles, sysfs reads and wall time.
 * Exit status: 0 all as expected, 1 something unexpected, 2 usage.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/kmemlab.h>

#include "testlib.h"

#define SYSDRV		"/sys/bus/platform/drivers/kmemlab"
#define MAX_PROCS	64
#define MAX_LIVE	48
#define NERR		134	/* errno values counted one by one */
#define VERIFY_MAX	4096	/* bytes compared by a read */

enum op {
	OP_ALLOC, OP_FREE, OP_QUERY, OP_LIST, OP_FILL, OP_READ, OP_REALLOC,
	OP_DMA, OP_INFO, OP_STALE, OP_REOPEN, OP_FINAL_FREE, OP_COUNT
};

static const char *const op_names[OP_COUNT] = {
	"alloc", "free", "query", "list", "fill+verify", "read", "realloc",
	"dma-map", "info", "query-stale", "reopen", "final-free",
};

/* Weights of the random operations (OP_FINAL_FREE is not drawn). */
static const unsigned int op_weight[OP_COUNT] = {
	[OP_ALLOC] = 30, [OP_FREE] = 20, [OP_QUERY] = 10, [OP_LIST] = 5,
	[OP_FILL] = 12, [OP_READ] = 5, [OP_REALLOC] = 8, [OP_DMA] = 4,
	[OP_INFO] = 3, [OP_STALE] = 2, [OP_REOPEN] = 1,
};

/* Shared between the processes (MAP_SHARED). */
struct shared {
	_Atomic uint64_t ops_done;
	_Atomic uint64_t ioctls;
	_Atomic uint64_t result[OP_COUNT][NERR + 1];	/* [.][0] = success */
	_Atomic uint64_t unexpected;
	_Atomic uint64_t reopens, reopen_waits, reopen_rebound;
	_Atomic uint64_t workers_left;
	_Atomic uint64_t unbinds, sysfs_reads, sysfs_absent, sysfs_bad;
	_Atomic int stop;
	_Atomic uint64_t zeroed_checked, verified_bytes;
};

static struct shared *sh;
static unsigned int device_id;
static char dev_path[64], dev_name[64], dev_sysfs[128];


/* An unexpected result: counted, and the first few described. */
static void unexpected(const char *fmt, ...)
{
	va_list ap;

	if (atomic_fetch_add(&sh->unexpected, 1) >= 20)
		return;
	fprintf(stderr, "stress[%d]: unexpected: ", (int)getpid());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void count(enum op op, int err)
{
	atomic_fetch_add(&sh->result[op][err >= 0 && err < NERR ? err : NERR], 1);
}

/* The APIs, and which gfp flags and contexts each takes, as DESCRIBE says. */
struct api {
	uint32_t api;
	char name[KMEMLAB_NAME_LEN];
	bool sleeps;		/* process context only */
	bool no_irq;		/* no softirq or hardirq context */
	bool free_sleeps;	/* REALLOC (which may free) in process context only */
	bool zeroes;		/* memory comes back zeroed */
	bool resize;		/* REALLOC can resize it */
	bool count;		/* kcalloc family */
	bool cache;		/* kmem_cache */
	bool vmap;		/* may be vmalloc memory: no DMA_SINGLE */
	uint64_t bases;		/* base types allowed */
	uint64_t zones;		/* zone modifiers allowed */
	uint64_t mods;		/* action modifiers allowed */
	uint64_t max;		/* largest size drawn */
	uint64_t type_size;	/* kmalloc_obj family: the one size (per element) */
};

#define MiB	(1ULL << 20)

static struct api apis[64];
static unsigned int napis;
/* Base types that never sleep; the most __GFP_NOFAIL may ask for. */
static uint64_t nosleep_bases, sleep_bases, nofail_max;

/* The driver's description, into apis[]: the stress has no table of its own. */
static int load_apis(void)
{
	struct kmemlab_desc *recs = NULL;
	uint64_t base = 0, zone = 0;
	unsigned int n = 0;
	int fd = tl_open_node(device_id, NULL), err;

	if (fd < 0)
		return errno;
	err = tl_describe(fd, &recs, &n);
	if (err)
		goto out;
	for (unsigned int i = 0; i < n; i++) {
		const struct kmemlab_desc *r = &recs[i];

		if (r->kind != KMEMLAB_DESC_GFP)
			continue;
		if (r->caps & KMEMLAB_GFP_CAP_BASE) {
			base |= r->gfp;
			if (r->caps & KMEMLAB_GFP_CAP_SLEEPS)
				sleep_bases |= r->gfp;
			else
				nosleep_bases |= r->gfp;
		}
		if (r->caps & KMEMLAB_GFP_CAP_ZONE)
			zone |= r->gfp;
		if (r->gfp == KMEMLAB_GFP_NOFAIL)
			nofail_max = r->max_size;
	}
	for (unsigned int i = 0; i < n && napis < 64; i++) {
		const struct kmemlab_desc *r = &recs[i];
		struct api *a = &apis[napis];

		/* An API the kernel lacks only ever says so (46-describe). */
		if (r->kind != KMEMLAB_DESC_API || r->unavailable)
			continue;
		a->api = r->id;
		memcpy(a->name, r->name, sizeof(a->name) - 1);
		a->sleeps = r->caps & KMEMLAB_API_CAP_SLEEPS;
		a->no_irq = r->caps & KMEMLAB_API_CAP_NO_IRQ;
		a->free_sleeps = r->caps & KMEMLAB_API_CAP_FREE_SLEEPS;
		a->zeroes = r->caps & KMEMLAB_API_CAP_ZEROES;
		a->resize = r->caps & KMEMLAB_API_CAP_RESIZE;
		a->count = r->caps & KMEMLAB_API_CAP_COUNT;
		a->cache = r->caps & KMEMLAB_API_CAP_CACHE;
		a->vmap = r->caps & KMEMLAB_API_CAP_VMAP;
		a->type_size = r->type_size;
		/* highmem pages have no kernel address to fill or read */
		a->bases = r->gfp & base & ~KMEMLAB_GFP_HIGHUSER;
		a->zones = r->gfp & zone;
		a->mods = r->gfp & ~base & ~zone;
		/* The stress's own bounds: coherent DMA memory is scarce. */
		a->max = r->max_size < MiB ? r->max_size : MiB;
		if (r->caps & KMEMLAB_API_CAP_COHERENT && a->max > 256 * 1024)
			a->max = 256 * 1024;
		napis++;
	}
	if (!napis)
		err = ENOENT;
out:
	free(recs);
	close(fd);
	return err;
}

/* One live allocation of a worker. */
struct live {
	uint32_t handle;
	const struct api *api;
	uint64_t size;
	uint32_t backing;
	int pattern;		/* -1: contents unknown */
	uint64_t known;		/* bytes [0, known) hold pattern */
};

struct worker {
	int fd;
	struct live live[MAX_LIVE];
	unsigned int nlive;
	uint64_t bytes, budget;
	uint32_t stale[64];	/* handles of earlier bindings */
	unsigned int nstale;
	unsigned int id;
	char *rbuf;
	struct kmemlab_report *records;
};

#define NRECORDS 128

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	atomic_fetch_add(&sh->ioctls, 1);
	return ioctl(fd, cmd, arg) ? errno : 0;
}

/*
 * Open device N's node, waiting while the device is unbound. Bound again
 * while another worker still held the old node, it comes back under
 * another number: the node is found through sysfs (tl_open_node()).
 */
static int open_dev(void)
{
	double deadline = tl_now() + 120;
	int fd;

	for (;;) {
		fd = tl_open_node(device_id, NULL);
		if (fd >= 0)
			return fd;
		if (errno != ENOENT && errno != ENODEV && errno != ENXIO) {
			unexpected("open %s: %s", dev_path, tl_errname(errno));
			return -1;
		}
		if (tl_now() > deadline) {
			unexpected("open %s: still %s after 120 s", dev_path,
				   tl_errname(errno));
			return -1;
		}
		atomic_fetch_add(&sh->reopen_waits, 1);
		usleep(1000);
	}
}

/* The device went away: its allocations with it. Reopen. */
static int lost_device(struct worker *w)
{
	unsigned int i;

	for (i = 0; i < w->nlive; i++)
		w->stale[w->nstale++ % 64] = w->live[i].handle;
	if (w->nstale > 64)
		w->nstale = 64;
	w->nlive = 0;
	w->bytes = 0;
	close(w->fd);
	atomic_fetch_add(&sh->reopens, 1);
	w->fd = open_dev();
	return w->fd < 0 ? -1 : 0;
}

static void forget(struct worker *w, unsigned int i)
{
	w->bytes -= w->live[i].size;
	w->live[i] = w->live[--w->nlive];
}

static uint64_t pick_one(uint64_t mask)
{
	unsigned int n = __builtin_popcountll(mask), k;

	if (!n)		/* an API with no base type (kmalloc_nolock) */
		return 0;
	k = tl_rnd_below(n);
	while (k--)
		mask &= mask - 1;
	return mask & -mask;
}

static uint64_t pick_mods(uint64_t allowed)
{
	uint64_t m = 0;

	while (tl_rnd_below(3) == 0)
		m |= pick_one(allowed);
	return m;
}

/* A size: mostly small, some medium, few large; within the API's limit. */
static uint64_t pick_size(uint64_t max)
{
	unsigned int r = tl_rnd_below(100);
	uint64_t s;

	if (r < 70)
		s = tl_rnd_log(1, 2048);
	else if (r < 92)
		s = tl_rnd_log(2049, 64 * 1024);
	else
		s = tl_rnd_log(64 * 1024 + 1, MiB);
	return s > max ? max : s;
}

static void op_alloc(struct worker *w)
{
	const struct api *a = &apis[tl_rnd_below(napis)];
	struct kmemlab_alloc req = { 0 };
	uint64_t size, bases = a->bases, total;
	bool zeroed;
	int err;

	req.api = a->api;
	req.context = KMEMLAB_CTX_PROCESS;
	if (!a->sleeps && tl_rnd_below(2)) {
		req.context = a->no_irq ? KMEMLAB_CTX_ATOMIC :
			      KMEMLAB_CTX_ATOMIC + tl_rnd_below(3);
		bases &= nosleep_bases;
	}
	if (a->cache) {
		/* Per worker and shared names, each with one geometry. */
		unsigned int k = tl_rnd_below(4);

		if (tl_rnd_below(2))
			snprintf(req.name, sizeof(req.name), "st%u-%u", w->id, k);
		else
			snprintf(req.name, sizeof(req.name), "shared-%u", k);
		size = 24 << (2 * k);	/* 24, 96, 384, 1536 */
		req.align = k == 3 ? 64 : 0;
		req.flags = k == 2 ? KMEMLAB_ALLOC_HWCACHE_ALIGN : 0;
	} else if (a->type_size) {
		size = a->type_size;
	} else {
		size = pick_size(a->max);
	}
	total = size;
	if (a->type_size && a->count) {
		req.count = 1 + tl_rnd_below(16);
		total = size * req.count;
	} else if (a->count) {
		req.count = 1 + tl_rnd_below(size < 16 ? size : 16);
		size = (size + req.count - 1) / req.count;
		total = size * req.count;
	}
	if (w->bytes + total > w->budget)
		return op_alloc(w);	/* draw again, smaller on average */
	req.size = size;
	req.gfp = pick_one(bases);
	/* GFP_DMA: a zone of 16 MiB for everybody; small requests only. */
	if (a->zones && tl_rnd_below(4) == 0) {
		uint64_t z = pick_one(a->zones);

		if (z != KMEMLAB_GFP_DMA || total <= 16 * 1024)
			req.gfp |= z;
	}
	req.gfp |= pick_mods(a->mods);
	/* __GFP_NOFAIL: only where it may sleep, well within its size limit
	 * (but for vmalloc), and never in ZONE_DMA, where it could retry for
	 * ever. */
	if ((req.gfp & KMEMLAB_GFP_NOFAIL) &&
	    (!(req.gfp & sleep_bases) || (!a->vmap && total > nofail_max / 2) ||
	     (req.gfp & KMEMLAB_GFP_DMA)))
		req.gfp &= ~KMEMLAB_GFP_NOFAIL;

	err = xioctl(w->fd, KMEMLAB_IOC_ALLOC, &req);
	count(OP_ALLOC, err);
	if (err == ENODEV) {
		lost_device(w);
		return;
	}
	if (err == ENOSPC || err == ENOMEM)
		return;
	if (err) {
		unexpected("alloc %s size %" PRIu64 " count %u gfp %#" PRIx64
			   " context %u: %s", a->name, req.size, req.count,
			   req.gfp, req.context, tl_errname(err));
		return;
	}
	if (req.report.handle == 0 || req.report.size != total ||
	    req.report.usable < total || req.report.api != a->api) {
		unexpected("alloc %s size %" PRIu64 ": report handle %u size %"
			   PRIu64 " usable %" PRIu64, a->name, total,
			   req.report.handle, req.report.size, req.report.usable);
		return;
	}
	zeroed = a->zeroes || (req.gfp & KMEMLAB_GFP_ZERO);
	if (zeroed && !(req.report.flags & KMEMLAB_REPORT_ZEROED))
		unexpected("alloc %s size %" PRIu64 " gfp %#" PRIx64
			   ": not reported zeroed", a->name, total, req.gfp);
	w->live[w->nlive++] = (struct live){
		.handle = req.report.handle, .api = a, .size = total,
		.backing = req.report.backing, .pattern = zeroed ? 0 : -1,
		.known = zeroed ? total : 0,
	};
	w->bytes += total;
}

static void op_free(struct worker *w, unsigned int i, enum op op)
{
	struct kmemlab_free req = { .handle = w->live[i].handle };
	int err = xioctl(w->fd, KMEMLAB_IOC_FREE, &req);

	count(op, err);
	if (err == ENODEV) {
		lost_device(w);
		return;
	}
	if (err || req.freed != 1)
		unexpected("free %u (%s): %s, freed %u", w->live[i].handle,
			   w->live[i].api->name, tl_errname(err), req.freed);
	forget(w, i);
}

static void op_query(struct worker *w, unsigned int i)
{
	struct kmemlab_query req = { .handle = w->live[i].handle };
	int err = xioctl(w->fd, KMEMLAB_IOC_QUERY, &req);

	count(OP_QUERY, err);
	if (err == ENODEV) {
		lost_device(w);
		return;
	}
	if (err || req.report.handle != w->live[i].handle ||
	    req.report.size != w->live[i].size)
		unexpected("query %u: %s, size %" PRIu64 " of %" PRIu64,
			   w->live[i].handle, tl_errname(err), req.report.size,
			   w->live[i].size);
}

static void op_list(struct worker *w)
{
	struct kmemlab_list req = {
		.records = (uintptr_t)w->records,
		.capacity = tl_rnd_below(NRECORDS + 1),
	};
	int err = xioctl(w->fd, KMEMLAB_IOC_LIST, &req);
	uint32_t want;

	count(OP_LIST, err);
	if (err == ENODEV) {
		lost_device(w);
		return;
	}
	want = req.needed < req.capacity ? req.needed : req.capacity;
	if (err || req.returned != want || req.needed < w->nlive)
		unexpected("list capacity %u: %s, needed %u returned %u, own %u",
			   req.capacity, tl_errname(err), req.needed, req.returned,
			   w->nlive);
}

/* Check [0, known) against the pattern with VERIFY. */
static int verify(struct worker *w, struct live *l)
{
	struct kmemlab_fill req = {
		.handle = l->handle, .pattern = l->pattern, .length = l->known,
	};
	int err;

	if (l->pattern < 0 || !l->known)
		return 0;
	err = xioctl(w->fd, KMEMLAB_IOC_VERIFY, &req);
	if (err)
		return err;
	atomic_fetch_add(&sh->verified_bytes, l->known);
	if (req.mismatches)
		unexpected("verify %u (%s, %" PRIu64 " B) for %#x: %" PRIu64
			   " mismatches, first at %" PRIu64, l->handle,
			   l->api->name, l->known, l->pattern, req.mismatches,
			   req.first_mismatch);
	return 0;
}

static void op_fill(struct worker *w, unsigned int i)
{
	struct live *l = &w->live[i];
	struct kmemlab_fill req = { .handle = l->handle };
	int err;

	/* Memory that came back zeroed is checked before its first fill. */
	if (l->pattern == 0 && l->known == l->size)
		atomic_fetch_add(&sh->zeroed_checked, 1);
	err = verify(w, l);
	if (!err) {
		req.pattern = tl_rnd_below(256);
		err = xioctl(w->fd, KMEMLAB_IOC_FILL, &req);
	}
	if (!err) {
		l->pattern = req.pattern;
		l->known = l->size;
		err = verify(w, l);
	}
	count(OP_FILL, err);
	if (err == ENODEV) {
		lost_device(w);
		return;
	}
	if (err)
		unexpected("fill/verify %u (%s): %s", l->handle, l->api->name,
			   tl_errname(err));
}

static void op_read(struct worker *w, unsigned int i)
{
	struct live *l = &w->live[i];
	uint64_t len = l->size < VERIFY_MAX ? l->size : VERIFY_MAX;
	struct kmemlab_read req = {
		.handle = l->handle, .length = len, .buf = (uintptr_t)w->rbuf,
	};
	int err = xioctl(w->fd, KMEMLAB_IOC_READ, &req);
	uint64_t k;

	count(OP_READ, err);
	if (err == ENODEV) {
		lost_device(w);
		return;
	}
	if (err) {
		unexpected("read %u: %s", l->handle, tl_errname(err));
		return;
	}
	if (l->pattern < 0)
		return;
	for (k = 0; k < len && k < l->known; k++)
		if ((unsigned char)w->rbuf[k] != l->pattern) {
			unexpected("read %u (%s): byte %" PRIu64 " is %#x, not %#x",
				   l->handle, l->api->name, k,
				   (unsigned char)w->rbuf[k], l->pattern);
			return;
		}
}

static void op_realloc(struct worker *w, unsigned int i)
{
	struct live *l = &w->live[i];
	struct kmemlab_realloc req = { .handle = l->handle };
	int err;

	if (!l->api->resize)
		return;
	req.size = pick_size(l->api->max);
	if (w->bytes - l->size + req.size > w->budget)
		req.size = l->size;
	req.context = KMEMLAB_CTX_PROCESS;
	req.gfp = pick_one(l->api->bases);
	/* kvrealloc() and vrealloc() may sleep, as their APIs do */
	if (!l->api->sleeps && !l->api->free_sleeps && tl_rnd_below(2)) {
		req.context = l->api->no_irq ? KMEMLAB_CTX_ATOMIC :
			      KMEMLAB_CTX_ATOMIC + tl_rnd_below(3);
		req.gfp = pick_one(l->api->bases & nosleep_bases);
	}
	req.gfp |= pick_mods(l->api->mods & ~KMEMLAB_GFP_NOFAIL);
	err = xioctl(w->fd, KMEMLAB_IOC_REALLOC, &req);
	count(OP_REALLOC, err);
	if (err == ENODEV) {
		lost_device(w);
		return;
	}
	if (err == ENOSPC || err == ENOMEM)
		return;
	if (err || req.report.size != req.size || req.report.handle != l->handle) {
		unexpected("realloc %u (%s) %" PRIu64 " -> %" PRIu64
			   " gfp %#" PRIx64 " context %u: %s", l->handle,
			   l->api->name, l->size, req.size, req.gfp, req.context,
			   tl_errname(err));
		return;
	}
	w->bytes += req.size - l->size;
	if (l->known > req.size)
		l->known = req.size;
	l->size = req.size;
	l->backing = req.report.backing;
}

static void op_dma(struct worker *w, unsigned int i)
{
	struct live *l = &w->live[i];
	struct kmemlab_dma req = {
		.handle = l->handle,
		.mode = KMEMLAB_DMA_SG,
		.direction = 1 + tl_rnd_below(3),
	};
	int err;

	if (l->backing != KMEMLAB_BACKING_VMALLOC && tl_rnd_below(2))
		req.mode = KMEMLAB_DMA_SINGLE;
	err = xioctl(w->fd, KMEMLAB_IOC_DMA_MAP, &req);
	count(OP_DMA, err);
	if (err == ENODEV) {
		lost_device(w);
		return;
	}
	/* Beyond the mask with no reachable bounce buffer, or too big to bounce. */
	if (err && err != ERANGE && err != E2BIG && err != ENOMEM)
		unexpected("dma-map %u (%s, %" PRIu64 " B, mode %u): %s",
			   l->handle, l->api->name, l->size, req.mode,
			   tl_errname(err));
	/* Bounced DMA_FROM_DEVICE may write the buffer: contents unknown. */
	if (!err && req.direction != KMEMLAB_DMA_TO_DEVICE &&
	    (req.result & KMEMLAB_DMA_BOUNCED))
		l->pattern = -1;
}

static void op_info(struct worker *w)
{
	struct kmemlab_info info;
	int err = xioctl(w->fd, KMEMLAB_IOC_INFO, &info);
	uint64_t allocs = 0, bytes = 0;

	count(OP_INFO, err);
	if (err == ENODEV) {
		lost_device(w);
		return;
	}
	/* device_id is the node's number, not always the device's */
	if (err || info.abi_version != KMEMLAB_ABI_VERSION ||
	    info.device_id > 63 || info.dev_live.allocs < w->nlive) {
		unexpected("info: %s, abi %u device %u, %" PRIu64 " live",
			   tl_errname(err), info.abi_version, info.device_id,
			   (uint64_t)info.dev_live.allocs);
		return;
	}
	/* One instant: the APIs' counts add up to the totals, while the
	 * other workers allocate and free. */
	for (unsigned int api = 0; api < KMEMLAB_API_COUNT; api++) {
		allocs += info.api_live[api].allocs;
		bytes += info.api_live[api].bytes;
	}
	if (allocs != info.all_live.allocs || bytes != info.all_live.bytes ||
	    info.dev_live.allocs > info.all_live.allocs ||
	    info.dev_live.bytes > info.all_live.bytes)
		unexpected("info: per API %" PRIu64 " live, %" PRIu64 " B; all %"
			   PRIu64 ", %" PRIu64 " B; device %" PRIu64 ", %"
			   PRIu64 " B", allocs, bytes,
			   (uint64_t)info.all_live.allocs,
			   (uint64_t)info.all_live.bytes,
			   (uint64_t)info.dev_live.allocs,
			   (uint64_t)info.dev_live.bytes);
}

/* A handle of an earlier binding: unknown now, or somebody else's. */
static void op_stale(struct worker *w)
{
	struct kmemlab_query req = { 0 };
	int err;

	if (!w->nstale)
		return;
	req.handle = w->stale[tl_rnd_below(w->nstale)];
	err = xioctl(w->fd, KMEMLAB_IOC_QUERY, &req);
	count(OP_STALE, err);
	if (err == ENODEV) {
		lost_device(w);
		return;
	}
	if (err && err != ENOENT)
		unexpected("query of stale handle %u: %s", req.handle,
			   tl_errname(err));
}

/*
 * Allocations belong to the device, not the file: they survive a reopen,
 * but not an unbind. The new file may belong to a later binding, whose
 * handles start again at 1: the old file tells. If it still answers, its
 * binding is alive, and the new file, opened before, is on the same one.
 */
static void op_reopen(struct worker *w)
{
	struct kmemlab_list probe = { 0 };
	int fd = tl_open_node(device_id, NULL);
	int err = fd < 0 ? errno : 0;

	count(OP_REOPEN, err);
	if (fd < 0) {
		/* Unbound right now: wait for the device like after ENODEV. */
		if (err != ENOENT && err != ENODEV && err != ENXIO)
			unexpected("reopen: %s", tl_errname(err));
		lost_device(w);
		return;
	}
	err = xioctl(w->fd, KMEMLAB_IOC_LIST, &probe);
	if (err == ENODEV) {
		atomic_fetch_add(&sh->reopen_rebound, 1);
		close(fd);
		lost_device(w);
		return;
	}
	if (err)
		unexpected("list on the old file: %s", tl_errname(err));
	close(w->fd);
	w->fd = fd;
}

static int worker(unsigned int id, uint64_t seed, unsigned long ops,
		  uint64_t budget)
{
	struct worker w = { .id = id, .budget = budget };
	unsigned int total_weight = 0, k;
	unsigned long n;

	tl_seed(seed * 0x9E3779B97F4A7C15ULL + id + 1);
	w.rbuf = malloc(VERIFY_MAX);
	w.records = calloc(NRECORDS, sizeof(*w.records));
	if (!w.rbuf || !w.records)
		return 1;
	w.fd = open_dev();
	if (w.fd < 0)
		return 1;
	for (k = 0; k < OP_COUNT; k++)
		total_weight += op_weight[k];

	for (n = 0; n < ops && w.fd >= 0; n++) {
		unsigned int r = tl_rnd_below(total_weight);
		enum op op = 0;
		unsigned int i;

		while (r >= op_weight[op])
			r -= op_weight[op++];
		if (w.nlive >= MAX_LIVE)
			op = OP_FREE;
		if (!w.nlive && op != OP_LIST && op != OP_INFO &&
		    op != OP_STALE && op != OP_REOPEN)
			op = OP_ALLOC;
		i = w.nlive ? tl_rnd_below(w.nlive) : 0;
		switch (op) {
		case OP_ALLOC: op_alloc(&w); break;
		case OP_FREE: op_free(&w, i, OP_FREE); break;
		case OP_QUERY: op_query(&w, i); break;
		case OP_LIST: op_list(&w); break;
		case OP_FILL: op_fill(&w, i); break;
		case OP_READ: op_read(&w, i); break;
		case OP_REALLOC: op_realloc(&w, i); break;
		case OP_DMA: op_dma(&w, i); break;
		case OP_INFO: op_info(&w); break;
		case OP_STALE: op_stale(&w); break;
		case OP_REOPEN: op_reopen(&w); break;
		default: break;
		}
		atomic_fetch_add(&sh->ops_done, 1);
	}
	/* Free what is left; an unbind now frees it for us. */
	while (w.fd >= 0 && w.nlive)
		op_free(&w, w.nlive - 1, OP_FINAL_FREE);
	if (w.fd >= 0)
		close(w.fd);
	return w.fd < 0;
}

/* Unbind and rebind --unbinds times, spread over the workers' operations. */
static int unbinder(unsigned int cycles, uint64_t total_ops, uint64_t seed)
{
	unsigned int c;
	int err;

	tl_seed(seed * 0x9E3779B97F4A7C15ULL + 0xB1);
	for (c = 0; c < cycles; c++) {
		uint64_t at = total_ops * (c + 1) / (cycles + 1);

		while (atomic_load(&sh->ops_done) < at &&
		       atomic_load(&sh->workers_left))
			usleep(500);
		err = tl_write_str(SYSDRV "/unbind", dev_name);
		if (err) {
			unexpected("unbind %s (cycle %u): %s", dev_name, c,
				   tl_errname(err));
			return 1;
		}
		usleep(tl_rnd_below(3000));
		err = tl_write_str(SYSDRV "/bind", dev_name);
		if (err) {
			unexpected("bind %s (cycle %u): %s", dev_name, c,
				   tl_errname(err));
			return 1;
		}
		atomic_fetch_add(&sh->unbinds, 1);
	}
	return 0;
}

/*
 * Read one counter file: "N" or "N M", decimal, not negative. The device's
 * files vanish while it is unbound (ENOENT, or ENODEV if it goes mid-read).
 */
static void read_counter(const char *path, bool may_vanish)
{
	char buf[128], *end;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		if (may_vanish && (errno == ENOENT || errno == ENODEV)) {
			atomic_fetch_add(&sh->sysfs_absent, 1);
			return;
		}
		unexpected("open %s: %s", path, tl_errname(errno));
		atomic_fetch_add(&sh->sysfs_bad, 1);
		return;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		if (may_vanish && errno == ENODEV) {
			atomic_fetch_add(&sh->sysfs_absent, 1);
			return;
		}
		unexpected("read %s: %s", path, tl_errname(errno));
		atomic_fetch_add(&sh->sysfs_bad, 1);
		return;
	}
	buf[n] = 0;
	atomic_fetch_add(&sh->sysfs_reads, 1);
	errno = 0;
	if (buf[0] < '0' || buf[0] > '9' || (strtoull(buf, &end, 10), errno) ||
	    (*end == ' ' && (end[1] < '0' || end[1] > '9' ||
			     (strtoull(end + 1, &end, 10), errno))) ||
	    strcmp(end, "\n")) {
		unexpected("%s reads \"%.*s\"", path, (int)strcspn(buf, "\n"), buf);
		atomic_fetch_add(&sh->sysfs_bad, 1);
	}
}

/* The device's counter directories: its totals, then one file per API. */
static const char *const counter_dirs[] = { "live", "live_allocs", "live_bytes" };

static int reader(void)
{
	char path[512], dir[256];

	while (!atomic_load(&sh->stop)) {
		read_counter(SYSDRV "/live_allocs", false);
		read_counter(SYSDRV "/live_bytes", false);
		for (size_t k = 0; k < sizeof(counter_dirs) / sizeof(counter_dirs[0]); k++) {
			DIR *d;
			struct dirent *de;
			int err;

			snprintf(dir, sizeof(dir), "%s/%s", dev_sysfs, counter_dirs[k]);
			d = opendir(dir);
			err = d ? 0 : errno;
			if (!d) {
				if (err != ENOENT)
					unexpected("opendir %s: %s", dir, tl_errname(err));
				atomic_fetch_add(&sh->sysfs_absent, 1);
				continue;
			}
			while ((de = readdir(d))) {
				if (de->d_name[0] == '.')
					continue;
				snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
				read_counter(path, true);
			}
			closedir(d);
		}
	}
	return 0;
}

static pid_t spawn(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn(arg));
	if (pid < 0) {
		perror("stress: fork");
		exit(1);
	}
	return pid;
}

struct job {
	unsigned int id, cycles;
	uint64_t seed, budget, total;
	unsigned long ops;
};

static int run_worker(void *p)
{
	struct job *j = p;
	int ret = worker(j->id, j->seed, j->ops, j->budget);

	atomic_fetch_sub(&sh->workers_left, 1);
	return ret;
}

static int run_unbinder(void *p)
{
	struct job *j = p;

	return unbinder(j->cycles, j->total, j->seed);
}

static int run_reader(void *p)
{
	(void)p;
	return reader();
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: stress [--procs N] [--ops N] [--unbinds N] [--seed N] [--device N]\n"
"              [--budget BYTES] [--stall N]\n"
"\n"
"Random allocations through /dev/kmemlabN from N processes while the device\n"
"is unbound and rebound and its sysfs counters are read; every result is\n"
"checked, and the live counters must be 0 at the end. Run as root with the\n"
"module loaded.\n"
"\n"
"  --procs N     worker processes (default 8, at most %d)\n"
"  --ops N       random operations per worker (default 10000)\n"
"  --unbinds N   unbind/bind cycles over the run (default 200)\n"
"  --seed N      random seed (default 1)\n"
"  --device N    /dev/kmemlabN and platform device kmemlab.N (default 0)\n"
"  --budget B    bytes each worker may hold live (default 10485760)\n"
"  --stall N     give up when nothing moved for N seconds (default 120)\n"
"\n"
"Exit status: 0 every result as expected, 1 something unexpected, 2 usage.\n",
		MAX_PROCS);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "procs", required_argument, NULL, 'p' },
		{ "ops", required_argument, NULL, 'o' },
		{ "unbinds", required_argument, NULL, 'u' },
		{ "seed", required_argument, NULL, 's' },
		{ "device", required_argument, NULL, 'd' },
		{ "budget", required_argument, NULL, 'b' },
		{ "stall", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned int procs = 8, cycles = 200, i;
	unsigned long ops = 10000;
	uint64_t seed = 1, budget = 10 * MiB, per_errno[NERR + 1] = { 0 };
	uint64_t allocs = 1, bytes = 1, dev_allocs = 1, sum, unexp;
	pid_t pids[MAX_PROCS + 2];
	struct job jobs[MAX_PROCS + 1];
	double t0, wall, quiet;
	uint64_t last;
	unsigned int stall = 120;
	int c, status, failed = 0;
	char *end, path[160];

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		unsigned long long v = 0;

		if (optarg) {
			errno = 0;
			v = strtoull(optarg, &end, 0);
			if (errno || *end || optarg[0] == '-') {
				fprintf(stderr, "stress: bad number %s\n", optarg);
				return 2;
			}
		}
		switch (c) {
		case 'p': procs = v; break;
		case 'o': ops = v; break;
		case 'u': cycles = v; break;
		case 's': seed = v; break;
		case 'd': device_id = v; break;
		case 'b': budget = v; break;
		case 'w': stall = v; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || !procs || procs > MAX_PROCS || device_id > 63 ||
	    !stall) {
		usage(stderr);
		return 2;
	}
	snprintf(dev_path, sizeof(dev_path), "/dev/kmemlab%u", device_id);
	snprintf(dev_name, sizeof(dev_name), "kmemlab.%u", device_id);
	snprintf(dev_sysfs, sizeof(dev_sysfs),
		 "/sys/bus/platform/devices/kmemlab.%u", device_id);
	c = load_apis();
	if (c) {
		fprintf(stderr, "stress: cannot read the driver's description from %s: %s\n",
			dev_path, strerror(c));
		return 1;
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("stress: mmap");
		return 1;
	}
	memset(sh, 0, sizeof(*sh));
	atomic_store(&sh->workers_left, procs);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("stress: %u processes x %lu ops, %u unbind cycles, seed %" PRIu64
	       ", budget %" PRIu64 " B per process, %s\n", procs, ops, cycles,
	       seed, budget, dev_path);

	t0 = tl_now();
	pids[0] = spawn(run_reader, NULL);
	jobs[0] = (struct job){ .cycles = cycles, .seed = seed,
				.total = (uint64_t)procs * ops };
	pids[1] = spawn(run_unbinder, &jobs[0]);
	for (i = 0; i < procs; i++) {
		jobs[i + 1] = (struct job){ .id = i, .seed = seed, .ops = ops,
					    .budget = budget };
		pids[i + 2] = spawn(run_worker, &jobs[i + 1]);
	}
	/* A watchdog: nothing moving for --stall seconds is a hang. */
	for (i = 1, quiet = tl_now(), last = 0; i < procs + 2;) {
		pid_t pid = waitpid(pids[i], &status, WNOHANG);
		uint64_t moved = atomic_load(&sh->ioctls) + atomic_load(&sh->unbinds);

		if (moved != last) {
			last = moved;
			quiet = tl_now();
		}
		if (pid == 0 && tl_now() - quiet > stall) {
			fprintf(stderr, "stress: no progress for %u s: %" PRIu64
				" operations done, %" PRIu64 " unbind cycles; giving up\n",
				stall, (uint64_t)atomic_load(&sh->ops_done),
				(uint64_t)atomic_load(&sh->unbinds));
			for (i = 0; i < procs + 2; i++)
				kill(pids[i], SIGKILL);
			return 1;
		}
		if (pid == 0) {
			usleep(100000);
			continue;
		}
		if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "stress: %s %u did not finish cleanly (status %#x)\n",
				i == 1 ? "unbinder" : "worker", i < 2 ? 0 : i - 2,
				status);
			failed = 1;
		}
		i++;
	}
	atomic_store(&sh->stop, 1);
	waitpid(pids[0], &status, 0);
	wall = tl_now() - t0;

	/* Everything was freed by the workers, or by the unbinds. */
	snprintf(path, sizeof(path), "%s/live/allocs", dev_sysfs);
	if (tl_read_u64(SYSDRV "/live_allocs", &allocs) ||
	    tl_read_u64(SYSDRV "/live_bytes", &bytes) ||
	    tl_read_u64(path, &dev_allocs)) {
		fprintf(stderr, "stress: cannot read the live counters\n");
		failed = 1;
	}

	printf("stress: %" PRIu64 " operations (%" PRIu64 " ioctls) in %.1f s: %.0f ops/s\n",
	       (uint64_t)atomic_load(&sh->ops_done), (uint64_t)atomic_load(&sh->ioctls),
	       wall, atomic_load(&sh->ops_done) / wall);
	for (c = 0; c < OP_COUNT; c++) {
		char line[1024];
		int len = 0, e;

		sum = 0;
		for (e = 0; e <= NERR; e++) {
			uint64_t v = atomic_load(&sh->result[c][e]);

			if (!v)
				continue;
			sum += v;
			per_errno[e] += v;
			len += snprintf(line + len, sizeof(line) - len, " %s %" PRIu64,
					e == NERR ? "other" : tl_errname(e), v);
		}
		if (sum)
			printf("stress:   %-12s %8" PRIu64 ":%s\n", op_names[c], sum, line);
	}
	printf("stress: results:");
	for (c = 0; c <= NERR; c++)
		if (per_errno[c])
			printf(" %s %" PRIu64, c == NERR ? "other" : tl_errname(c),
			       per_errno[c]);
	printf("\n");
	unexp = atomic_load(&sh->unexpected);
	printf("stress: unbind cycles %" PRIu64 ", reopens %" PRIu64
	       " (%" PRIu64 " waits for the device, %" PRIu64
	       " reopens found the binding gone), sysfs reads %" PRIu64
	       " (%" PRIu64 " while unbound, %" PRIu64 " bad)\n",
	       (uint64_t)atomic_load(&sh->unbinds), (uint64_t)atomic_load(&sh->reopens),
	       (uint64_t)atomic_load(&sh->reopen_waits),
	       (uint64_t)atomic_load(&sh->reopen_rebound),
	       (uint64_t)atomic_load(&sh->sysfs_reads),
	       (uint64_t)atomic_load(&sh->sysfs_absent),
	       (uint64_t)atomic_load(&sh->sysfs_bad));
	printf("stress: zeroed allocations checked %" PRIu64 ", bytes verified %" PRIu64 "\n",
	       (uint64_t)atomic_load(&sh->zeroed_checked),
	       (uint64_t)atomic_load(&sh->verified_bytes));
	printf("stress: live at the end: %" PRIu64 " allocations, %" PRIu64
	       " bytes (driver), %" PRIu64 " allocations (%s)\n",
	       allocs, bytes, dev_allocs, dev_name);
	printf("stress: unexpected results %" PRIu64 "\n", unexp);
	printf("stress: wall time %.1f s\n", wall);
	if (allocs || bytes || dev_allocs) {
		fprintf(stderr, "stress: live counters are not 0 at the end\n");
		failed = 1;
	}
	if (atomic_load(&sh->unbinds) != cycles)
		failed = 1;
	return failed || unexp ? 1 : 0;
}
