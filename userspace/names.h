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

#include <linux/kmemlab.h>

/*
 * One named value. Names match case-insensitively. For the API, GFP and
 * context tables the driver is the source of truth: names_load() replaces
 * their rows with the driver's description (DESCRIBE), keeping from these
 * rows only what the kernel cannot know (descriptions, aliases); @drv then
 * points at the driver's record and @caps holds its capability bits
 * (KMEMLAB_API_CAP_*, KMEMLAB_GFP_CAP_*, KMEMLAB_CTX_CAP_*).
 */
struct name_row {
	const char *name;
	const char *alias;	/* another accepted spelling, or NULL */
	uint64_t value;		/* enum value, or flag bit(s) */
	unsigned int caps;	/* the driver's capability bits, once loaded */
	const char *desc;
	const struct kmemlab_desc *drv;	/* the driver's record, or NULL */
};

/* An allocator interface: a name row plus what the CLI says about it. */
struct api_row {
	struct name_row n;	/* first, so that api rows form a name table */
	unsigned int backings;	/* bit (1 << enum kmemlab_backing) it may return */
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

extern struct name_table api_names;
extern struct name_table gfp_names;
extern struct name_table context_names;
extern const struct name_table zone_names;
extern const struct name_table backing_names;
extern const struct name_table seen_names;
extern const struct name_table region_names;
extern const struct name_table dma_mode_names;
extern const struct name_table dma_dir_names;
extern const struct name_table bench_pattern_names;
extern const struct name_table unavailable_names;
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

/*
 * Replace the API, GFP and context tables with the driver's description,
 * read from @fd. Returns 0, or -errno (-ENOTTY: a module without DESCRIBE);
 * the tables stay as they were on failure. Loads once.
 */
int names_load(int fd);
/* The same from /dev/kmemlab@device; false when it could not. */
bool names_load_device(unsigned int device);
/* Whether the tables hold the driver's description. */
bool names_loaded(void);
/* The GFP bits @api takes, as the driver says (0 before names_load()). */
uint64_t api_gfp_ok(const struct api_row *api);
/* The size of the type @api allocates (kmalloc_obj), or 0 for a size in bytes. */
uint64_t api_type_size(const struct api_row *api);
/*
 * The gfp flags a request of @api (NULL: unknown) gets without --gfp:
 * @base (GFP_KERNEL, GFP_ATOMIC) where the API takes it, nothing where the
 * driver says it takes no base type at all (kmalloc_nolock).
 */
uint64_t api_default_gfp(const struct api_row *api, uint64_t base);

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
