// SPDX-License-Identifier: GPL-2.0
/*
 * libsmartcols helpers, size and time formatting, and the report columns.
 */
#include <ctype.h>
#include <errno.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libsmartcols.h>

#include "names.h"
#include "output.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define ABSENT		"-"

static bool utf8;

void out_setup(void)
{
	const char *cs = nl_langinfo(CODESET);

	utf8 = cs && !strcasecmp(cs, "UTF-8");
}

/* ---- formatting ---- */

char *fmt_size(uint64_t bytes, bool space, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	unsigned int e = 0, shift;
	uint64_t whole, tenth;

	while (e + 1 < ARRAY_SIZE(units) && bytes >> (10 * (e + 1)))
		e++;
	shift = 10 * e;
	whole = bytes >> shift;
	tenth = shift ? (((bytes & ((1ULL << shift) - 1)) * 10) +
			 (1ULL << (shift - 1))) >> shift : 0;
	if (tenth == 10) {
		whole++;
		tenth = 0;
	}
	if (whole == 1024 && e + 1 < ARRAY_SIZE(units)) {
		whole = 1;
		e++;
	}
	if (tenth)
		snprintf(buf, len, "%llu.%llu%s%s", (unsigned long long)whole,
			 (unsigned long long)tenth, space ? " " : "", units[e]);
	else
		snprintf(buf, len, "%llu%s%s", (unsigned long long)whole,
			 space ? " " : "", units[e]);
	return buf;
}

char *fmt_time(uint64_t ns, bool ascii, char *buf, size_t len)
{
	/* the bounds leave room for rounding: 999999ns is 1.0ms, not 1000.0µs */
	if (ns < 1000)
		snprintf(buf, len, "%lluns", (unsigned long long)ns);
	else if (ns < 999950)
		snprintf(buf, len, "%.1f%s", (double)ns / 1e3, ascii ? "us" : "µs");
	else if (ns < 999950000)
		snprintf(buf, len, "%.1fms", (double)ns / 1e6);
	else
		snprintf(buf, len, "%.2fs", (double)ns / 1e9);
	return buf;
}

/* ---- tables ---- */

static int json_type(enum out_kind kind)
{
	static const int types[] = {
		[OUT_STR] = SCOLS_JSON_STRING,
		[OUT_NUM] = SCOLS_JSON_NUMBER,
		[OUT_SIZE] = SCOLS_JSON_NUMBER,
		[OUT_TIME] = SCOLS_JSON_NUMBER,
		[OUT_BOOL] = SCOLS_JSON_BOOLEAN,
		[OUT_HEX] = SCOLS_JSON_NUMBER,
		[OUT_ONOFF] = SCOLS_JSON_BOOLEAN,
		[OUT_RATIO] = SCOLS_JSON_NUMBER,
	};
	return types[kind];
}

static int new_table(struct out_table *t, const char *name,
		     const struct out_colset *set, const struct out_opts *o)
{
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < OUT_MAX_COLS; i++)
		t->map[i] = -1;
	t->set = set;
	t->opts = o;
	t->tb = scols_new_table();
	if (!t->tb)
		return -ENOMEM;
	scols_table_set_name(t->tb, name);
	scols_table_enable_json(t->tb, o->json);
	scols_table_enable_raw(t->tb, o->raw);
	scols_table_enable_noheadings(t->tb, o->noheadings);
	return 0;
}

/*
 * SCOLS_FL_WRAP columns wrap at the last space that fits the column, not in
 * the middle of a word. A cell's natural width is all of it on one line.
 */
static size_t wrap_chunksize(const struct libscols_column *cl, const char *data,
			     void *unused)
{
	(void)cl;
	(void)unused;
	return strlen(data);
}

/* End the line that fits in @data; the rest, or NULL when all of it fits. */
static char *wrap_nextchunk(const struct libscols_column *cl, char *data,
			    void *unused)
{
	size_t width = scols_column_get_width(cl);
	char *cut;

	(void)unused;
	if (!width || strlen(data) <= width)
		return NULL;
	for (cut = data + width; cut > data && *cut != ' '; cut--)
		;
	if (cut == data)
		return NULL;	/* one word wider than the column: let it be */
	*cut = '\0';
	return cut + 1;
}

