// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab: make real kernel allocations through the kmemlab driver and see
 * what the kernel did. This file dispatches git-style subcommands and
 * handles the global options, --version and --help.
 */
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "complete.h"
#include "ioctl.h"
#include "sysfs.h"

extern const struct cmd cmd_load, cmd_unload, cmd_status, cmd_info;
extern const struct cmd cmd_alloc, cmd_free, cmd_realloc, cmd_list, cmd_query, cmd_map;
extern const struct cmd cmd_fill, cmd_verify, cmd_read;
extern const struct cmd cmd_bind, cmd_unbind;
extern const struct cmd cmd_apis, cmd_gfp, cmd_contexts;
extern const struct cmd cmd_dma_map, cmd_facts, cmd_bench;

const struct cmd *const commands[] = {
	&cmd_load, &cmd_unload, &cmd_status, &cmd_info,
	&cmd_alloc, &cmd_free, &cmd_realloc, &cmd_list, &cmd_query, &cmd_map,
	&cmd_fill, &cmd_verify, &cmd_read, &cmd_dma_map,
	&cmd_bind, &cmd_unbind, &cmd_facts, &cmd_bench,
	&cmd_apis, &cmd_gfp, &cmd_contexts,
	NULL,
};

static const struct option global_opts[] = {
	{ "device", required_argument, NULL, 'd' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void usage(void)
{
	printf("Usage: kmemlab [-d N] <command> [options] [arguments]\n\n"
	       "Make real kernel allocations through the kmemlab driver and see what\n"
	       "the kernel did: slab cache, zone, contiguity, zeroing, time.\n\n"
	       "Commands:\n");
	for (size_t i = 0; commands[i]; i++)
		printf("  %-9s %s\n", commands[i]->name, commands[i]->summary);
	printf("\nGlobal options:\n"
	       "  -d, --device N   use /dev/kmemlabN (default: $" KMEMLAB_DEVICE_ENV
	       ", else 0)\n"
	       "  -h, --help       show this help\n"
	       "  -V, --version    show the versions of the CLI and of the loaded module\n"
	       "\nRun 'kmemlab <command> --help' for the options of a command,\n"
	       "'kmemlab apis', 'kmemlab gfp' and 'kmemlab contexts' for the names.\n");
}

/*
 * The ABI this CLI speaks. A build may claim another (-DKMEMLAB_CLI_ABI=N)
 * to see how a mismatch is reported.
 */
#ifndef KMEMLAB_CLI_ABI
#define KMEMLAB_CLI_ABI	KMEMLAB_ABI_VERSION
#endif

/* The module's ABI version from INFO on /dev/kmemlab@device: 0 or -errno. */
static int module_abi(unsigned int device, unsigned int *abi)
{
	struct kmemlab_info info;
	int fd, err = kml_open(device, &fd);

	if (err)
		return err;
	err = kml_info(fd, &info);
	if (!err)
		*abi = info.abi_version;
	close(fd);
	return err;
}

/*
 * kmemlab 0.1.0 (ABI 1)
 * module kmemlab 0.1.0 (ABI 1)		or: not loaded, or: ABI unknown: why
 * note: ...				when the two differ
 */
static int version(unsigned int device)
{
	char ver[64], node[32];
	unsigned int abi = 0;
	int err;

	printf("kmemlab %s (ABI %u)\n", KMEMLAB_VERSION, KMEMLAB_CLI_ABI);
	if (!module_present()) {
		printf("module kmemlab: not loaded\n");
		return EXIT_SUCCESS;
	}
	if (sysfs_read(SYS_MODULE_DIR "/version", ver, sizeof(ver)))
		snprintf(ver, sizeof(ver), "(no version)");
	node_path(device, node, sizeof(node));
	err = module_abi(device, &abi);
	if (err == -ENOTTY) {
		printf("module kmemlab %s (ABI unknown: %s does not know this CLI's "
		       "INFO request)\n"
		       "note: the module speaks another ABI than this CLI (ABI %u): "
		       "use a CLI built with the module\n", ver, node, KMEMLAB_CLI_ABI);
	} else if (err) {
		printf("module kmemlab %s (ABI unknown: cannot query %s: %s)\n",
		       ver, node, strerror(-err));
	} else {
		printf("module kmemlab %s (ABI %u)\n", ver, abi);
		if (abi != KMEMLAB_CLI_ABI)
			printf("note: ABI mismatch: the CLI speaks ABI %u, the module "
			       "ABI %u; requests may fail (ENOTTY, EINVAL): use a CLI "
			       "built with the module\n", KMEMLAB_CLI_ABI, abi);
		else if (strcmp(ver, KMEMLAB_VERSION))
			printf("note: the CLI and the module are different releases "
			       "speaking the same ABI: they work together\n");
	}
	return EXIT_SUCCESS;
}

static const struct cmd *find_command(const char *name)
{
	for (size_t i = 0; commands[i]; i++)
		if (!strcmp(name, commands[i]->name) ||
		    (commands[i]->alias && !strcmp(name, commands[i]->alias)))
			return commands[i];
	return NULL;
}

static _Noreturn void unknown_command(const struct cli *cli, const char *name)
{
	char names[512] = "";

	for (size_t i = 0; commands[i]; i++)
		snprintf(names + strlen(names), sizeof(names) - strlen(names),
			 "%s%s", i ? ", " : "", commands[i]->name);
	cli_usage(cli, NULL, "unknown command '%s'; commands: %s", name, names);
}

/* kmemlab help [COMMAND] */
static int help(const struct cli *cli, int argc, char **argv)
{
	const struct cmd *c;

	if (argc < 2) {
		usage();
		return EXIT_SUCCESS;
	}
	c = find_command(argv[1]);
	if (!c)
		unknown_command(cli, argv[1]);
	cli_help(c);
	return EXIT_SUCCESS;
}

static void device_from_env(struct cli *cli)
{
	const char *env = getenv(KMEMLAB_DEVICE_ENV);

	if (env && *env)
		cli->device = cli_device(cli, "$" KMEMLAB_DEVICE_ENV, env);
}

int main(int argc, char **argv)
{
	static struct cli cli;
	const struct cmd *c;
	int opt;

	if (argc > 1 && !strcmp(argv[1], COMPLETE_COMMAND))
		return complete_main(argc - 2, argv + 2, global_opts);
	setlocale(LC_ALL, "");
	out_setup();
	device_from_env(&cli);
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:d:hV", global_opts, NULL)) != -1) {
		if (opt == 'd')
			cli.device = cli_device(&cli, "--device", optarg);
		else if (opt == 'h')
			return usage(), EXIT_SUCCESS;
		else if (opt == 'V')
			return version(cli.device);
		else
			cli_usage(&cli, NULL, "unknown or incomplete option '%s'",
				  argv[optind - 1]);
	}
	if (optind >= argc)
		cli_usage(&cli, NULL, "no command given");
	argc -= optind;
	argv += optind;
	if (!strcmp(argv[0], "help"))
		return help(&cli, argc, argv);
	c = find_command(argv[0]);
	if (!c)
		unknown_command(&cli, argv[0]);
	cli.cmd = c->name;
	cli.spec = c;
	optind = 0;	/* restart getopt for the command's arguments */
	return c->run(&cli, argc, argv);
}
