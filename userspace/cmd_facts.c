// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab facts: put what classic kernel-memory articles claim to the test.
 *
 * One row of facts[] per claim, with the experiment that tests it. An
 * experiment allocates through lab_alloc(), which keeps the handles; the
 * runner frees whatever an experiment still holds when it returns, however it
 * returns, so the device's live counters end where they started. Each
 * experiment writes its numbers into its row and ends with found(): the
 * verdict and what was observed. It returns -errno only when it could not
 * run (an errno the experiment does not expect); lab->what then says which
 * operation failed. The lab and the experiments are in facts_*.c
 * (facts.h).
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <libsmartcols.h>

#include "cli.h"
#include "complete.h"
#include "facts.h"
#include "ioctl.h"
#include "names.h"

static const char *const verdicts[] = {
	[HOLDS] = "holds",
	[DOES_NOT_HOLD] = "does not hold",
	[DEPENDS] = "depends",
	[NOT_CHECKED] = "not checked",
};

#define RIGHT	SCOLS_FL_RIGHT
#define WRAP	SCOLS_FL_WRAP

static const struct out_col fact_cols[] = {
	[FC_ID] = { "ID", OUT_STR, 0, 0, "the claim's name (kmemlab facts ID...)" },
	[FC_CLAIM] = { "CLAIM", OUT_STR, 0.4, WRAP, "what the articles say" },
	[FC_OBSERVED] = { "OBSERVED", OUT_STR, 0.4, WRAP, "what the kernel did" },
	[FC_VERDICT] = { "VERDICT", OUT_STR, 0, 0,
			 "holds, does not hold, depends or not checked" },
	[FC_LARGEST] = { "LARGEST", OUT_SIZE, 0, RIGHT,
			 "largest kmalloc that succeeded" },
	[FC_KMALLOC_MAX] = { "KMALLOC-MAX-SIZE", OUT_SIZE, 0, RIGHT, "KMALLOC_MAX_SIZE" },
	[FC_ERRNO] = { "ERRNO", OUT_STR, 0, 0, "errno of the first failure or refusal" },
	[FC_KMALLOC_MAX_CACHE] = { "KMALLOC-MAX-CACHE-SIZE", OUT_SIZE, 0, RIGHT,
				   "KMALLOC_MAX_CACHE_SIZE" },
	[FC_PAGE_SIZE] = { "PAGE-SIZE", OUT_SIZE, 0, RIGHT, "PAGE_SIZE" },
	[FC_ORDER] = { "ORDER", OUT_NUM, 0, RIGHT,
		       "page order of a kmalloc above KMALLOC_MAX_CACHE_SIZE" },
	[FC_WORST_RATIO] = { "WORST-RATIO", OUT_RATIO, 0, RIGHT,
			     "largest usable/size of a kmalloc" },
	[FC_MIN_OBJECT] = { "MIN-OBJECT", OUT_SIZE, 0, RIGHT, "smallest kmalloc object" },
	[FC_KMALLOC_MIN] = { "KMALLOC-MIN-SIZE", OUT_SIZE, 0, RIGHT, "KMALLOC_MIN_SIZE" },
	[FC_KMALLOC_RUNS] = { "KMALLOC-RUNS", OUT_NUM, 0, RIGHT,
			      "most physically contiguous runs of a kmalloc" },
	[FC_VMALLOC_RUNS] = { "VMALLOC-RUNS", OUT_NUM, 0, RIGHT,
			      "most physically contiguous runs of a vmalloc" },
	[FC_PHYS] = { "PHYS", OUT_HEX, 0, RIGHT,
		      "physical address of GFP_DMA memory (CAP_SYS_ADMIN)" },
	[FC_DMA_END] = { "DMA-ZONE-END", OUT_HEX, 0, RIGHT, "end of ZONE_DMA" },
	[FC_RATIO_4K] = { "RATIO-4K", OUT_RATIO, 0, RIGHT,
			  "vmalloc/kmalloc median time at 4 KiB" },
	[FC_RATIO_64K] = { "RATIO-64K", OUT_RATIO, 0, RIGHT,
			   "vmalloc/kmalloc median time at 64 KiB" },
	[FC_RATIO_1M] = { "RATIO-1M", OUT_RATIO, 0, RIGHT,
			  "vmalloc/kmalloc median time at 1 MiB" },
	[FC_LIVE_BEFORE] = { "LIVE-BEFORE", OUT_NUM, 0, RIGHT,
			     "module live allocations before unbinding" },
	[FC_LIVE_AFTER] = { "LIVE-AFTER", OUT_NUM, 0, RIGHT,
			    "module live allocations after unbinding" },
	[FC_NENTS_SINGLE] = { "NENTS-SINGLE", OUT_NUM, 0, RIGHT,
			      "segments of kmalloc memory mapped with dma_map_single" },
	[FC_NENTS_SG] = { "NENTS-SG", OUT_NUM, 0, RIGHT,
			  "segments of vmalloc memory mapped with dma_map_sgtable" },
	[FC_NOLOCK_RATE] = { "NOLOCK-RATE", OUT_RATIO, 0, RIGHT,
			     "share of kmalloc_nolock calls in hardirq context that succeeded" },
	[FC_ATOMIC_RATE] = { "ATOMIC-RATE", OUT_RATIO, 0, RIGHT,
			     "share of kmalloc(GFP_ATOMIC) calls in hardirq context that succeeded" },
	[FC_KMALLOC_ADDR] = { "KMALLOC-ADDR", OUT_HEX, 0, RIGHT,
			      "address of a kmalloc (CAP_SYS_ADMIN)" },
	[FC_VMALLOC_ADDR] = { "VMALLOC-ADDR", OUT_HEX, 0, RIGHT,
			      "address of a vmalloc (CAP_SYS_ADMIN)" },
	[FC_PAGE_OFFSET] = { "PAGE-OFFSET", OUT_HEX, 0, RIGHT,
			     "PAGE_OFFSET, start of the direct map (CAP_SYS_ADMIN)" },
	[FC_HIGH_MEMORY] = { "HIGH-MEMORY", OUT_HEX, 0, RIGHT,
			     "high_memory, end of the direct map (CAP_SYS_ADMIN)" },
	[FC_VMALLOC_START] = { "VMALLOC-START", OUT_HEX, 0, RIGHT,
			       "VMALLOC_START (CAP_SYS_ADMIN)" },
	[FC_VMALLOC_END] = { "VMALLOC-END", OUT_HEX, 0, RIGHT, "VMALLOC_END (CAP_SYS_ADMIN)" },
};

