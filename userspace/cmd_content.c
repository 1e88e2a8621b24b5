// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab fill, verify, read: write, check and dump an allocation's bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libsmartcols.h>

#include "cli.h"
#include "ioctl.h"

#define READ_DEFAULT	256	/* read shows this much without --length */

enum { OPT_OFFSET = 256 };

static const struct cli_opt pattern_opts[] = {
	{ "pattern", 'p', "BYTE", "the byte value: 0..255 or 0x00..0xff" },
	{ 0 }
};

static const struct cli_opt range_opts[] = {
	{ "offset", OPT_OFFSET, "N", "first byte (default 0)" },
	{ "length", 'l', "N", "bytes from --offset (default: to the end; read: at most 256)" },
	{ 0 }
};

static const struct cli_opt read_opts[] = {
	{ "no-squeeze", 'v', NULL, "show repeated lines instead of '*'" },
	{ 0 }
};

struct content_args {
	uint32_t handle;
	int pattern;		/* -1: not given */
	uint64_t offset;
	uint64_t length;	/* 0: the default */
	bool squeeze;
};

static void content_parse(struct cli *cli, int argc, char **argv,
			  struct content_args *a, bool need_pattern)
{
	int c;

	*a = (struct content_args){ .pattern = -1, .squeeze = true };
	while ((c = cli_getopt(cli, argc, argv)) != -1) {
		if (c == 'p')
			a->pattern = (int)cli_number(cli, "--pattern", optarg, 255);
		else if (c == OPT_OFFSET)
			a->offset = cli_size(cli, "--offset", optarg, true);
		else if (c == 'l')
			a->length = cli_size(cli, "--length", optarg, false);
		else if (c == 'v')
			a->squeeze = false;
	}
	cli_nargs(cli, argc, argv, 1, 1);
	a->handle = cli_handle(cli, argv[optind]);
	if (a->pattern < 0 && need_pattern)
		cli_usage(cli, NULL, "missing --pattern BYTE");
}

/* Explain a failed content ioctl on the allocation @r (size 0: unknown). */
static int content_fail(const struct cli *cli, int err, const struct content_args *a,
			const struct kmemlab_report *r)
{
	if (err == ENOENT)
		return err_fail(cli->cmd, err, "'kmemlab list' shows the live handles",
				"no live allocation has handle %u", a->handle);
	if (err == EINVAL && r->size && !a->length)
		return err_fail(cli->cmd, err, "--offset must be below the size",
				"offset %llu is outside handle %u's %llu bytes",
				(unsigned long long)a->offset, a->handle,
				(unsigned long long)r->size);
	if (err == EINVAL && r->size)
		return err_fail(cli->cmd, err, "--offset and --length must stay inside the size",
				"offset %llu + length %llu is outside handle %u's %llu bytes",
				(unsigned long long)a->offset, (unsigned long long)a->length,
				a->handle, (unsigned long long)r->size);
	return cli_ioctl_fail(cli, err, NULL);
}

/* Open the device and look the handle up; the fd, or -1 after an error. */
static int content_open(const struct cli *cli, const struct content_args *a,
			struct kmemlab_report *r)
{
	int fd = cli_open(cli), err;

	memset(r, 0, sizeof(*r));
	if (fd < 0)
		return -1;
	err = kml_query(fd, a->handle, r);
	if (err) {
		content_fail(cli, -err, a, r);
		close(fd);
		return -1;
	}
	return fd;
}

/* fill and verify: the FILL/VERIFY request for @a; sets a default length. */
static int pattern_op(const struct cli *cli, bool verify, struct content_args *a,
		      struct kmemlab_fill *f, struct kmemlab_report *r)
{
	int fd, err;

	fd = content_open(cli, a, r);
	if (fd < 0)
		return EXIT_FAILURE;
	*f = (struct kmemlab_fill){ .handle = a->handle, .pattern = (uint32_t)a->pattern,
				    .offset = a->offset, .length = a->length };
	err = verify ? kml_verify(fd, f) : kml_fill(fd, f);
	close(fd);
	if (err)
		return content_fail(cli, -err, a, r);
	if (!a->length && a->offset < r->size)
		a->length = r->size - a->offset;
	return EXIT_SUCCESS;
}

static int run_fill(struct cli *cli, int argc, char **argv)
{
	struct content_args a;
	struct kmemlab_fill f;
	struct kmemlab_report r;
	int rc;

	content_parse(cli, argc, argv, &a, true);
	rc = pattern_op(cli, false, &a, &f, &r);
	if (!rc)
		printf("filled %llu bytes of handle %u with 0x%02x from offset %llu\n",
		       (unsigned long long)a.length, a.handle, a.pattern,
		       (unsigned long long)a.offset);
	return rc;
}

static const struct cli_opt *const fill_optsets[] = { pattern_opts, range_opts, NULL };

const struct cmd cmd_fill = {
	.name = "fill",
	.args = "HANDLE",
	.summary = "write a byte pattern into an allocation",
	.flags = CMD_DEVICE,
	.opts = fill_optsets,
	.run = run_fill,
};

/* ---- verify ---- */

enum { VC_HANDLE, VC_PATTERN, VC_OFFSET, VC_LENGTH, VC_MISMATCHES, VC_FIRST };

