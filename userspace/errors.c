// SPDX-License-Identifier: GPL-2.0
/*
 * errno -> name, sentence and hint, and the error line format.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* The CLI's sentence for an errno; its name comes from the C library. */
static const struct {
	int err;
	const char *text;
	const char *hint;
} errnos[] = {
	{ EPERM, "operation not permitted: it needs a capability the caller lacks",
	  "run as root" },
	{ ENOENT, "no such file or entry", NULL },
	{ ESRCH, "no such process", NULL },
	{ EINTR, "interrupted by a signal", "try again" },
	{ EIO, "input/output error", NULL },
	{ ENXIO, "no such device or address", NULL },
	{ E2BIG, "the request is larger than the kernel allows", NULL },
	{ ENOEXEC, "invalid executable format", NULL },
	{ EBADF, "bad file descriptor", NULL },
	{ EAGAIN, "resource temporarily unavailable", "try again" },
	{ ENOMEM, "out of memory", NULL },
	{ EACCES, "permission denied: run as root or join group kmemlab", NULL },
	{ EFAULT, "the kernel could not access the request's memory", NULL },
	{ EBUSY, "device or resource busy", NULL },
	{ EEXIST, "it already exists", NULL },
	{ ENODEV, "no such device", NULL },
	{ ENOTDIR, "not a directory", NULL },
	{ EISDIR, "is a directory", NULL },
	{ EINVAL, "the kernel refused the request as invalid", NULL },
	{ ENFILE, "too many open files in the system", NULL },
	{ EMFILE, "too many open files", NULL },
	{ ENOTTY, "the device does not know this request",
	  "the module and the CLI may speak different ABIs: compare 'kmemlab --version'" },
	{ ETXTBSY, "text file busy", NULL },
	{ ENOSPC, "no space left", NULL },
	{ EROFS, "read-only file system", NULL },
	{ ERANGE, "value out of range", NULL },
	{ ENAMETOOLONG, "name too long", NULL },
	{ ENOSYS, "not implemented by this kernel", NULL },
	{ ELOOP, "too many levels of symbolic links", NULL },
	{ EOVERFLOW, "value too large for its type", NULL },
	{ EOPNOTSUPP, "operation not supported", NULL },
	{ ETIMEDOUT, "timed out", NULL },
	{ ENOKEY, "required key not available", NULL },
	{ EKEYREJECTED, "key was rejected", NULL },
};

static int find(int err)
{
	for (size_t i = 0; i < ARRAY_SIZE(errnos); i++)
		if (errnos[i].err == err)
			return (int)i;
	return -1;
}

const char *errno_name(int err)
{
	static char buf[32];
	const char *name = strerrorname_np(err);

	if (name)
		return name;
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}

void errmsg_vset(struct errmsg *m, const char *hint, const char *fmt, va_list ap)
{
	vsnprintf(m->text, sizeof(m->text), fmt, ap);
	snprintf(m->hint, sizeof(m->hint), "%s", hint ? hint : "");
}

void errmsg_set(struct errmsg *m, const char *hint, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errmsg_vset(m, hint, fmt, ap);
	va_end(ap);
}

void errmsg_default(struct errmsg *m, int err, const struct err_row *rows)
{
	int i;

	for (; rows && rows->err; rows++) {
		if (rows->err == err) {
			errmsg_set(m, rows->hint, "%s", rows->text);
			return;
		}
	}
	i = find(err);
	if (i >= 0)
		errmsg_set(m, errnos[i].hint, "%s", errnos[i].text);
	else
		errmsg_set(m, NULL, "%s", strerror(err));
}

int err_print(const char *cmd, int err, const struct errmsg *m)
{
	fflush(stdout);
	fprintf(stderr, "kmemlab: %s: %s: %s\n", cmd, errno_name(err), m->text);
	if (m->hint[0])
		fprintf(stderr, "hint: %s\n", m->hint);
	return EXIT_FAILURE;
}

int err_fail(const char *cmd, int err, const char *hint, const char *fmt, ...)
{
	struct errmsg m;
	va_list ap;

	if (!fmt) {
		errmsg_default(&m, err, NULL);
		if (hint)
			snprintf(m.hint, sizeof(m.hint), "%s", hint);
		return err_print(cmd, err, &m);
	}
	va_start(ap, fmt);
	errmsg_vset(&m, hint, fmt, ap);
	va_end(ap);
	return err_print(cmd, err, &m);
}

int err_fail_rows(const char *cmd, int err, const struct err_row *rows)
{
	struct errmsg m;

	errmsg_default(&m, err, rows);
	return err_print(cmd, err, &m);
}

void err_warn(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "kmemlab: %s: warning: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void err_usage(const char *cmd, const char *hint, const char *fmt, va_list ap)
{
	fflush(stdout);
	if (cmd)
		fprintf(stderr, "kmemlab: %s: usage: ", cmd);
	else
		fputs("kmemlab: usage: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	if (hint)
		fprintf(stderr, "hint: %s\n", hint);
}