static const struct out_colset fact_columns = {
	fact_cols, ARRAY_SIZE(fact_cols), "CLAIM,OBSERVED,VERDICT",
};

/* --list: the claims only. */
static const struct out_colset claim_columns = { fact_cols, FC_CLAIM + 1, NULL };

static const struct fact facts[] = {
	{ "kmalloc-max", "kmalloc cannot allocate more than 128 KB",
	  fact_kmalloc_max, 0 },
	{ "kmalloc-large", "kmalloc requests above KMALLOC_MAX_CACHE_SIZE, two "
	  "pages (1 << (PAGE_SHIFT + 1)), bypass the slab caches",
	  fact_kmalloc_large, 0 },
	{ "kmalloc-rounding", "kmalloc rounds up to a size class, at most 2x the "
	  "request; the smallest object is KMALLOC_MIN_SIZE bytes",
	  fact_kmalloc_rounding, 0 },
	{ "kmalloc-zeroed", "kmalloc memory is not zeroed",
	  fact_kmalloc_zeroed, FACT_ONE_CPU },
	{ "kzalloc-zeroed", "kzalloc memory is always zeroed",
	  fact_kzalloc_zeroed, FACT_ONE_CPU },
	{ "contiguity", "kmalloc memory is physically contiguous; vmalloc memory "
	  "usually is not", fact_contiguity, 0 },
	{ "gfp-dma", "GFP_DMA memory lies below 16 MiB on x86", fact_gfp_dma, 0 },
	{ "vmalloc-speed", "vmalloc is slower than kmalloc", fact_vmalloc_speed, 0 },
	{ "vmalloc-irq", "vmalloc must not be called from interrupt context",
	  fact_vmalloc_irq, 0 },
	{ "atomic-irq", "GFP_ATOMIC allocations succeed from hardirq and softirq "
	  "context", fact_atomic_irq, 0 },
	{ "nolock-irq", "kmalloc_nolock() allocates in hardirq context without "
	  "waiting for any lock, and may fail where kmalloc(GFP_ATOMIC) succeeds",
	  fact_nolock_irq, 0 },
	{ "devm-unbind", "devm allocations are freed automatically when the "
	  "driver detaches", fact_devm_unbind, 0 },
	{ "regions", "kmalloc'd addresses are in the direct map, PAGE_OFFSET..high_memory "
	  "(from 3 GB on i386); vmalloc'd in VMALLOC_START..END (below 4 GB on i386)",
	  fact_regions, 0 },
	{ "highmem", "on 32-bit kernels, GFP_HIGHUSER and vmalloc pages come from "
	  "high memory; kmalloc memory never does", fact_highmem, 0 },
	{ "dma-map", "kmalloc memory is suitable for DMA; vmalloc memory is not, "
	  "as one contiguous mapping", fact_dma_map, 0 },
};

