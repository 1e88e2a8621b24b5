/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The name tables: every name the CLI accepts or prints (APIs, GFP flags,
 * contexts, zones, backings, ...) is one row here, with its ABI value, a
 * one-line description and the capabilities the CLI needs to explain a
 * refusal. Parsing, help text, listings and error explanations all read these
 * rows, so adding an API or a flag is adding one row.
 */
#ifndef KMEMLAB_NAMES_H
#define KMEMLAB_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One named value. Names match case-insensitively. */
struct name_row {
	const char *name;
	const char *alias;	/* another accepted spelling, or NULL */
	uint64_t value;		/* enum value, or flag bit(s) */
	unsigned int caps;	/* the table's capability bits */
	const char *desc;
};

/* Capability bits of API rows. */
#define API_SLEEPS	(1U << 0)	/* may sleep: process context only */
#define API_COUNT	(1U << 1)	/* takes --count (an array) */
#define API_CACHE	(1U << 2)	/* takes --name, --align, --hwcache-align */
#define API_RESIZE	(1U << 3)	/* its handle can be resized (realloc) */
#define API_DEVM	(1U << 4)	/* device-managed (devres) */
#define API_ZEROES	(1U << 5)	/* always returns zeroed memory */
#define API_PAGE	(1U << 6)	/* a page API: takes an order, highmem ok */
#define API_ONE_PAGE	(1U << 7)	/* at most one page */
#define API_DMA_MASK	(1U << 8)	/* the device's DMA mask picks the zone */

/* Capability bits of GFP rows. */
#define GFPF_BASE	(1U << 0)	/* a base type: at most one */
#define GFPF_ZONE	(1U << 1)	/* a zone modifier: at most one */
#define GFPF_MOD	(1U << 2)	/* an action modifier: combines freely */
#define GFPF_SLEEPS	(1U << 3)	/* may sleep (direct reclaim) */
#define GFPF_PAGES_ONLY	(1U << 4)	/* only for page APIs (highmem) */
#define GFPF_LOW_ORDER	(1U << 5)	/* only up to order 1 */

/* Capability bits of context rows. */
#define CTXF_SLEEPS	(1U << 0)	/* the allocation may sleep here */

/* What the kernel checks a size against before trying (-E2BIG). */
enum api_limit {
	LIMIT_KMALLOC,		/* KMALLOC_MAX_SIZE */
	LIMIT_ORDER,		/* PAGE_SIZE << max_order */
	LIMIT_PAGE,		/* PAGE_SIZE */
	LIMIT_QUOTA,		/* the module's max_bytes */
};

/* An allocator interface: a name row plus what the CLI needs to know. */
struct api_row {
	struct name_row n;	/* first, so that api rows form a name table */
	unsigned int backings;	/* bit (1 << enum kmemlab_backing) it may return */
	uint64_t gfp_ok;	/* the KMEMLAB_GFP_* flags it takes */
	enum api_limit limit;
	const char *free_fn;	/* the kernel function that frees it */
};

/* A table of rows; @stride lets api_row tables share the generic code. */
struct name_table {
	const char *what;	/* "API", "GFP flag", ... for messages */
	const void *rows;
	size_t count;
	size_t stride;
	bool bits;		/* values are flag bits, not enum values */
	const struct name_table *caps;	/* names of the caps bits, or NULL */
	const char *option;	/* the long option that takes these names, or NULL */
};

/* A GFP flag that older articles use but the kernel no longer has. */
struct removed_gfp {
	const char *name;
	const char *removed_in;	/* "4.13" */
	const char *advice;	/* what to use instead */
};

extern const struct name_table api_names;
extern const struct name_table gfp_names;
extern const struct name_table context_names;
extern const struct name_table zone_names;
extern const struct name_table backing_names;
extern const struct name_table seen_names;
extern const struct name_table region_names;
extern const struct name_table dma_mode_names;
extern const struct name_table dma_dir_names;
extern const struct name_table bench_pattern_names;
/* Every table above, NULL-terminated. */
extern const struct name_table *const name_tables[];
extern const struct removed_gfp removed_gfps[];
extern const size_t removed_gfps_count;

const struct name_row *name_at(const struct name_table *t, size_t i);
const struct name_row *name_find(const struct name_table *t, const char *name);
const struct name_row *name_by_value(const struct name_table *t, uint64_t value);
/* The row's name, or "unknown(N)" in @buf. */
const char *name_of(const struct name_table *t, uint64_t value,
		    char *buf, size_t len);
/*
 * Join the names of the rows whose bit is in @mask (for enum tables the bit is
 * 1 << value) with @sep; bits without a row are shown as hex. Returns @buf,
 * "" when nothing matched.
 */
char *names_join(const struct name_table *t, uint64_t mask, const char *sep,
		 char *buf, size_t len);
/* Every name of @t separated by @sep, optionally only rows with @caps. */
char *names_list(const struct name_table *t, unsigned int caps,
		 const char *sep, char *buf, size_t len);
/* The mask of every row that has all of @caps. */
uint64_t names_mask(const struct name_table *t, unsigned int caps);

const struct api_row *api_find(const char *name);
const struct api_row *api_by_value(uint32_t value);

/* Result of gfp_parse(). */
struct gfp_parse {
	uint64_t bits;
	const char *bad;			/* the token that failed */
	size_t bad_len;
	const struct removed_gfp *removed;	/* it names a removed flag */
	const struct name_row *suggest;		/* the flag it probably meant */
};

/*
 * Parse "GFP_KERNEL|__GFP_ZERO" (or ',' as separator; case-insensitive;
 * a name may drop its GFP_ / __GFP_ prefix). Returns 0, -ENOENT for an unknown
 * or removed name, -EINVAL for an empty list or an empty name.
 */
int gfp_parse(const char *spec, struct gfp_parse *res);
/* "GFP_KERNEL|__GFP_ZERO" */
char *gfp_format(uint64_t bits, char *buf, size_t len);

#endif /* KMEMLAB_NAMES_H */