static int add_column(struct out_table *t, size_t i)
{
	const struct out_col *c = &t->set->cols[i];
	struct libscols_column *cl;

	if (t->map[i] >= 0)
		return 0;
	cl = scols_table_new_column(t->tb, c->name, c->whint, c->flags);
	if (!cl)
		return -ENOMEM;
	scols_column_set_json_type(cl, json_type(c->kind));
	if (c->flags & SCOLS_FL_WRAP)
		scols_column_set_wrapfunc(cl, wrap_chunksize, wrap_nextchunk, NULL);
	t->map[i] = (int)scols_table_get_ncols(t->tb) - 1;
	return 0;
}

static int find_column(const struct out_colset *set, const char *name, size_t len)
{
	for (size_t i = 0; i < set->count; i++)
		if (strlen(set->cols[i].name) == len &&
		    !strncasecmp(set->cols[i].name, name, len))
			return (int)i;
	return -1;
}

/* Add the columns of the comma-separated @list. */
static int add_columns(struct out_table *t, const char *list,
		       const char **bad, size_t *bad_len)
{
	while (*list) {
		size_t len = strcspn(list, ",");
		int i = find_column(t->set, list, len);

		if (i < 0) {
			*bad = list;
			*bad_len = len;
			return -EINVAL;
		}
		if (add_column(t, (size_t)i))
			return -ENOMEM;
		list += len;
		list += *list == ',';
	}
	return 0;
}

static int add_all_columns(struct out_table *t)
{
	for (size_t i = 0; i < t->set->count; i++)
		if (add_column(t, i))
			return -ENOMEM;
	return 0;
}

static int select_columns(struct out_table *t, const char **bad, size_t *bad_len)
{
	const struct out_opts *o = t->opts;
	const char *list = o->columns;

	if (o->all_columns || (!list && o->json) || (!list && !t->set->defaults))
		return add_all_columns(t);
	if (!list || *list == '+') {
		int err = t->set->defaults ?
			add_columns(t, t->set->defaults, bad, bad_len) :
			add_all_columns(t);

		if (err || !list)
			return err;
		list++;
	}
	return add_columns(t, list, bad, bad_len);
}

int out_table_init(struct out_table *t, const char *name,
		   const struct out_colset *set, const struct out_opts *o,
		   const char **bad, size_t *bad_len)
{
	int err = new_table(t, name, set, o);

	if (!err)
		err = select_columns(t, bad, bad_len);
	return err;
}

int out_fields_init(struct out_table *t, const char *name,
		    const struct out_colset *set, const struct out_opts *o)
{
	int err = new_table(t, name, set, o);

	if (err)
		return err;
	t->fields = true;
	if (o->json)
		return add_all_columns(t);
	if (!scols_table_new_column(t->tb, "FIELD", 0, 0) ||
	    !scols_table_new_column(t->tb, "VALUE", 0, 0))
		return -ENOMEM;
	return 0;
}

void out_row(struct out_table *t)
{
	if (!t->fields || t->opts->json)
		t->line = scols_table_new_line(t->tb, NULL);
}

/* Set cell @col: @human for tables, @json (NULL: null) for JSON. */
static void set_cell(struct out_table *t, size_t col, const char *human,
		     const char *json)
{
	const char *data = t->opts->json || t->opts->csv ? json : human;
	const struct out_col *c;
	struct libscols_line *ln;

	if (col >= t->set->count)
		return;		/* a column this table does not have */
	c = &t->set->cols[col];
	if (!t->fields || t->opts->json) {
		if (t->line && t->map[col] >= 0)
			scols_line_set_data(t->line, (size_t)t->map[col], data);
		return;
	}
	ln = scols_table_new_line(t->tb, NULL);
	if (!ln)
		return;
	if (t->opts->raw) {
		char key[64];
		size_t i;

		for (i = 0; c->name[i] && i + 1 < sizeof(key); i++)
			key[i] = (char)tolower((unsigned char)c->name[i]);
		key[i] = '\0';
		scols_line_set_data(ln, 0, key);
	} else {
		scols_line_set_data(ln, 0, c->help);
	}
	scols_line_set_data(ln, 1, data);
}

