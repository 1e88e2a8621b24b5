// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab apis, gfp, contexts: the APIs, GFP flags and contexts as the
 * loaded driver describes them (DESCRIBE), with this CLI's descriptions.
 * Without the module, only the names this CLI knows, and no properties.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "ioctl.h"
#include "names.h"
#include "sysfs.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* The API-only columns come last: the other tables have the first six. */
enum {
	NC_NAME, NC_VALUE, NC_PROPERTIES, NC_ADMIN, NC_MAX, NC_DESC,
	NC_BACKING, NC_FREE, NC_GFP, NC_LIMIT, NC_AVAILABLE, NC_RESIZE, NC_TYPE_SIZE,
};

static const struct out_col name_cols[] = {
	[NC_NAME] = { "NAME", OUT_STR, 0, 0, "the name kmemlab accepts (the kernel's)" },
	[NC_VALUE] = { "VALUE", OUT_HEX, 0, 0, "its value in the ABI" },
	[NC_PROPERTIES] = { "PROPERTIES", OUT_STR, 0, 0,
			    "what it takes or allows, as the driver says" },
	[NC_ADMIN] = { "ADMIN-ABOVE", OUT_SIZE, 0, 0,
		       "requests above this size need CAP_SYS_ADMIN (0: all)" },
	[NC_MAX] = { "MAX", OUT_SIZE, 0, 0, "the largest request it allows here" },
	[NC_DESC] = { "DESCRIPTION", OUT_STR, 0, 0, "what it is" },
	[NC_BACKING] = { "BACKING", OUT_STR, 0, 0, "memory it may return" },
	[NC_FREE] = { "FREE", OUT_STR, 0, 0, "the function that frees it" },
	[NC_GFP] = { "GFP", OUT_STR, 0, 0, "the GFP flags it takes" },
	[NC_LIMIT] = { "LIMIT", OUT_STR, 0, 0, "what sets MAX" },
	[NC_AVAILABLE] = { "AVAILABLE", OUT_STR, 0, 0,
			   "yes, or why the running kernel lacks it" },
	[NC_RESIZE] = { "RESIZE", OUT_STR, 0, 0,
			"yes, no, or why the running kernel lacks its resize" },
	[NC_TYPE_SIZE] = { "TYPE-SIZE", OUT_SIZE, 0, 0,
			   "the size of the type it allocates, which --size must be" },
};

static const struct out_colset api_columns = {
	name_cols, ARRAY_SIZE(name_cols),
	"NAME,AVAILABLE,MAX,BACKING,FREE,PROPERTIES,DESCRIPTION",
};

static const struct out_colset name_columns = {
	name_cols, NC_DESC + 1, "NAME,PROPERTIES,DESCRIPTION",
};

static const char *const limit_names[KMEMLAB_LIMIT_COUNT] = {
	[KMEMLAB_LIMIT_KMALLOC] = "KMALLOC_MAX_SIZE",
	[KMEMLAB_LIMIT_ORDER] = "max-order",
	[KMEMLAB_LIMIT_PAGE] = "PAGE_SIZE",
	[KMEMLAB_LIMIT_RAM] = "RAM",
	[KMEMLAB_LIMIT_INT_MAX] = "INT_MAX",
	[KMEMLAB_LIMIT_SIZE_T] = "SIZE_MAX",
	[KMEMLAB_LIMIT_ORDER_1] = "order-1",
	[KMEMLAB_LIMIT_KMALLOC_CACHE] = "KMALLOC_MAX_CACHE_SIZE",
	[KMEMLAB_LIMIT_PCP_ORDER] = "PAGE_ALLOC_COSTLY_ORDER",
};

/* "yes", or the reason the kernel lacks it; NULL without the driver's word. */
static const char *availability(const struct kmemlab_desc *d, uint32_t why,
				char *buf, size_t len)
{
	if (!d)
		return NULL;
	return why ? name_of(&unavailable_names, why, buf, len) : "yes";
}

