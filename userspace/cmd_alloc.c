// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab alloc, free, realloc: make, release and resize allocations.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "explain.h"
#include "ioctl.h"
#include "names.h"

enum {
	OPT_ORDER = 256, OPT_COUNT, OPT_ALIGN, OPT_NAME, OPT_HWCACHE, OPT_SHEAVES, OPT_LEAN,
	OPT_LIST_APIS, OPT_ALL,
};

static const struct cli_opt api_opts[] = {
	{ "api", 'a', "API", "the allocator to call (see 'kmemlab apis')" },
	{ 0 }
};

/* Shared by alloc and realloc. */
static const struct cli_opt req_opts[] = {
	{ "size", 's', "SIZE", "bytes, with k/m/g for KiB/MiB/GiB; for kcalloc the element size; "
	  "kmalloc_obj's is its type's (the default)" },
	{ "order", OPT_ORDER, "N", "instead of --size: the page size << N" },
	{ "gfp", 'g', "FLAGS", "GFP flags, e.g. 'GFP_KERNEL|__GFP_ZERO' (default GFP_KERNEL; none "
	  "for an API that takes no base type, as kmalloc_nolock)" },
	{ "context", 'c', "CTX", "process, atomic, softirq or hardirq (default process)" },
	{ 0 }
};

static const struct cli_opt alloc_opts[] = {
	{ "count", OPT_COUNT, "N", "number of elements (kcalloc, devm_kcalloc)" },
	{ "name", OPT_NAME, "NAME", "the cache's name (kmem_cache)" },
	{ "align", OPT_ALIGN, "N", "object alignment (kmem_cache)" },
	{ "hwcache-align", OPT_HWCACHE, NULL, "create the cache with SLAB_HWCACHE_ALIGN (kmem_cache)" },
	{ "lean", OPT_LEAN, NULL,
	  "the lean report: no zones, runs or zero check (the pages go unread)" },
	{ "sheaf-capacity", OPT_SHEAVES, "N",
	  "create the cache with per-CPU sheaves of N objects (kmem_cache, Linux 6.18)" },
	{ "list-apis", OPT_LIST_APIS, NULL, "list the APIs, as 'kmemlab apis'" },
	{ 0 }
};

/* The options alloc and realloc share, as given. */
struct req_args {
	const char *size;
	const char *order;
	uint64_t gfp;
	uint32_t context;
};

/* No --gfp: api_default_gfp() once the driver has described the API. */
#define GFP_DEFAULT	UINT64_MAX
#define REQ_ARGS_INIT { .gfp = GFP_DEFAULT, .context = KMEMLAB_CTX_PROCESS }
/* alloc without --size or --order: the type's size of an API that has one. */
#define SIZE_DEFAULT	UINT64_MAX

/* Take option @c if it is one of req_opts. */
static bool req_arg(const struct cli *cli, int c, struct req_args *r)
{
	switch (c) {
	case 's': r->size = optarg; break;
	case OPT_ORDER: r->order = optarg; break;
	case 'g': r->gfp = cli_gfp(cli, optarg); break;
	case 'c': r->context = (uint32_t)cli_name(cli, &context_names, "--context", optarg)->value; break;
	default: return false;
	}
	return true;
}

/* The size from --size or --order; SIZE_DEFAULT for neither, if @may_default. */
static uint64_t req_size(const struct cli *cli, const struct req_args *r, bool may_default)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), order;

	if (!r->size && !r->order && may_default)
		return SIZE_DEFAULT;
	if (!r->size == !r->order)
		cli_usage(cli, NULL, "give either --size SIZE or --order N");
	if (r->size)
		return cli_size(cli, "--size", r->size, false);
	order = cli_number(cli, "--order", r->order, 63);
	if (page > (UINT64_MAX >> order))
		cli_usage(cli, NULL, "--order %llu is too large", (unsigned long long)order);
	return page << order;
}

/* The request's size, gfp and context, from the options. */
static void req_apply(const struct cli *cli, const struct req_args *r, bool may_default,
		      __u64 *size, __u64 *gfp, __u32 *context)
{
	*size = req_size(cli, r, may_default);
	*gfp = r->gfp;
	*context = r->context;
}

static int do_alloc(int fd, void *arg)
{
	return kml_alloc(fd, arg);
}

static int do_realloc(int fd, void *arg)
{
	return kml_realloc(fd, arg);
}

