/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Order statistics of time samples, as the driver's BENCH computes them
 * (nearest-rank percentiles of the sorted samples), for what the CLI times
 * itself: system calls, and the facts' speed ratios.
 */
#ifndef KMEMLAB_STATS_H
#define KMEMLAB_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Sort @v[@n] in ascending order. */
void stats_sort(uint64_t *v, size_t n);
/* The @pct-th percentile of the sorted @v[@n], @n > 0 (nearest rank). */
uint64_t stats_percentile(const uint64_t *v, size_t n, unsigned int pct);
/* The mean of @v[@n], @n > 0, rounded down, exact without a wider type. */
uint64_t stats_mean(const uint64_t *v, size_t n);
/*
 * The 95 % confidence interval of the median of the sorted @v[@n], from
 * order statistics (no assumption of normality); false when @n < 6.
 */
bool stats_median_ci(const uint64_t *v, size_t n, uint64_t *lo, uint64_t *hi);

#endif /* KMEMLAB_STATS_H */
