// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab_refloop: the reference against which kmemlab's bench is checked.
 *
 * A plain loop with none of kmemlab's code in it: at load it allocates and
 * frees @size bytes with @api (kmalloc or vmalloc) in @groups runs of @group
 * pairs, each run between two ktime_get_ns() reads, and keeps the median
 * time per pair in the read-only parameter median_ns. Built with the
 * project's tree (make), never installed; scripts/bench and the suite load
 * it, read the median and unload it.
 */
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

static char *api = "kmalloc";
module_param(api, charp, 0444);
MODULE_PARM_DESC(api, "kmalloc or vmalloc");

static unsigned long size = 64;
module_param(size, ulong, 0444);
MODULE_PARM_DESC(size, "bytes per allocation, 1 to 4 MiB");

static unsigned int group = 64;
module_param(group, uint, 0444);
MODULE_PARM_DESC(group, "pairs between two clock reads, 1 to 4096");

static unsigned int groups = 501;
module_param(groups, uint, 0444);
MODULE_PARM_DESC(groups, "groups timed, 1 to 100000");

static unsigned long median_ns;
module_param(median_ns, ulong, 0444);
MODULE_PARM_DESC(median_ns, "result: the median time of one pair over the groups, in ns");

static int refloop_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static int __init refloop_init(void)
{
	bool vm = !strcmp(api, "vmalloc");
	unsigned int g, i;
	u64 *ns, t0;
	void *p;

	if ((!vm && strcmp(api, "kmalloc")) || !size || size > SZ_4M ||
	    !group || group > 4096 || !groups || groups > 100000)
		return -EINVAL;
	ns = kvmalloc_array(groups, sizeof(*ns), GFP_KERNEL);
	if (!ns)
		return -ENOMEM;
	for (g = 0; g < groups; g++) {
		t0 = ktime_get_ns();
		for (i = 0; i < group; i++) {
			p = vm ? vmalloc(size) : kmalloc(size, GFP_KERNEL);
			OPTIMIZER_HIDE_VAR(p);	/* a pair the compiler keeps */
			if (vm)
				vfree(p);
			else
				kfree(p);
		}
		ns[g] = div_u64(ktime_get_ns() - t0, group);
		cond_resched();
	}
	sort(ns, groups, sizeof(*ns), refloop_cmp, NULL);
	median_ns = ns[groups / 2];
	kvfree(ns);
	return 0;
}

static void __exit refloop_exit(void)
{
}

module_init(refloop_init);
module_exit(refloop_exit);

MODULE_DESCRIPTION("kmemlab's reference loop: allocate+free pairs timed in groups");
MODULE_LICENSE("GPL");