/* One row of @n; @api is its api_row for the API table. */
static void name_row(struct out_table *t, const struct name_table *n,
		     const struct name_row *r, const struct api_row *api)
{
	char buf[512];

	out_row(t);
	out_str(t, NC_NAME, r->name);
	out_u64(t, NC_VALUE, r->value);
	out_str(t, NC_PROPERTIES, n->caps && r->drv ?
		names_join(n->caps, r->drv->caps, ",", buf, sizeof(buf)) : NULL);
	if (r->drv && r->drv->admin_above != KMEMLAB_DESC_NO_LIMIT)
		out_u64(t, NC_ADMIN, r->drv->admin_above);
	else
		out_none(t, NC_ADMIN);
	if (r->drv && r->drv->max_size)
		out_u64(t, NC_MAX, r->drv->max_size);
	else
		out_none(t, NC_MAX);
	out_str(t, NC_DESC, r->desc);
	if (!api)
		return;
	out_str(t, NC_BACKING, names_join(&backing_names, api->backings, ",",
					  buf, sizeof(buf)));
	if (api->free_fn)
		snprintf(buf, sizeof(buf), "%s()", api->free_fn);
	out_str(t, NC_FREE, api->free_fn ? buf : NULL);
	out_str(t, NC_GFP, r->drv ? gfp_format(r->drv->gfp, buf, sizeof(buf)) : NULL);
	out_str(t, NC_LIMIT, r->drv && r->drv->limit < KMEMLAB_LIMIT_COUNT ?
		limit_names[r->drv->limit] : NULL);
	out_str(t, NC_AVAILABLE, availability(r->drv, r->drv ? r->drv->unavailable : 0,
					       buf, sizeof(buf)));
	if (r->drv && !r->drv->resize_unavailable)
		out_str(t, NC_RESIZE, r->drv->caps & KMEMLAB_API_CAP_RESIZE ? "yes" : "no");
	else
		out_str(t, NC_RESIZE, availability(r->drv, r->drv ? r->drv->resize_unavailable : 0,
						   buf, sizeof(buf)));
	if (r->drv && r->drv->type_size)
		out_u64(t, NC_TYPE_SIZE, r->drv->type_size);
	else
		out_none(t, NC_TYPE_SIZE);
}

static void removed_rows(struct out_table *t)
{
	for (size_t i = 0; i < removed_gfps_count; i++) {
		const struct removed_gfp *g = &removed_gfps[i];
		char buf[64];

		out_row(t);
		out_str(t, NC_NAME, g->name);
		out_none(t, NC_VALUE);
		snprintf(buf, sizeof(buf), "removed-in-%s", g->removed_in);
		out_str(t, NC_PROPERTIES, buf);
		out_str(t, NC_DESC, g->advice);
	}
}

/* Print @n as the table @name. */
static int print_names(struct cli *cli, const char *name, const struct name_table *n,
		       const struct out_colset *set)
{
	bool apis = n == &api_names;
	struct out_table t;
	char node[64];

	node_path(cli->device, node, sizeof(node));
	if (!names_load_device(cli->device))
		err_warn(cli->cmd, "no description from %s (is the "
			 "module loaded?): these are the names this CLI knows; the "
			 "driver says what each takes", node);
	cli_table(cli, &t, name, set);
	for (size_t i = 0; i < n->count; i++)
		name_row(&t, n, name_at(n, i),
			 apis ? (const struct api_row *)name_at(n, i) : NULL);
	if (n == &gfp_names)
		removed_rows(&t);
	return cli_print(cli, &t, 1);
}

int list_apis(struct cli *cli)
{
	return print_names(cli, "apis", &api_names, &api_columns);
}

static int run_apis(struct cli *cli, int argc, char **argv)
{
	cli_args(cli, argc, argv, 0, 0);
	return list_apis(cli);
}

static int run_gfp(struct cli *cli, int argc, char **argv)
{
	cli_args(cli, argc, argv, 0, 0);
	return print_names(cli, "gfp", &gfp_names, &name_columns);
}

static int run_contexts(struct cli *cli, int argc, char **argv)
{
	cli_args(cli, argc, argv, 0, 0);
	return print_names(cli, "contexts", &context_names, &name_columns);
}

static void gfp_help(void)
{
	printf("\n--gfp takes names joined with '|' or ','; case does not matter and\n"
	       "GFP_/__GFP_ may be left out (kernel|zero = GFP_KERNEL|__GFP_ZERO).\n");
}

const struct cmd cmd_apis = {
	.name = "apis",
	.summary = "list the allocator interfaces (--api)",
	.flags = CMD_DEVICE | CMD_OUTPUT | CMD_COLUMNS,
	.columns = &api_columns,
	.run = run_apis,
};

const struct cmd cmd_gfp = {
	.name = "gfp",
	.summary = "list the GFP flags (--gfp), and removed ones",
	.flags = CMD_DEVICE | CMD_OUTPUT | CMD_COLUMNS,
	.columns = &name_columns,
	.help = gfp_help,
	.run = run_gfp,
};

const struct cmd cmd_contexts = {
	.name = "contexts",
	.summary = "list the contexts an allocation can run in (--context)",
	.flags = CMD_DEVICE | CMD_OUTPUT | CMD_COLUMNS,
	.columns = &name_columns,
	.run = run_contexts,
};
