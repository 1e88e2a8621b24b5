// SPDX-License-Identifier: GPL-2.0
/*
 * The command framework: option rows -> getopt tables and --help, argument
 * helpers, device opening, table printing.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ioctl.h"
#include "names.h"
#include "parse.h"
#include "sysfs.h"

static const struct cli_opt device_opts[] = {
	{ "device", 'd', "N", "use /dev/kmemlabN (default: $" KMEMLAB_DEVICE_ENV ", else 0)" },
	{ 0 }
};

static const struct cli_opt output_opts[] = {
	{ "json", 'J', NULL, "print JSON (sizes in bytes, times in ns)" },
	{ "raw", 'r', NULL, "print raw output, without column alignment" },
	{ "noheadings", 'n', NULL, "do not print headings" },
	{ "bytes", 'b', NULL, "print sizes in bytes and times in ns" },
	{ 0 }
};

static const struct cli_opt column_opts[] = {
	{ "output", 'o', "LIST", "columns to print (+LIST adds to the default)" },
	{ "output-all", 'O', NULL, "print every column" },
	{ 0 }
};

static const struct cli_opt help_opts[] = {
	{ "help", 'h', NULL, "show this help" },
	{ 0 }
};

/* In --help order. */
void cli_each_opt(const struct cmd *c,
		  void (*fn)(const struct cli_opt *o, void *data), void *data)
{
	const struct cli_opt *common[] = {
		c->flags & CMD_DEVICE ? device_opts : NULL,
		c->flags & CMD_OUTPUT ? output_opts : NULL,
		c->flags & CMD_COLUMNS ? column_opts : NULL,
		help_opts,
	};

	for (size_t i = 0; c->opts && c->opts[i]; i++)
		for (const struct cli_opt *o = c->opts[i]; o->name; o++)
			fn(o, data);
	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		for (const struct cli_opt *o = common[i]; o && o->name; o++)
			fn(o, data);
}

/* ---- help ---- */

static void print_opt(const struct cli_opt *o, void *data)
{
	char left[64];

	(void)data;
	snprintf(left, sizeof(left), "%c%c%s--%s%s%s",
		 o->key < 256 ? '-' : ' ', o->key < 256 ? o->key : ' ',
		 o->key < 256 ? ", " : "  ", o->name, o->arg ? " " : "",
		 o->arg ? o->arg : "");
	printf("  %-26s %s\n", left, o->help);
}

void cli_help(const struct cmd *c)
{
	printf("Usage: kmemlab %s [options]%s%s\n\n%c%s.\n", c->name,
	       c->args ? " " : "", c->args ? c->args : "",
	       toupper((unsigned char)c->summary[0]), c->summary + 1);
	if (c->alias)
		printf("Also: kmemlab %s.\n", c->alias);
	printf("\nOptions:\n");
	cli_each_opt(c, print_opt, NULL);
	if (c->help)
		c->help();
	if (c->columns && (c->flags & CMD_COLUMNS))
		out_columns_help(c->columns, "Columns");
}

/* ---- usage errors ---- */

_Noreturn void cli_usage(const struct cli *cli, const char *hint,
			 const char *fmt, ...)
{
	char more[128];
	va_list ap;

	if (!hint && cli->cmd) {
		snprintf(more, sizeof(more), "see 'kmemlab %s --help'", cli->cmd);
		hint = more;
	} else if (!hint) {
		hint = "see 'kmemlab --help'";
	}
	va_start(ap, fmt);
	err_usage(cli->cmd, hint, fmt, ap);
	va_end(ap);
	exit(EXIT_USAGE);
}

void cli_nargs(const struct cli *cli, int argc, char **argv, int min, int max)
{
	int n = argc - optind;

	if (n < min)
		cli_usage(cli, NULL, "missing argument: %s", cli->spec->args);
	if (max >= 0 && n > max)
		cli_usage(cli, NULL, "unexpected argument '%s'", argv[optind + max]);
}

void cli_args(struct cli *cli, int argc, char **argv, int min, int max)
{
	while (cli_getopt(cli, argc, argv) != -1)
		;
	cli_nargs(cli, argc, argv, min, max);
}

/* ---- option parsing ---- */

static void add_opt(const struct cli_opt *o, void *data)
{
	struct cli *cli = data;
	struct option *lo = &cli->longopts[cli->nopts];
	size_t len = strlen(cli->shortopts);

	for (size_t i = 0; i < cli->nopts; i++) {
		if (!strcmp(cli->optv[i]->name, o->name) || cli->optv[i]->key == o->key) {
			fprintf(stderr, "kmemlab: %s: option --%s defined twice\n",
				cli->cmd, o->name);
			abort();
		}
	}
	if (cli->nopts == CLI_MAX_OPTS)
		abort();
	cli->optv[cli->nopts++] = o;
	*lo = (struct option){ o->name, o->arg ? required_argument : no_argument,
			       NULL, o->key };
	if (o->key < 256) {
		cli->shortopts[len++] = (char)o->key;
		if (o->arg)
			cli->shortopts[len++] = ':';
		cli->shortopts[len] = '\0';
	}
}

