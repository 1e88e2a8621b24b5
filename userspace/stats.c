// SPDX-License-Identifier: GPL-2.0
/*
 * Order statistics of time samples.
 */
#include <math.h>
#include <stdbool.h>
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

/*
 * The number of samples below the median is binomial(n, 1/2); its normal
 * approximation puts the 95 % bounds z * sqrt(n) / 2 ranks either side of
 * the middle (z = 1.96). Distribution-free: nothing assumed of the times.
 */
bool stats_median_ci(const uint64_t *v, size_t n, uint64_t *lo, uint64_t *hi)
{
	double half = 1.96 * sqrt((double)n) / 2;
	double l = floor((double)n / 2 - half), u = ceil((double)n / 2 + half);

	if (n < 6)
		return false;	/* too few for 95 %: the extremes are not enough */
	*lo = v[l < 0 ? 0 : (size_t)l];
	*hi = v[u >= (double)n ? n - 1 : (size_t)u];
	return true;
}
