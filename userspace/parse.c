// SPDX-License-Identifier: GPL-2.0
/*
 * Value parsers for the command line.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

/* Parse the number at the start of @s; *end is where it stopped. */
static int parse_prefix(const char *s, uint64_t *out, const char **end)
{
	int base = 10;
	char *e;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!isxdigit((unsigned char)s[0]) || (base == 10 && !isdigit((unsigned char)s[0])))
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &e, base);
	if (errno == ERANGE)
		return -ERANGE;
	*end = e;
	return 0;
}

int parse_u64(const char *s, uint64_t *out)
{
	const char *end;
	int err = parse_prefix(s, out, &end);

	if (err)
		return err;
	return *end ? -EINVAL : 0;
}

int parse_size(const char *s, uint64_t *out)
{
	static const char suffixes[] = "kmg";
	const char *end, *p;
	unsigned int shift;
	int err = parse_prefix(s, out, &end);

	if (err)
		return err;
	if (*end == '\0')
		return 0;
	p = strchr(suffixes, tolower((unsigned char)*end));
	if (!p || end[1] != '\0')
		return -EINVAL;
	shift = 10 * (unsigned int)(p - suffixes + 1);
	if (*out > (UINT64_MAX >> shift))
		return -ERANGE;
	*out <<= shift;
	return 0;
}

int parse_device(const char *s, unsigned int *id)
{
	static const char *const prefixes[] = { "/dev/kmemlab", "kmemlab.", "" };
	uint64_t v;

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t len = strlen(prefixes[i]);
		int err;

		if (strncmp(s, prefixes[i], len))
			continue;
		err = parse_u64(s + len, &v);
		if (err)
			return err;
		if (v > INT_MAX)
			return -ERANGE;
		*id = (unsigned int)v;
		return 0;
	}
	return -EINVAL;
}