void out_str(struct out_table *t, size_t col, const char *s)
{
	if (s && *s)
		set_cell(t, col, s, s);
	else
		out_none(t, col);
}

void out_u64(struct out_table *t, size_t col, uint64_t v)
{
	enum out_kind kind = col < t->set->count ? t->set->cols[col].kind : OUT_NUM;
	char num[32], human[32];

	snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
	if (kind == OUT_SIZE && !t->opts->bytes)
		fmt_size(v, false, human, sizeof(human));
	else if (kind == OUT_TIME && !t->opts->bytes)
		fmt_time(v, t->opts->raw || !utf8, human, sizeof(human));
	else if (kind == OUT_HEX)
		snprintf(human, sizeof(human), "0x%02llx", (unsigned long long)v);
	else
		snprintf(human, sizeof(human), "%s", num);
	set_cell(t, col, human, num);
}

void out_bool(struct out_table *t, size_t col, bool v)
{
	static const char *const words[][2] = { { "no", "yes" }, { "off", "on" } };
	bool onoff = col < t->set->count && t->set->cols[col].kind == OUT_ONOFF;

	set_cell(t, col, words[onoff][v], v ? "1" : "0");
}

void out_hex(struct out_table *t, size_t col, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
	set_cell(t, col, buf, buf);
}

void out_ratio(struct out_table *t, size_t col, double v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%.6g", v);
	set_cell(t, col, buf, buf);
}

void out_none(struct out_table *t, size_t col)
{
	set_cell(t, col, ABSENT, NULL);
}

/* The JSON members of one table: its text without the outer braces. */
static int json_members(struct libscols_table *tb, char **out)
{
	char *s = NULL, *start, *end;

	if (scols_print_table_to_string(tb, &s) || !s)
		return -ENOMEM;
	start = strchr(s, '{');
	end = strrchr(s, '}');
	if (!start || !end || end < start) {
		free(s);
		return -EINVAL;
	}
	*end = '\0';
	start++;
	start += strspn(start, " \n");
	while (end > start && isspace((unsigned char)end[-1]))
		*--end = '\0';
	memmove(s, start, strlen(start) + 1);
	*out = s;
	return 0;
}

/* One JSON object with the members of every table. */
static int print_json(struct out_table *tables, size_t n)
{
	fputs("{\n", stdout);
	for (size_t i = 0; i < n; i++) {
		char *m = NULL;
		int err = json_members(tables[i].tb, &m);

		if (err)
			return err;
		printf("   %s%s\n", m, i + 1 < n ? "," : "");
		free(m);
	}
	fputs("}\n", stdout);
	return 0;
}

/* One CSV field, quoted when it must be (RFC 4180, section 2). */
static void csv_field(const char *s, bool first)
{
	if (!first)
		fputc(',', stdout);
	if (!s)
		return;
	if (!s[strcspn(s, ",\"\r\n")]) {
		fputs(s, stdout);
		return;
	}
	fputc('"', stdout);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', stdout);
		fputc(*s, stdout);
	}
	fputc('"', stdout);
}

/* The table as CSV: a header line (unless -n), then one line per row. */
static int print_csv(struct out_table *t)
{
	size_t ncols = scols_table_get_ncols(t->tb);
	struct libscols_iter *it;
	struct libscols_line *ln;

	if (!t->opts->noheadings) {
		for (size_t i = 0; i < ncols; i++) {
			struct libscols_column *cl = scols_table_get_column(t->tb, i);

			csv_field(scols_cell_get_data(scols_column_get_header(cl)), !i);
		}
		fputc('\n', stdout);
	}
	it = scols_new_iter(SCOLS_ITER_FORWARD);
	if (!it)
		return -ENOMEM;
	while (!scols_table_next_line(t->tb, it, &ln)) {
		for (size_t i = 0; i < ncols; i++)
			csv_field(scols_cell_get_data(scols_line_get_cell(ln, i)), !i);
		fputc('\n', stdout);
	}
	scols_free_iter(it);
	return 0;
}

