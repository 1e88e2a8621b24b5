/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command framework shared by every subcommand: command descriptors,
 * option parsing (options are rows; getopt tables and --help are made from
 * them), argument parsing helpers that end in a usage error (exit 2), opening
 * the device, and printing tables.
 */
#ifndef KMEMLAB_CLI_H
#define KMEMLAB_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

#include "errors.h"
#include "names.h"
#include "output.h"

/* The release, from the top-level VERSION file (the Makefile passes it). */
#ifndef KMEMLAB_VERSION
#define KMEMLAB_VERSION	"unknown"
#endif
#define KMEMLAB_DEVICE_ENV	"KMEMLAB_DEVICE"

/* One option; arrays of them end with an all-zero row. */
struct cli_opt {
	const char *name;	/* long name */
	int key;		/* short option character, or >= 256 for none */
	const char *arg;	/* argument name, NULL when it takes none */
	const char *help;
};

/* What a command accepts besides its own options (--help always). */
#define CMD_DEVICE	(1U << 0)	/* -d/--device N */
#define CMD_OUTPUT	(1U << 1)	/* -J/--json -r/--raw -n/--noheadings -b/--bytes */
#define CMD_COLUMNS	(1U << 2)	/* -o/--output -O/--output-all (.columns) */

struct cli;

struct cmd {
	const char *name;
	const char *alias;			/* or NULL */
	const char *args;			/* usage after [options]; a first
						   word HANDLE or DEVICE also tells
						   completion what to offer */
	const char *summary;
	unsigned int flags;			/* CMD_* */
	const struct cli_opt *const *opts;	/* NULL-terminated, or NULL */
	const struct out_colset *columns;	/* what -o selects from */
	void (*help)(void);			/* more --help text, or NULL */
	/* Completion of the arguments: complete_word() each candidate. */
	void (*complete)(const char *cur);
	int (*run)(struct cli *cli, int argc, char **argv);
};

#define CLI_MAX_OPTS	40

struct cli {
	const char *cmd;		/* the command's name, for messages */
	const struct cmd *spec;
	unsigned int device;		/* N of /dev/kmemlabN */
	struct out_opts out;		/* the main table's output options */
	struct out_opts out_plain;	/* the same without -o/-O */
	size_t nopts;			/* getopt tables, built on first use */
	const struct cli_opt *optv[CLI_MAX_OPTS];
	struct option longopts[CLI_MAX_OPTS + 1];
	char shortopts[CLI_MAX_OPTS * 2 + 2];
};

/* The commands, in main.c. */
extern const struct cmd *const commands[];
/* The API table, as 'kmemlab apis' prints it (cmd_names.c). */
int list_apis(struct cli *cli);

/* Call @fn for every option row of @c (its own, then the common ones). */
void cli_each_opt(const struct cmd *c,
		  void (*fn)(const struct cli_opt *o, void *data), void *data);
/* Print @c's --help to stdout. */
void cli_help(const struct cmd *c);
/*
 * The next option of the command's own, or -1 when there are no more
 * (positional arguments are then argv[optind..argc-1]). Common options are
 * handled here; --help prints help and exits; a wrong option exits 2.
 */
int cli_getopt(struct cli *cli, int argc, char **argv);
/* Usage error: print, then exit 2. @hint NULL: "see 'kmemlab CMD --help'". */
_Noreturn void cli_usage(const struct cli *cli, const char *hint,
			 const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Exit 2 unless there are @min to @max (-1: any) positional arguments. */
void cli_nargs(const struct cli *cli, int argc, char **argv, int min, int max);
/* For commands without options of their own: parse, then cli_nargs(). */
void cli_args(struct cli *cli, int argc, char **argv, int min, int max);

/* Argument parsers that end in a usage error; @what names the option. */
uint64_t cli_size(const struct cli *cli, const char *what, const char *arg,
		  bool zero_ok);
uint64_t cli_number(const struct cli *cli, const char *what, const char *arg,
		    uint64_t max);
uint32_t cli_handle(const struct cli *cli, const char *arg);
unsigned int cli_device(const struct cli *cli, const char *what, const char *arg);
/* The name row of @arg in @t, or exit 2 listing the valid names. */
const struct name_row *cli_name(const struct cli *cli, const struct name_table *t,
				const char *option, const char *arg);
uint64_t cli_gfp(const struct cli *cli, const char *arg);

/* Open /dev/kmemlabN; on failure print why and return -1. */
int cli_open(const struct cli *cli);
/* Explain a failed ioctl (from @rows first, else generic); returns 1. */
int cli_ioctl_fail(const struct cli *cli, int err, const struct err_row *rows);
/* ENOENT of a command given a handle: no live allocation has it (cmd_list.c). */
extern const struct err_row handle_errs[];

/* The command's main table (-o applies), or exit. */
void cli_table(struct cli *cli, struct out_table *t, const char *name,
	       const struct out_colset *set);
/* cli_table(), then cli_open(): the fd, or -1 with the table freed. */
int cli_open_with_table(struct cli *cli, struct out_table *t, const char *name,
			const struct out_colset *set);
/* A further table (default columns) or a field table, or exit. */
void cli_subtable(struct cli *cli, struct out_table *t, const char *name,
		  const struct out_colset *set);
void cli_fields(struct cli *cli, struct out_table *t, const char *name,
		const struct out_colset *set);
/* Print and free the tables; returns the exit status. */
int cli_print(const struct cli *cli, struct out_table *tables, size_t n);

#endif /* KMEMLAB_CLI_H */
