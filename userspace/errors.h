/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Errors: errno -> name, sentence and hint, and the one error line format:
 *
 *	kmemlab: <command>: <ERRNO_NAME>: <sentence>
 *	hint: <what to do>			(optional)
 */
#ifndef KMEMLAB_ERRORS_H
#define KMEMLAB_ERRORS_H

#include <stdarg.h>

#define EXIT_USAGE	2	/* the command line is wrong */

/* One errno explained; tables end with a row whose err is 0. */
struct err_row {
	int err;
	const char *text;	/* the sentence */
	const char *hint;	/* or NULL */
};

/* A message about to be printed: a sentence and an optional hint. */
struct errmsg {
	char text[512];
	char hint[512];
};

/* "EINVAL", or "errno N" for a value the table does not know. */
const char *errno_name(int err);
/* The sentence and hint for @err: from @rows if it has a row, else generic. */
void errmsg_default(struct errmsg *m, int err, const struct err_row *rows);
/* Set the sentence from @fmt and the hint from @hint (NULL: none). */
void errmsg_set(struct errmsg *m, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void errmsg_vset(struct errmsg *m, const char *hint, const char *fmt,
		 va_list ap) __attribute__((format(printf, 3, 0)));

/* Print the error line (and hint) for @err; returns EXIT_FAILURE. */
int err_print(const char *cmd, int err, const struct errmsg *m);
/*
 * err_print() of a sentence made from @fmt, with @hint (NULL: none); @fmt
 * NULL: the generic sentence, and the generic hint unless @hint is given.
 */
int err_fail(const char *cmd, int err, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* err_print() of the row of @rows (or the generic row) for @err. */
int err_fail_rows(const char *cmd, int err, const struct err_row *rows);
/* A warning line: "kmemlab: <command>: warning: <text>". */
void err_warn(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The usage error lines; @hint NULL: none. */
void err_usage(const char *cmd, const char *hint, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#endif /* KMEMLAB_ERRORS_H */