static void build_opts(struct cli *cli)
{
	memset(cli->longopts, 0, sizeof(cli->longopts));
	strcpy(cli->shortopts, ":");
	cli_each_opt(cli->spec, add_opt, cli);
}

static const struct cli_opt *opt_by_key(const struct cli *cli, int key)
{
	for (size_t i = 0; i < cli->nopts; i++)
		if (cli->optv[i]->key == key)
			return cli->optv[i];
	return NULL;
}

static _Noreturn void bad_option(const struct cli *cli, int c, char **argv)
{
	const struct cli_opt *o = opt_by_key(cli, optopt);

	if (c == ':' && o)
		cli_usage(cli, NULL, "option --%s needs an argument (%s)", o->name, o->arg);
	if (optopt && optopt < 256 && isprint(optopt))
		cli_usage(cli, NULL, "unknown option '-%c'", optopt);
	cli_usage(cli, NULL, "unknown option '%s'", argv[optind - 1]);
}

/* Handle a common option; false if @c is the command's own. */
static bool common_opt(struct cli *cli, int c)
{
	switch (c) {
	case 'd': cli->device = cli_device(cli, "--device", optarg); break;
	case 'J': cli->out.json = true; break;
	case 'r': cli->out.raw = true; break;
	case 'n': cli->out.noheadings = true; break;
	case 'b': cli->out.bytes = true; break;
	case 'o': cli->out.columns = optarg; break;
	case 'O': cli->out.all_columns = true; break;
	case 'h': cli_help(cli->spec); exit(EXIT_SUCCESS);
	default: return false;
	}
	return true;
}

int cli_getopt(struct cli *cli, int argc, char **argv)
{
	int c;

	if (!cli->nopts)
		build_opts(cli);
	for (;;) {
		c = getopt_long(argc, argv, cli->shortopts, cli->longopts, NULL);
		if (c == '?' || c == ':')
			bad_option(cli, c, argv);
		if (c == -1)
			break;
		if (!common_opt(cli, c))
			return c;
	}
	cli->out_plain = cli->out;
	cli->out_plain.columns = NULL;
	cli->out_plain.all_columns = false;
	return -1;
}

/* ---- argument helpers ---- */

static _Noreturn void bad_number(const struct cli *cli, const char *what,
				 const char *arg, int err, const char *form)
{
	if (err == -ERANGE)
		cli_usage(cli, NULL, "%s '%s' is too large", what, arg);
	cli_usage(cli, NULL, "%s '%s' is not %s", what, arg, form);
}

uint64_t cli_size(const struct cli *cli, const char *what, const char *arg,
		  bool zero_ok)
{
	uint64_t v;
	int err = parse_size(arg, &v);

	if (err)
		bad_number(cli, what, arg, err,
			   "a size: bytes, 0x hex, or a k/m/g (KiB/MiB/GiB) suffix");
	if (!v && !zero_ok)
		cli_usage(cli, NULL, "%s must be above 0", what);
	return v;
}

uint64_t cli_number(const struct cli *cli, const char *what, const char *arg,
		    uint64_t max)
{
	uint64_t v;
	int err = parse_u64(arg, &v);

	if (err)
		bad_number(cli, what, arg, err, "a number");
	if (v > max)
		bad_number(cli, what, arg, -ERANGE, NULL);
	return v;
}

uint32_t cli_handle(const struct cli *cli, const char *arg)
{
	uint64_t v = cli_number(cli, "handle", arg, UINT32_MAX);

	if (!v)
		cli_usage(cli, "'kmemlab list' shows the live handles",
			  "handle 0 does not exist: handles start at 1");
	return (uint32_t)v;
}

unsigned int cli_device(const struct cli *cli, const char *what, const char *arg)
{
	unsigned int id;
	int err = parse_device(arg, &id);

	if (err)
		bad_number(cli, what, arg, err, "a device: N, kmemlab.N or /dev/kmemlabN");
	return id;
}

const struct name_row *cli_name(const struct cli *cli, const struct name_table *t,
				const char *option, const char *arg)
{
	const struct name_row *r = name_find(t, arg);
	char names[512], hint[600];

	/* A name only the driver knows (a newer module): ask it. */
	if (!r && !names_loaded() && names_load_device(cli->device))
		r = name_find(t, arg);
	if (r)
		return r;
	names_list(t, 0, ", ", names, sizeof(names));
	snprintf(hint, sizeof(hint), "valid names: %s", names);
	cli_usage(cli, hint, "unknown %s '%s' for %s", t->what, arg, option);
}