/* Why the driver refused @req: its refusal @why, with INFO and the old handle. */
static int explain(const struct cli *cli, int fd, int err, struct alloc_req *req,
		   const struct kmemlab_refusal *why)
{
	struct kmemlab_info info;
	struct kmemlab_report old;
	struct errmsg m;
	bool have_info;

	if (err == ENODEV || err == ENOTTY || err == EINTR || err == EFAULT)
		return cli_ioctl_fail(cli, err, NULL);
	have_info = !kml_info(fd, &info);
	if (req->handle && !kml_query(fd, req->handle, &old))
		req->api = api_by_value(old.api);
	explain_alloc(err, req, why, have_info ? &info : NULL, &m);
	return err_print(cli->cmd, err, &m);
}

/* Run @op(fd, @arg) and print the @report it fills, or explain the refusal. */
static int submit(struct cli *cli, struct alloc_req *req,
		  int (*op)(int fd, void *arg), void *arg,
		  const struct kmemlab_report *report,
		  const struct kmemlab_refusal *why)
{
	struct out_table t;
	int fd, err;

	fd = cli_open_with_table(cli, &t, REPORT_TABLE, &report_columns);
	if (fd < 0)
		return EXIT_FAILURE;
	/* The driver's rows, now that it has described them. */
	if (req->gfp == GFP_DEFAULT)
		req->gfp = *req->gfp_in = api_default_gfp(req->api ?
				api_by_value(req->api->n.value) : NULL, KMEMLAB_GFP_KERNEL);
	if (req->size == SIZE_DEFAULT) {
		uint64_t type_size = api_type_size(req->api ?
				api_by_value(req->api->n.value) : NULL);

		if (!type_size)
			cli_usage(cli, NULL, "give either --size SIZE or --order N");
		req->size = *req->size_in = type_size;
	}
	err = op(fd, arg);
	if (err) {
		out_free(&t, 1);
		err = explain(cli, fd, -err, req, why);
		close(fd);
		return err;
	}
	close(fd);
	out_report(&t, report);
	return cli_print(cli, &t, 1);
}

/* ---- alloc ---- */

static void alloc_arg(const struct cli *cli, int c, struct kmemlab_alloc *a)
{
	switch (c) {
	case 'a': a->api = (uint32_t)cli_name(cli, &api_names, "--api", optarg)->value; break;
	case OPT_COUNT: a->count = (uint32_t)cli_number(cli, "--count", optarg, UINT32_MAX); break;
	case OPT_ALIGN: a->align = (uint32_t)cli_size(cli, "--align", optarg, true); break;
	case OPT_HWCACHE: a->flags |= KMEMLAB_ALLOC_HWCACHE_ALIGN; break;
	case OPT_LEAN: a->flags |= KMEMLAB_ALLOC_LEAN; break;
	case OPT_SHEAVES:
		a->sheaf_capacity = (uint32_t)cli_number(cli, "--sheaf-capacity", optarg,
							 UINT32_MAX);
		break;
	case OPT_NAME:
		if (strlen(optarg) >= sizeof(a->name))
			cli_usage(cli, NULL, "--name '%s' is longer than %zu characters",
				  optarg, sizeof(a->name) - 1);
		strcpy(a->name, optarg);
		break;
	}
}

static int run_alloc(struct cli *cli, int argc, char **argv)
{
	struct req_args r = REQ_ARGS_INIT;
	struct kmemlab_alloc a = { 0 };
	struct alloc_req req;
	bool list = false;
	int c;

	while ((c = cli_getopt(cli, argc, argv)) != -1) {
		list |= c == OPT_LIST_APIS;
		if (!req_arg(cli, c, &r))
			alloc_arg(cli, c, &a);
	}
	cli_nargs(cli, argc, argv, 0, 0);
	if (list)
		return list_apis(cli);
	if (!a.api)
		cli_usage(cli, "'kmemlab apis' lists them", "missing --api API");
	req_apply(cli, &r, true, &a.size, &a.gfp, &a.context);
	req = (struct alloc_req){
		.api = api_by_value(a.api), .context = a.context, .size = a.size,
		.gfp = a.gfp, .count = a.count, .align = a.align, .flags = a.flags,
		.name = a.name, .gfp_in = &a.gfp, .size_in = &a.size,
		.sheaf_capacity = a.sheaf_capacity,
	};
	return submit(cli, &req, do_alloc, &a, &a.report, &a.refusal);
}

static void alloc_help(void)
{
	char buf[512];

	printf("\nAPIs: %s\n", names_list(&api_names, 0, " ", buf, sizeof(buf)));
	printf("GFP flags: %s\n", names_list(&gfp_names, 0, " ", buf, sizeof(buf)));
	printf("Contexts: %s\n", names_list(&context_names, 0, " ", buf, sizeof(buf)));
	printf("\nThe kernel judges the request; when it refuses, kmemlab says why.\n");
}