static const struct out_col verify_cols[] = {
	[VC_HANDLE] = { "HANDLE", OUT_NUM, 0, SCOLS_FL_RIGHT, "allocation handle" },
	[VC_PATTERN] = { "PATTERN", OUT_HEX, 0, SCOLS_FL_RIGHT, "the byte expected" },
	[VC_OFFSET] = { "OFFSET", OUT_NUM, 0, SCOLS_FL_RIGHT, "first byte checked" },
	[VC_LENGTH] = { "LENGTH", OUT_NUM, 0, SCOLS_FL_RIGHT, "bytes checked" },
	[VC_MISMATCHES] = { "MISMATCHES", OUT_NUM, 0, SCOLS_FL_RIGHT,
			    "bytes that differ from the pattern" },
	[VC_FIRST] = { "FIRST-MISMATCH", OUT_NUM, 0, SCOLS_FL_RIGHT,
		       "offset of the first differing byte" },
};

static const struct out_colset verify_columns = {
	verify_cols, sizeof(verify_cols) / sizeof(verify_cols[0]), NULL,
};

static int run_verify(struct cli *cli, int argc, char **argv)
{
	struct content_args a;
	struct kmemlab_fill f;
	struct kmemlab_report r;
	struct out_table t;
	int rc;

	content_parse(cli, argc, argv, &a, true);
	cli_table(cli, &t, "verify", &verify_columns);
	rc = pattern_op(cli, true, &a, &f, &r);
	if (rc) {
		out_free(&t, 1);
		return rc;
	}
	out_row(&t);
	out_u64(&t, VC_HANDLE, a.handle);
	out_u64(&t, VC_PATTERN, (uint64_t)a.pattern);
	out_u64(&t, VC_OFFSET, a.offset);
	out_u64(&t, VC_LENGTH, a.length);
	out_u64(&t, VC_MISMATCHES, f.mismatches);
	if (f.mismatches)
		out_u64(&t, VC_FIRST, f.first_mismatch);
	else
		out_none(&t, VC_FIRST);
	rc = cli_print(cli, &t, 1);
	return rc ? rc : f.mismatches ? EXIT_FAILURE : EXIT_SUCCESS;
}

const struct cmd cmd_verify = {
	.name = "verify",
	.args = "HANDLE",
	.summary = "check a byte pattern; exit 1 when bytes differ",
	.flags = CMD_DEVICE | CMD_OUTPUT | CMD_COLUMNS,
	.opts = fill_optsets,
	.columns = &verify_columns,
	.run = run_verify,
};

/* ---- read ---- */

struct dump {
	uint64_t offset;		/* of the next line */
	bool squeeze;
	bool squeezing;			/* a '*' was printed for the run */
	bool have_prev;
	unsigned char prev[16];
};

/* One line as hexdump -C prints it. */
static void dump_line(struct dump *d, const unsigned char *p, size_t n)
{
	if (d->squeeze && n == 16 && d->have_prev && !memcmp(p, d->prev, 16)) {
		if (!d->squeezing)
			puts("*");
		d->squeezing = true;
		d->offset += n;
		return;
	}
	d->squeezing = false;
	d->have_prev = n == 16;
	memcpy(d->prev, p, n);
	printf("%08llx ", (unsigned long long)d->offset);
	for (size_t i = 0; i < 16; i++) {
		if (i % 8 == 0)
			putchar(' ');
		if (i < n)
			printf("%02x ", p[i]);
		else
			fputs("   ", stdout);
	}
	fputs(" |", stdout);
	for (size_t i = 0; i < n; i++)
		putchar(p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '.');
	puts("|");
	d->offset += n;
}

/* Read @len bytes at @off into @buf and dump them. */
static int dump_chunk(int fd, uint32_t handle, uint64_t off, uint64_t len,
		      unsigned char *buf, struct dump *d)
{
	struct kmemlab_read rd = { .handle = handle, .offset = off, .length = len,
				   .buf = (uint64_t)(uintptr_t)buf };
	int err = kml_read(fd, &rd);

	if (err)
		return err;
	for (uint64_t i = 0; i < len; i += 16)
		dump_line(d, buf + i, len - i < 16 ? (size_t)(len - i) : 16);
	return 0;
}

static int dump_range(int fd, const struct content_args *a, struct dump *d)
{
	unsigned char *buf = malloc(KMEMLAB_READ_MAX);
	uint64_t done = 0;
	int err = 0;

	if (!buf)
		return -ENOMEM;
	while (!err && done < a->length) {
		uint64_t n = a->length - done;

		if (n > KMEMLAB_READ_MAX)
			n = KMEMLAB_READ_MAX;
		err = dump_chunk(fd, a->handle, a->offset + done, n, buf, d);
		done += n;
	}
	free(buf);
	if (!err)
		printf("%08llx\n", (unsigned long long)(a->offset + a->length));
	return err;
}

static int run_read(struct cli *cli, int argc, char **argv)
{
	struct content_args a;
	struct kmemlab_report r;
	struct dump d = { 0 };
	int fd, err;

	content_parse(cli, argc, argv, &a, false);
	fd = content_open(cli, &a, &r);
	if (fd < 0)
		return EXIT_FAILURE;
	if (!a.length)
		a.length = a.offset < r.size && r.size - a.offset < READ_DEFAULT ?
			   r.size - a.offset : READ_DEFAULT;
	d.offset = a.offset;
	d.squeeze = a.squeeze;
	err = dump_range(fd, &a, &d);
	close(fd);
	return err ? content_fail(cli, -err, &a, &r) : EXIT_SUCCESS;
}

static const struct cli_opt *const read_optsets[] = { range_opts, read_opts, NULL };

const struct cmd cmd_read = {
	.name = "read",
	.args = "HANDLE",
	.summary = "dump an allocation's bytes like hexdump -C",
	.flags = CMD_DEVICE,
	.opts = read_optsets,
	.run = run_read,
};
