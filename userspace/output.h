/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output: every table goes through libsmartcols. Human output shows sizes
 * and times for people ("4KiB", "1.2µs"; -b/--bytes for exact numbers);
 * JSON shows sizes in bytes and times in ns as numbers, booleans as
 * booleans, and absent values as null. Absent values are "-" in tables.
 *
 * JSON has one writer, print_json(): libsmartcols prints each table as
 * {"name": [records]}, and several tables become one object with each
 * table's member, in order. CSV has one writer too, print_csv(): the
 * first table's cells as JSON has them (absent: empty), quoted as RFC 4180
 * says (a field with a comma, a quote or a line break goes in quotes, its
 * quotes doubled), one line per row ending in LF.
 */
#ifndef KMEMLAB_OUTPUT_H
#define KMEMLAB_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/kmemlab.h>

struct libscols_table;
struct libscols_line;

/* The output options (-J, -r, -n, -b, -o, -O; --csv where a command has it). */
struct out_opts {
	bool json;
	bool csv;	/* the first table as CSV: JSON's values, RFC 4180 quoting */
	bool raw;
	bool noheadings;
	bool bytes;
	bool all_columns;
	const char *columns;	/* -o LIST, or NULL */
};

/* Kinds of values: how a column's cells are formatted. */
enum out_kind {
	OUT_STR,	/* text */
	OUT_NUM,	/* a plain number */
	OUT_SIZE,	/* bytes: human size, or bytes with -b / JSON */
	OUT_TIME,	/* ns: human time, or ns with -b / JSON */
	OUT_BOOL,	/* yes/no, true/false in JSON */
	OUT_HEX,	/* 0x hex; a number in JSON */
	OUT_ONOFF,	/* on/off, true/false in JSON */
	OUT_RATIO,	/* a fraction such as 1.9995 */
};

struct out_col {
	const char *name;	/* heading; its lowercase is the JSON key */
	enum out_kind kind;
	double whint;		/* width hint for libsmartcols */
	int flags;		/* SCOLS_FL_* */
	const char *help;	/* --help text; the label in a field table */
};

struct out_colset {
	const struct out_col *cols;
	size_t count;
	const char *defaults;	/* default columns "A,B,C"; NULL: all */
};

#define OUT_MAX_COLS	64

struct out_table {
	struct libscols_table *tb;
	const struct out_colset *set;
	const struct out_opts *opts;
	bool fields;		/* FIELD/VALUE for people, one object in JSON */
	bool hide_empty;	/* print nothing (but JSON) when it has no rows */
	struct libscols_line *line;	/* the row being filled */
	int map[OUT_MAX_COLS];	/* column of @set -> libsmartcols column, or -1 */
};

/* Leave column @col of @t out of a table for people; JSON keeps it. */
void out_hide(struct out_table *t, size_t col);

/* Call once, after setlocale(). */
void out_setup(void);

/*
 * A table of the columns -o/-O (or the defaults) select from @set; JSON
 * without -o shows every column. Returns 0, -ENOMEM, or -EINVAL with *bad
 * (*bad_len bytes) naming an unknown column.
 */
int out_table_init(struct out_table *t, const char *name,
		   const struct out_colset *set, const struct out_opts *o,
		   const char **bad, size_t *bad_len);
/* A field table: every column of @set is a field of one record. */
int out_fields_init(struct out_table *t, const char *name,
		    const struct out_colset *set, const struct out_opts *o);
/* Start a new row (a field table has one). */
void out_row(struct out_table *t);
/* Set cell @col (an index into the table's set) of the current row. */
void out_str(struct out_table *t, size_t col, const char *s);	/* NULL: absent */
void out_u64(struct out_table *t, size_t col, uint64_t v);	/* by the column's kind */
void out_bool(struct out_table *t, size_t col, bool v);
void out_hex(struct out_table *t, size_t col, uint64_t v);
void out_ratio(struct out_table *t, size_t col, double v);
void out_none(struct out_table *t, size_t col);
/* Print the tables (one JSON object for all), then free them. Returns 0 or -errno. */
int out_print(struct out_table *tables, size_t n);
void out_free(struct out_table *tables, size_t n);
/* "Available columns:" help for @set. */
void out_columns_help(const struct out_colset *set, const char *title);

/* "4KiB", "1.5MiB", "100B" (@space: "4 KiB"). */
char *fmt_size(uint64_t bytes, bool space, char *buf, size_t len);
/* fmt_size(@bytes, true, ...) into a temporary: for one argument list. */
#define SZ(bytes)	fmt_size((bytes), true, (char[32]){ 0 }, 32)
/* "850ns", "1.2µs" ("us" when @ascii), "3.4ms", "1.25s". */
char *fmt_time(uint64_t ns, bool ascii, char *buf, size_t len);

/* ---- the allocation report: shared by alloc, realloc, list, query ---- */

enum {
	RC_HANDLE, RC_API, RC_SIZE, RC_USABLE, RC_BACKING, RC_CACHE, RC_ORDER,
	RC_PAGES, RC_RUNS, RC_ZONE, RC_ZONES, RC_ZONE_OK, RC_ZEROED, RC_REGION,
	RC_CONTEXT, RC_SEEN, RC_GFP, RC_TIME, RC_ADDR, RC_PHYS, RC_DEVM,
};

#define REPORT_TABLE	"allocations"	/* the JSON name of report tables */

extern const struct out_colset report_columns;

/* Add one row for @r. */
void out_report(struct out_table *t, const struct kmemlab_report *r);

#endif /* KMEMLAB_OUTPUT_H */