/* ---- the runner ---- */

/* Run @fa into a new row of @t; 0, or -errno when it could not run. */
static int run_fact(const struct cli *cli, struct lab *lab, const struct fact *fa,
		    struct out_table *t)
{
	struct finding f = { .t = t };
	char what[sizeof(lab->what)];
	bool pinned = false;
	cpu_set_t saved;
	int err = 0, rel;

	out_row(t);
	out_str(t, FC_ID, fa->id);
	out_str(t, FC_CLAIM, fa->claim);
	for (size_t col = FC_VERDICT + 1; col < ARRAY_SIZE(fact_cols); col++)
		out_none(t, col);
	lab->what[0] = '\0';
	if (fa->flags & FACT_ONE_CPU) {
		err = pin_cpu(&saved);
		pinned = !err;
	}
	if (err)
		lab_failed(lab, err, "pinning to one CPU");
	else
		err = fa->run(lab, &f);
	memcpy(what, lab->what, sizeof(what));
	rel = lab_release(lab);
	if (pinned)
		sched_setaffinity(0, sizeof(saved), &saved);
	if (err)	/* what failed first, not what could not be freed after */
		memcpy(lab->what, what, sizeof(what));
	err = err ? err : rel;
	if (err) {
		found(&f, NOT_CHECKED, "the experiment failed: %s: %s", errno_name(-err),
		      lab->what);
		err_fail(cli->cmd, -err, NULL, "%s: the experiment could not run: %s",
			 fa->id, lab->what);
	}
	out_str(t, FC_OBSERVED, f.observed);
	out_str(t, FC_VERDICT, verdicts[f.verdict]);
	return err;
}

static size_t fact_index(const struct cli *cli, const char *id)
{
	char ids[512] = "", hint[600];

	for (size_t i = 0; i < ARRAY_SIZE(facts); i++) {
		if (!strcmp(id, facts[i].id))
			return i;
		snprintf(ids + strlen(ids), sizeof(ids) - strlen(ids), "%s%s",
			 i ? " " : "", facts[i].id);
	}
	snprintf(hint, sizeof(hint), "claims: %s", ids);
	cli_usage(cli, hint, "unknown claim '%s'", id);
}