uint64_t cli_gfp(const struct cli *cli, const char *arg)
{
	struct gfp_parse res;
	char names[512], hint[600];
	int err = gfp_parse(arg, &res);

	/* A flag only the driver knows (a newer module): ask it. */
	if (err && !names_loaded() && names_load_device(cli->device))
		err = gfp_parse(arg, &res);
	if (!err)
		return res.bits;
	if (res.removed)
		cli_usage(cli, res.removed->advice,
			  "%s was removed in Linux %s", res.removed->name,
			  res.removed->removed_in);
	names_list(&gfp_names, 0, " ", names, sizeof(names));
	snprintf(hint, sizeof(hint), "valid flags (join with '|' or ','): %s", names);
	if (err == -EINVAL)
		cli_usage(cli, hint, "--gfp '%s': empty flag name", arg);
	if (res.suggest)
		cli_usage(cli, hint, "unknown GFP flag '%.*s': did you mean %s?",
			  (int)res.bad_len, res.bad, res.suggest->name);
	cli_usage(cli, hint, "unknown GFP flag '%.*s'", (int)res.bad_len, res.bad);
}

/* ---- the device ---- */

int cli_open(const struct cli *cli)
{
	char node[64], hint[160];
	int fd = -1, err = kml_open(cli->device, &fd);

	if (!err) {
		/* What the driver accepts, before anything is explained with it. */
		err = names_load(fd);
		if (!err || err == -ENOMEM)
			return fd;
		close(fd);
		node_path(cli->device, node, sizeof(node));
		if (err == -ENOTTY)
			err_fail(cli->cmd, -err, "compare 'kmemlab --version': use the "
				 "kmemlab CLI built with the loaded module",
				 "%s speaks another ABI than this CLI (ABI %u): "
				 "the module and the CLI do not match", node,
				 KMEMLAB_ABI_VERSION);
		else
			err_fail(cli->cmd, -err, NULL, "cannot read %s's description",
				 node);
		return -1;
	}
	node_path(cli->device, node, sizeof(node));
	if (err == -ENOENT && !module_present())
		err_fail(cli->cmd, -err, "kmemlab load",
			 "no %s: is the module loaded?", node);
	else if (err == -ENOENT)
		err_fail(cli->cmd, -err, "'kmemlab status' lists the devices",
			 "no %s: the module is loaded but has no such device", node);
	else if (err == -EACCES || err == -EPERM)
		err_fail(cli->cmd, -err, NULL,
			 "permission denied: run as root or join group kmemlab");
	else if (err == -ENXIO || err == -ENODEV) {
		snprintf(hint, sizeof(hint), "kmemlab bind %u", cli->device);
		err_fail(cli->cmd, -err, hint, "no device behind %s: is it unbound?", node);
	} else
		err_fail(cli->cmd, -err, NULL, "cannot open %s: %s", node, strerror(-err));
	return -1;
}

int cli_ioctl_fail(const struct cli *cli, int err, const struct err_row *rows)
{
	struct errmsg m;

	char hint[64];

	errmsg_default(&m, err, rows);
	if (err == ENODEV) {
		snprintf(hint, sizeof(hint), "kmemlab bind %u", cli->device);
		errmsg_set(&m, hint, "the device was unbound: kmemlab.%u has no driver",
			   cli->device);
	}
	return err_print(cli->cmd, err, &m);
}

/* ---- tables ---- */

static _Noreturn void no_memory(const struct cli *cli)
{
	err_fail(cli->cmd, ENOMEM, NULL, NULL);
	exit(EXIT_FAILURE);
}

void cli_table(struct cli *cli, struct out_table *t, const char *name,
	       const struct out_colset *set)
{
	const char *bad = NULL;
	size_t bad_len = 0;
	int err = out_table_init(t, name, set, &cli->out, &bad, &bad_len);
	char names[512] = "", hint[600];

	if (!err)
		return;
	out_free(t, 1);
	if (err != -EINVAL)
		no_memory(cli);
	for (size_t i = 0; i < set->count; i++)
		snprintf(names + strlen(names), sizeof(names) - strlen(names),
			 "%s%s", i ? "," : "", set->cols[i].name);
	snprintf(hint, sizeof(hint), "columns: %s", names);
	cli_usage(cli, hint, "unknown column '%.*s'", (int)bad_len, bad);
}

int cli_open_with_table(struct cli *cli, struct out_table *t, const char *name,
			const struct out_colset *set)
{
	int fd;

	cli_table(cli, t, name, set);
	fd = cli_open(cli);
	if (fd < 0)
		out_free(t, 1);
	return fd;
}

void cli_subtable(struct cli *cli, struct out_table *t, const char *name,
		  const struct out_colset *set)
{
	const char *bad;
	size_t bad_len;

	if (out_table_init(t, name, set, &cli->out_plain, &bad, &bad_len)) {
		out_free(t, 1);
		no_memory(cli);
	}
}

void cli_fields(struct cli *cli, struct out_table *t, const char *name,
		const struct out_colset *set)
{
	if (out_fields_init(t, name, set, &cli->out_plain)) {
		out_free(t, 1);
		no_memory(cli);
	}
}

int cli_print(const struct cli *cli, struct out_table *tables, size_t n)
{
	int err = out_print(tables, n);

	if (err)
		return err_fail(cli->cmd, -err, NULL, "cannot print the output: %s",
				strerror(-err));
	return EXIT_SUCCESS;
}