static int print_human(struct out_table *tables, size_t n)
{
	bool first = true;

	for (size_t i = 0; i < n; i++) {
		if (tables[i].hide_empty && scols_table_is_empty(tables[i].tb))
			continue;
		if (!first)
			fputc('\n', stdout);
		if (scols_print_table(tables[i].tb))
			return -EIO;
		first = false;
	}
	return 0;
}

int out_print(struct out_table *tables, size_t n)
{
	int err;

	if (tables[0].opts->csv)
		err = print_csv(&tables[0]);
	else if (n == 1 && !tables[0].hide_empty)
		err = scols_print_table(tables[0].tb) ? -EIO : 0;
	else if (tables[0].opts->json)
		err = print_json(tables, n);
	else
		err = print_human(tables, n);
	out_free(tables, n);
	if (!err && fflush(stdout))
		err = -errno;
	return err;
}

void out_free(struct out_table *tables, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		scols_unref_table(tables[i].tb);
		tables[i].tb = NULL;
	}
}

void out_columns_help(const struct out_colset *set, const char *title)
{
	int width = 11;

	for (size_t i = 0; i < set->count; i++)
		if ((int)strlen(set->cols[i].name) > width)
			width = (int)strlen(set->cols[i].name);
	printf("\n%s:\n", title);
	for (size_t i = 0; i < set->count; i++)
		printf("  %-*s %s\n", width, set->cols[i].name, set->cols[i].help);
	if (set->defaults)
		printf("Default: %s (JSON: all).\n", set->defaults);
}

/* ---- the allocation report ---- */

static const struct out_col report_cols[] = {
	[RC_HANDLE] = { "HANDLE", OUT_NUM, 0, SCOLS_FL_RIGHT, "allocation handle" },
	[RC_API] = { "API", OUT_STR, 0, 0, "allocator interface used" },
	[RC_SIZE] = { "SIZE", OUT_SIZE, 0, SCOLS_FL_RIGHT, "bytes requested" },
	[RC_USABLE] = { "USABLE", OUT_SIZE, 0, SCOLS_FL_RIGHT,
			"bytes usable (ksize, whole pages, vmalloc area)" },
	[RC_BACKING] = { "BACKING", OUT_STR, 0, 0, "slab, pages or vmalloc" },
	[RC_CACHE] = { "CACHE", OUT_STR, 0, 0, "slab cache of the object" },
	[RC_ORDER] = { "ORDER", OUT_NUM, 0, SCOLS_FL_RIGHT, "page order (pages backing)" },
	[RC_PAGES] = { "PAGES", OUT_NUM, 0, SCOLS_FL_RIGHT, "pages the memory touches" },
	[RC_RUNS] = { "RUNS", OUT_NUM, 0, SCOLS_FL_RIGHT,
		      "physically contiguous runs (1 = contiguous)" },
	[RC_ZONE] = { "ZONE", OUT_STR, 0, 0, "zone of the first page" },
	[RC_ZONES] = { "ZONES", OUT_STR, 0, 0, "every zone a page lies in" },
	[RC_ZONE_OK] = { "ZONE-OK", OUT_BOOL, 0, 0, "every page in the zone asked for" },
	[RC_ZEROED] = { "ZEROED", OUT_BOOL, 0, 0, "all bytes were zero on return" },
	[RC_REGION] = { "REGION", OUT_STR, 0, 0, "direct-map or vmalloc address range" },
	[RC_CONTEXT] = { "CONTEXT", OUT_STR, 0, 0, "context asked for" },
	[RC_SEEN] = { "SEEN", OUT_STR, 0, 0, "context observed while allocating" },
	[RC_GFP] = { "GFP", OUT_STR, 0, 0, "GFP flags asked for" },
	[RC_TIME] = { "TIME", OUT_TIME, 0, SCOLS_FL_RIGHT, "time the allocator took (ns)" },
	[RC_ADDR] = { "ADDR", OUT_STR, 0, 0, "kernel virtual address (CAP_SYS_ADMIN)" },
	[RC_PHYS] = { "PHYS", OUT_STR, 0, 0, "physical address (CAP_SYS_ADMIN)" },
	[RC_DEVM] = { "DEVM", OUT_BOOL, 0, 0, "device-managed (freed on unbind)" },
};