static int list_facts(struct cli *cli, const bool *chosen)
{
	struct out_table t;

	cli_table(cli, &t, "facts", &claim_columns);
	for (size_t i = 0; i < ARRAY_SIZE(facts); i++) {
		if (!chosen[i])
			continue;
		out_row(&t);
		out_str(&t, FC_ID, facts[i].id);
		out_str(&t, FC_CLAIM, facts[i].claim);
	}
	return cli_print(cli, &t, 1);
}

enum { OPT_LIST = 'l' };

static const struct cli_opt facts_opts[] = {
	{ "list", OPT_LIST, NULL, "list the claims and their IDs; run nothing" },
	{ 0 }
};

static int run_facts(struct cli *cli, int argc, char **argv)
{
	bool list = false, chosen[ARRAY_SIZE(facts)];
	struct out_table t;
	struct lab lab = { .device = cli->device };
	int c, err, rc = EXIT_SUCCESS;

	while ((c = cli_getopt(cli, argc, argv)) != -1)
		list |= c == OPT_LIST;
	for (size_t i = 0; i < ARRAY_SIZE(facts); i++)
		chosen[i] = optind == argc;
	for (int i = optind; i < argc; i++)
		chosen[fact_index(cli, argv[i])] = true;
	if (list)
		return list_facts(cli, chosen);
	lab.fd = cli_open_with_table(cli, &t, "facts", &fact_columns);
	if (lab.fd < 0)
		return EXIT_FAILURE;
	err = kml_info(lab.fd, &lab.info);
	if (err) {
		close(lab.fd);
		out_free(&t, 1);
		return cli_ioctl_fail(cli, -err, NULL);
	}
	for (size_t i = 0; i < ARRAY_SIZE(facts); i++)
		if (chosen[i] && run_fact(cli, &lab, &facts[i], &t))
			rc = EXIT_FAILURE;
	close(lab.fd);
	err = cli_print(cli, &t, 1);
	return err ? err : rc;
}

static void facts_help(void)
{
	size_t col = 72;

	printf("\nClaims (ID):");
	for (size_t i = 0; i < ARRAY_SIZE(facts); i++) {
		size_t len = strlen(facts[i].id) + 1;

		col = col + len > 72 ? 2 + len : col + len;
		printf("%s%s", col == 2 + len ? "\n  " : " ", facts[i].id);
	}
	printf("\n\nRuns one experiment per claim (or those named) on the device and\n"
	       "gives a verdict: holds, does not hold, depends (OBSERVED says on what)\n"
	       "or not checked (OBSERVED says why). Each experiment frees what it\n"
	       "allocated before the next starts, so the live counters end where they\n"
	       "began. Times are compared only as ratios: under emulation their\n"
	       "absolute values mean little.\n"
	       "\n"
	       "devm-unbind unbinds the device and binds it again (root only). Since\n"
	       "unbinding frees all of a device's allocations, it runs only on a device\n"
	       "that had none when facts started: this one, else another bound kmemlab\n"
	       "device (load with devices=2); otherwise, or while other processes\n"
	       "have its node open (it could not be bound again), it is not checked.\n"
	       "\n"
	       "Exit status: 0 when every experiment ran, whatever the verdicts; 1 when\n"
	       "one could not run (its row says why).\n");
}

static void facts_complete(const char *cur)
{
	for (size_t i = 0; i < ARRAY_SIZE(facts); i++)
		complete_word(cur, facts[i].id);
}

static const struct cli_opt *const facts_optsets[] = { facts_opts, NULL };

const struct cmd cmd_facts = {
	.name = "facts",
	.args = "[ID...]",
	.summary = "test what kernel-memory articles claim, one experiment each",
	.flags = CMD_DEVICE | CMD_OUTPUT | CMD_COLUMNS,
	.opts = facts_optsets,
	.columns = &fact_columns,
	.help = facts_help,
	.complete = facts_complete,
	.run = run_facts,
};
