// SPDX-License-Identifier: GPL-2.0
/*
 * walk: check that the driver's description cannot lie. Every API x every
 * context x every base type (or none) x every other gfp bit (or none) the
 * driver describes is sent to ALLOC, and the real answer must be the one the
 * description predicts: accepted (0, or the allocator's -ENOMEM) exactly
 * when the description says so, and refused with a reason that names the
 * rule the description broke. Sizes stay small (64 bytes, one element), so
 * that no size rule or quota decides; run as root, so no privilege does.
 *
 *   walk [-d N] [-v]
 *
 * Prints one line per disagreement and a summary "N requests, N accepted,
 * N refused, N disagreements"; exits 1 on any disagreement.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kmemlab.h>

#include "testlib.h"

static struct kmemlab_desc *recs;
static unsigned int nrecs;
static bool verbose;

/* The record of @kind with capability @caps set, the n-th such. */
static const struct kmemlab_desc *nth(uint32_t kind, unsigned int n)
{
	for (unsigned int i = 0; i < nrecs; i++)
		if (recs[i].kind == kind && !n--)
			return &recs[i];
	return NULL;
}

/* The caps of the gfp records whose bits are in @gfp, or-ed. */
static uint64_t gfp_caps(uint64_t gfp)
{
	uint64_t caps = 0;
	const struct kmemlab_desc *g;

	for (unsigned int i = 0; (g = nth(KMEMLAB_DESC_GFP, i)); i++)
		if (gfp & g->gfp)
			caps |= g->caps;
	return caps;
}

/*
 * What the description says of @api with @gfp in @ctx: 0 when accepted,
 * else the reason it must give.
 */
static uint32_t predict(const struct kmemlab_desc *api, const struct kmemlab_desc *ctx,
			uint64_t gfp)
{
	uint64_t caps = gfp_caps(gfp);
	bool ctx_sleeps = ctx->caps & KMEMLAB_CTX_CAP_SLEEPS;

	if (api->unavailable)
		return KMEMLAB_REASON_API_UNAVAILABLE;
	if (!gfp && (gfp_caps(api->gfp) & KMEMLAB_GFP_CAP_BASE))
		return KMEMLAB_REASON_GFP_NONE;
	if (gfp & ~api->gfp)
		return KMEMLAB_REASON_GFP_NOT_TAKEN;
	if (!ctx_sleeps && (api->caps & KMEMLAB_API_CAP_SLEEPS))
		return KMEMLAB_REASON_API_SLEEPS;
	if ((ctx->caps & KMEMLAB_CTX_CAP_IRQ) && (api->caps & KMEMLAB_API_CAP_NO_IRQ))
		return KMEMLAB_REASON_API_IRQ;
	if (!ctx_sleeps && (caps & KMEMLAB_GFP_CAP_SLEEPS))
		return KMEMLAB_REASON_GFP_SLEEPS;
	if ((caps & KMEMLAB_GFP_CAP_NEEDS_RECLAIM) && !(caps & KMEMLAB_GFP_CAP_SLEEPS))
		return KMEMLAB_REASON_NOFAIL_NO_RECLAIM;
	return 0;
}

struct tally {
	unsigned long requests, accepted, refused, wrong;
};

static void one(int fd, const struct kmemlab_desc *api, const struct kmemlab_desc *ctx,
		uint64_t gfp, struct tally *t)
{
	struct kmemlab_alloc a = {
		.api = api->id, .context = ctx->id, .gfp = gfp,
		.size = api->type_size ? api->type_size : 64,
	};
	struct kmemlab_free f = { 0 };
	uint32_t want = predict(api, ctx, gfp);
	int err = 0;

	if (api->caps & KMEMLAB_API_CAP_COUNT)
		a.count = 1;
	if (api->caps & KMEMLAB_API_CAP_CACHE)
		strcpy(a.name, "walk");
	if (ioctl(fd, KMEMLAB_IOC_ALLOC, &a))
		err = errno;
	t->requests++;
	/* The allocator may say no to an accepted request; the driver did not. */
	if (!err || (err == ENOMEM && a.refusal.reason == KMEMLAB_REASON_ALLOCATOR))
		t->accepted++;
	else
		t->refused++;
	if (!err) {
		f.handle = a.report.handle;
		if (ioctl(fd, KMEMLAB_IOC_FREE, &f))
			fprintf(stderr, "walk: free %u: %s\n", f.handle, strerror(errno));
	}
	if ((want == 0) == (!err || a.refusal.reason == KMEMLAB_REASON_ALLOCATOR) &&
	    (!want || a.refusal.reason == want)) {
		if (verbose)
			printf("ok %s %s gfp=0x%llx -> %s reason %u\n", api->name, ctx->name,
			       (unsigned long long)gfp, tl_errname(err),
			       a.refusal.reason);
		return;
	}
	t->wrong++;
	printf("disagree: %s %s gfp=0x%llx: described %s (reason %u), driver %s "
	       "(reason %u arg %u value 0x%llx)\n", api->name, ctx->name,
	       (unsigned long long)gfp, want ? "refused" : "accepted", want,
	       tl_errname(err), a.refusal.reason, a.refusal.arg,
	       (unsigned long long)a.refusal.value);
}

int main(int argc, char **argv)
{
	const struct kmemlab_desc *api, *ctx, *g;
	uint64_t bases[32], others[64];
	unsigned int nbases = 0, nothers = 0, device = 0;
	struct tally t = { 0 };
	char path[64];
	int fd, opt, err;

	while ((opt = getopt(argc, argv, "d:v")) != -1) {
		if (opt == 'd')
			device = (unsigned int)strtoul(optarg, NULL, 0);
		else if (opt == 'v')
			verbose = true;
		else
			return 2;
	}
	snprintf(path, sizeof(path), "/dev/kmemlab%u", device);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror(path);
		return 2;
	}
	err = tl_describe(fd, &recs, &nrecs);
	if (err) {
		fprintf(stderr, "walk: DESCRIBE: %s\n", strerror(err));
		return 2;
	}
	/* No base type at all is a combination too, and no flag at all. */
	bases[nbases++] = 0;
	others[nothers++] = 0;
	for (unsigned int i = 0; (g = nth(KMEMLAB_DESC_GFP, i)); i++) {
		if ((g->caps & KMEMLAB_GFP_CAP_BASE) && nbases < 32)
			bases[nbases++] = g->gfp;
		else if (!(g->caps & KMEMLAB_GFP_CAP_BASE) && nothers < 64)
			others[nothers++] = g->gfp;
	}
	for (unsigned int i = 0; (api = nth(KMEMLAB_DESC_API, i)); i++)
		for (unsigned int c = 0; (ctx = nth(KMEMLAB_DESC_CONTEXT, c)); c++)
			for (unsigned int b = 0; b < nbases; b++)
				for (unsigned int o = 0; o < nothers; o++)
					one(fd, api, ctx, bases[b] | others[o], &t);
	printf("%lu requests, %lu accepted, %lu refused, %lu disagreements\n",
	       t.requests, t.accepted, t.refused, t.wrong);
	close(fd);
	return t.wrong ? 1 : 0;
}
