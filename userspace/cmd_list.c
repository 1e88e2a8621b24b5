// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab list, query: report live allocations.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "ioctl.h"

/* Fetch reports into a malloc()ed array: 0 or -errno. */
typedef int (*fetch_fn)(int fd, uint32_t handle, struct kmemlab_report **reports,
			size_t *count);

static int fetch_all(int fd, uint32_t handle, struct kmemlab_report **reports,
		     size_t *count)
{
	(void)handle;
	return kml_list(fd, reports, count);
}

static int fetch_one(int fd, uint32_t handle, struct kmemlab_report **reports,
		     size_t *count)
{
	int err;

	*reports = malloc(sizeof(**reports));
	if (!*reports)
		return -ENOMEM;
	err = kml_query(fd, handle, *reports);
	if (err) {
		free(*reports);
		*reports = NULL;
		return err;
	}
	*count = 1;
	return 0;
}

const struct err_row handle_errs[] = {
	{ ENOENT, "no live allocation has that handle",
	  "'kmemlab list' shows the live handles" },
	{ 0 }
};

/* Print the reports @fetch returns as a report table. */
static int show(struct cli *cli, fetch_fn fetch, uint32_t handle)
{
	struct kmemlab_report *reports = NULL;
	struct out_table t;
	size_t count = 0;
	int fd, err;

	fd = cli_open_with_table(cli, &t, REPORT_TABLE, &report_columns);
	if (fd < 0)
		return EXIT_FAILURE;
	err = fetch(fd, handle, &reports, &count);
	close(fd);
	if (err) {
		out_free(&t, 1);
		return cli_ioctl_fail(cli, -err, handle_errs);
	}
	for (size_t i = 0; i < count; i++)
		out_report(&t, &reports[i]);
	free(reports);
	return cli_print(cli, &t, 1);
}

static int run_list(struct cli *cli, int argc, char **argv)
{
	cli_args(cli, argc, argv, 0, 0);
	return show(cli, fetch_all, 0);
}

static int run_query(struct cli *cli, int argc, char **argv)
{
	cli_args(cli, argc, argv, 1, 1);
	return show(cli, fetch_one, cli_handle(cli, argv[optind]));
}

const struct cmd cmd_list = {
	.name = "list",
	.summary = "list the live allocations of the device",
	.flags = CMD_DEVICE | CMD_OUTPUT | CMD_COLUMNS,
	.columns = &report_columns,
	.run = run_list,
};

const struct cmd cmd_query = {
	.name = "query",
	.alias = "show",
	.args = "HANDLE",
	.summary = "show one live allocation",
	.flags = CMD_DEVICE | CMD_OUTPUT | CMD_COLUMNS,
	.columns = &report_columns,
	.run = run_query,
};