static const struct cli_opt *const alloc_optsets[] = { api_opts, req_opts, alloc_opts, NULL };

const struct cmd cmd_alloc = {
	.name = "alloc",
	.summary = "make one allocation and show what the kernel did",
	.flags = CMD_DEVICE | CMD_OUTPUT | CMD_COLUMNS,
	.opts = alloc_optsets,
	.columns = &report_columns,
	.help = alloc_help,
	.run = run_alloc,
};

/* ---- realloc ---- */

static int run_realloc(struct cli *cli, int argc, char **argv)
{
	struct req_args r = REQ_ARGS_INIT;
	struct kmemlab_realloc re = { 0 };
	struct alloc_req req;
	int c;

	while ((c = cli_getopt(cli, argc, argv)) != -1)
		req_arg(cli, c, &r);
	cli_nargs(cli, argc, argv, 1, 1);
	re.handle = cli_handle(cli, argv[optind]);
	req_apply(cli, &r, false, &re.size, &re.gfp, &re.context);
	req = (struct alloc_req){
		.context = re.context, .size = re.size, .gfp = re.gfp,
		.name = "", .handle = re.handle, .gfp_in = &re.gfp, .size_in = &re.size,
	};
	return submit(cli, &req, do_realloc, &re, &re.report, &re.refusal);
}

static const struct cli_opt *const realloc_optsets[] = { req_opts, NULL };

const struct cmd cmd_realloc = {
	.name = "realloc",
	.args = "HANDLE",
	.summary = "resize an allocation with its API's krealloc(), kvrealloc() or vrealloc()",
	.flags = CMD_DEVICE | CMD_OUTPUT | CMD_COLUMNS,
	.opts = realloc_optsets,
	.columns = &report_columns,
	.run = run_realloc,
};

/* ---- free ---- */

static const struct cli_opt free_opts[] = {
	{ "all", OPT_ALL, NULL, "free every allocation of the device" },
	{ 0 }
};

static int free_all(const struct cli *cli, int fd)
{
	struct kmemlab_free f = { .flags = KMEMLAB_FREE_ALL };
	int err = kml_free(fd, &f);

	if (err)
		return cli_ioctl_fail(cli, -err, NULL);
	printf("freed %u allocation%s\n", f.freed, f.freed == 1 ? "" : "s");
	return EXIT_SUCCESS;
}

/* Free @handle, saying which kernel function freed it. */
static int free_one(const struct cli *cli, int fd, uint32_t handle)
{
	struct kmemlab_free f = { .handle = handle };
	struct kmemlab_report r;
	const struct api_row *api;
	int err = kml_query(fd, handle, &r);

	if (!err)
		err = kml_free(fd, &f);
	if (err == -ENOENT)
		return err_fail(cli->cmd, ENOENT, "'kmemlab list' shows the live handles",
				"no live allocation has handle %u", handle);
	if (err)
		return cli_ioctl_fail(cli, -err, NULL);
	api = api_by_value(r.api);
	if (api && api->free_fn)
		printf("freed handle %u with %s()%s\n", handle, api->free_fn,
		       (r.flags & KMEMLAB_REPORT_DEVM) ? " (device-managed)" : "");
	else
		printf("freed handle %u (%s)\n", handle, api ? api->n.name : "unknown API");
	return EXIT_SUCCESS;
}

static int run_free(struct cli *cli, int argc, char **argv)
{
	bool all = false;
	int c, fd, rc = EXIT_SUCCESS;

	while ((c = cli_getopt(cli, argc, argv)) != -1)
		all |= c == OPT_ALL;
	if (all == (optind < argc))
		cli_usage(cli, NULL, "give handles or --all");
	for (int i = optind; i < argc; i++)
		cli_handle(cli, argv[i]);
	fd = cli_open(cli);
	if (fd < 0)
		return EXIT_FAILURE;
	if (all)
		rc = free_all(cli, fd);
	for (int i = optind; i < argc; i++)
		if (free_one(cli, fd, cli_handle(cli, argv[i])))
			rc = EXIT_FAILURE;
	close(fd);
	return rc;
}

static const struct cli_opt *const free_optsets[] = { free_opts, NULL };

const struct cmd cmd_free = {
	.name = "free",
	.args = "HANDLE... | --all",
	.summary = "free allocations (devm ones with devm_kfree)",
	.flags = CMD_DEVICE,
	.opts = free_optsets,
	.run = run_free,
};
