// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab_leaktest: a leak on purpose, the positive control of the debug
 * kernel's kmemleak check (tests/boot/kmemleak.bats).
 *
 * At load it allocates @count objects of @size bytes with kmalloc and
 * forgets them: nothing holds their address, so kmemleak must report each
 * one, with this module in its backtrace. Built with the project's tree
 * (make), never installed, loaded by that test alone.
 */
#include <linux/compiler.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sizes.h>
#include <linux/string.h>

static unsigned int count = 3;
module_param(count, uint, 0444);
MODULE_PARM_DESC(count, "objects leaked, 1 to 64");

static unsigned int size = 256;
module_param(size, uint, 0444);
MODULE_PARM_DESC(size, "bytes per object, 1 to 4096");

static int __init leaktest_init(void)
{
	unsigned int i;
	void *p;

	if (!count || count > 64 || !size || size > SZ_4K)
		return -EINVAL;
	for (i = 0; i < count; i++) {
		p = kmalloc(size, GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		memset(p, 0x6b, size);
		/* used as far as the compiler knows, then forgotten */
		OPTIMIZER_HIDE_VAR(p);
	}
	return 0;
}

static void __exit leaktest_exit(void)
{
}

module_init(leaktest_init);
module_exit(leaktest_exit);

MODULE_DESCRIPTION("kmemlab: a deliberate leak, for the kmemleak check's positive control");
MODULE_LICENSE("GPL");
