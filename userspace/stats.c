// SPDX-License-Identifier: GPL-2.0
/*
 * Order statistics of time samples.
 */
#include <stdlib.h>

#include "stats.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

void stats_sort(uint64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
}

uint64_t stats_percentile(const uint64_t *v, size_t n, unsigned int pct)
{
	size_t rank = (n * pct + 99) / 100;

	return v[rank ? rank - 1 : 0];
}

uint64_t stats_mean(const uint64_t *v, size_t n)
{
	uint64_t mean = 0, rest = 0;

	for (size_t i = 0; i < n; i++) {
		mean += v[i] / n;
		rest += v[i] % n;
		if (rest >= n) {
			mean++;
			rest -= n;
		}
	}
	return mean;
}
