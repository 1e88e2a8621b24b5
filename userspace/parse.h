/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Value parsers for the command line: numbers, sizes, device names.
 * They return 0, -EINVAL for garbage or -ERANGE for a value that overflows.
 */
#ifndef KMEMLAB_PARSE_H
#define KMEMLAB_PARSE_H

#include <stdint.h>

/* Decimal, or hexadecimal with 0x; no sign, no leading zeros as octal. */
int parse_u64(const char *s, uint64_t *out);
/* parse_u64() with an optional suffix k/K, m/M, g/G (powers of 1024). */
int parse_size(const char *s, uint64_t *out);
/* "N", "kmemlab.N" or "/dev/kmemlabN". */
int parse_device(const char *s, unsigned int *id);

#endif /* KMEMLAB_PARSE_H */