const struct out_colset report_columns = {
	report_cols, ARRAY_SIZE(report_cols),
	"HANDLE,API,SIZE,USABLE,BACKING,CACHE,ORDER,PAGES,RUNS,ZONE,ZEROED,CONTEXT,TIME",
};

/* Cell @col from the name of @value in @table. */
static void out_name(struct out_table *t, size_t col,
		     const struct name_table *table, uint64_t value)
{
	char buf[32];

	out_str(t, col, value ? name_of(table, value, buf, sizeof(buf)) : NULL);
}

/* Cell @col from the names of the bits of @mask in @table. */
static void out_names(struct out_table *t, size_t col,
		      const struct name_table *table, uint64_t mask,
		      const char *sep)
{
	char buf[256];

	out_str(t, col, names_join(table, mask, sep, buf, sizeof(buf)));
}

static void out_addr(struct out_table *t, size_t col, const struct kmemlab_report *r,
		     uint64_t addr)
{
	if (r->flags & KMEMLAB_REPORT_ADDRS)
		out_hex(t, col, addr);
	else
		out_none(t, col);
}

void out_report(struct out_table *t, const struct kmemlab_report *r)
{
	char cache[KMEMLAB_NAME_LEN + 1];
	uint64_t regions = r->flags & (KMEMLAB_REPORT_DIRECT_MAP | KMEMLAB_REPORT_VMALLOC_RANGE);

	snprintf(cache, sizeof(cache), "%.*s", KMEMLAB_NAME_LEN, r->cache);
	out_row(t);
	out_u64(t, RC_HANDLE, r->handle);
	out_name(t, RC_API, &api_names, r->api);
	out_u64(t, RC_SIZE, r->size);
	out_u64(t, RC_USABLE, r->usable);
	out_name(t, RC_BACKING, &backing_names, r->backing);
	out_str(t, RC_CACHE, cache);
	if (r->backing == KMEMLAB_BACKING_PAGES)
		out_u64(t, RC_ORDER, r->order);
	else
		out_none(t, RC_ORDER);
	out_u64(t, RC_PAGES, r->nr_pages);
	out_u64(t, RC_RUNS, r->phys_runs);
	out_name(t, RC_ZONE, &zone_names, r->zone);
	out_names(t, RC_ZONES, &zone_names, r->zones, ",");
	out_bool(t, RC_ZONE_OK, r->flags & KMEMLAB_REPORT_ZONE_OK);
	out_bool(t, RC_ZEROED, r->flags & KMEMLAB_REPORT_ZEROED);
	out_names(t, RC_REGION, &region_names, regions, ",");
	out_name(t, RC_CONTEXT, &context_names, r->context);
	out_names(t, RC_SEEN, &seen_names, r->seen, ",");
	out_names(t, RC_GFP, &gfp_names, r->gfp, "|");
	out_u64(t, RC_TIME, r->time_ns);
	out_addr(t, RC_ADDR, r, r->virt);
	out_addr(t, RC_PHYS, r, r->phys);
	out_bool(t, RC_DEVM, r->flags & KMEMLAB_REPORT_DEVM);
	/* The lean path did not look: absent, not zero or no. */
	if (r->flags & KMEMLAB_REPORT_LEAN) {
		static const size_t unknown[] = {
			RC_RUNS, RC_ZONE, RC_ZONES, RC_ZONE_OK, RC_ZEROED, RC_PHYS,
		};

		for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
			out_none(t, unknown[i]);
	}
}

void out_hide(struct out_table *t, size_t col)
{
	struct libscols_column *cl;

	if (t->map[col] < 0)
		return;
	cl = scols_table_get_column(t->tb, (size_t)t->map[col]);
	if (cl)
		scols_column_set_flags(cl, scols_column_get_flags(cl) | SCOLS_FL_HIDDEN);
}
