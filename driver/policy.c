// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab: what a caller may do, how much may be live, and the driver's own
 * fault injection.
 *
 * Privileges. /dev/kmemlabN is root:kmemlab 0660, so group members may
 * allocate. A few requests could hurt the rest of the system rather than
 * just take memory from the quota, and need CAP_SYS_ADMIN:
 *  - __GFP_NOFAIL: the allocator loops until it succeeds, reclaiming and
 *    invoking the OOM killer on the way;
 *  - an allocation that may not sleep (any context but process, or a base
 *    type without reclaim such as GFP_ATOMIC) above one page: it cannot
 *    reclaim or compact, so a block of order 1 or more comes out of the
 *    atomic reserves (GFP_ATOMIC may go below the min watermark) that
 *    interrupt handlers and network receive paths of other drivers rely on;
 *  - GFP_DMA above KMEMLAB_DMA_USER_MAX per allocation: ZONE_DMA is 16 MiB
 *    on x86, shared with every ISA-era driver in the system;
 *  - creating a kmem_cache (a global, named object of the slab allocator);
 *  - seeing raw kernel addresses (checked where reports are copied out).
 * Refusals are -EPERM, after the arguments have been validated and before
 * anything is allocated. capable() is only asked when a request needs it,
 * so an ordinary request leaves no trace in the audit log.
 *
 * Quotas, module-wide over every device: max_bytes bytes, max_allocs
 * allocations, and dma_max_bytes bytes of GFP_DMA memory. A request that
 * would pass any of them is -ENOSPC, with nothing allocated and the
 * counters untouched. They bind root too: they are what keeps a lab from
 * becoming an OOM.
 *
 * Fault injection (the kernel's failslab is often not built): writing N to
 * the fail_nth parameter makes the Nth of the driver's own allocations from
 * then on fail once, as the kernel's /proc/self/task/<tid>/fail-nth does for
 * a task. Reading it gives 0 once the fault has fired, else the number of
 * sites still to pass. fault_sites counts every site passed since load. The
 * sites are the bookkeeping allocations (registry entries, caches,
 * scatterlists, the INFO buffer, probe's state and node), never the
 * allocation a caller asked for: that failing is the allocator's answer.
 * Unlike fail-nth the fault is module-wide, not the writer's: left armed,
 * it fires in whatever passes a site next (a bind's probe, another
 * process's request). Writing 0 disarms it.
 */
#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/moduleparam.h>
#include <linux/spinlock.h>

#include "internal.h"

unsigned long kmemlab_max_bytes = 64UL << 20;
module_param_named(max_bytes, kmemlab_max_bytes, ulong, 0644);
MODULE_PARM_DESC(max_bytes,
		 "most bytes live at once over all devices; -ENOSPC beyond (default 64 MiB)");

unsigned long kmemlab_max_allocs = 65536;
module_param_named(max_allocs, kmemlab_max_allocs, ulong, 0644);
MODULE_PARM_DESC(max_allocs,
		 "most allocations live at once over all devices; -ENOSPC beyond (default 65536)");

unsigned long kmemlab_dma_max_bytes = 1UL << 20;
module_param_named(dma_max_bytes, kmemlab_dma_max_bytes, ulong, 0644);
MODULE_PARM_DESC(dma_max_bytes,
		 "most bytes of GFP_DMA memory live at once; -ENOSPC beyond (default 1 MiB)");

static atomic_t kmemlab_fail_nth = ATOMIC_INIT(0);
static atomic_long_t kmemlab_fault_sites = ATOMIC_LONG_INIT(0);

static int kmemlab_fail_nth_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n;
	int ret;

	ret = kstrtouint(val, 0, &n);
	if (ret)
		return ret;
	if (n > INT_MAX)
		return -EINVAL;
	atomic_set(&kmemlab_fail_nth, n);
	return 0;
}

static int kmemlab_fail_nth_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%d\n", atomic_read(&kmemlab_fail_nth));
}

static const struct kernel_param_ops kmemlab_fail_nth_ops = {
	.set = kmemlab_fail_nth_set,
	.get = kmemlab_fail_nth_get,
};
module_param_cb(fail_nth, &kmemlab_fail_nth_ops, NULL, 0644);
MODULE_PARM_DESC(fail_nth,
		 "make the Nth of the driver's own allocations from now fail once; reads 0 once it has");

static int kmemlab_fault_sites_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%ld\n",
			 atomic_long_read(&kmemlab_fault_sites));
}

static const struct kernel_param_ops kmemlab_fault_sites_ops = {
	.get = kmemlab_fault_sites_get,
};
module_param_cb(fault_sites, &kmemlab_fault_sites_ops, NULL, 0444);
MODULE_PARM_DESC(fault_sites,
		 "fault-injection sites (driver allocations) passed since load");

/**
 * kmemlab_fault() - should the driver's allocation about to be made fail?
 *
 * Call it right before each of the driver's own allocations, and treat true
 * as that allocation having returned NULL (or -ENOMEM).
 *
 * Return: true once, at the fail_nth-th call after fail_nth was written.
 */
bool kmemlab_fault(void)
{
	atomic_long_inc(&kmemlab_fault_sites);
	return atomic_dec_if_positive(&kmemlab_fail_nth) == 0;
}

/**
 * kmemlab_capable() - does the caller hold CAP_SYS_ADMIN?
 *
 * Return: true if so. Asks capable(), so call it only when the answer
 * matters.
 */
bool kmemlab_capable(void)
{
	return capable(CAP_SYS_ADMIN);
}

/**
 * kmemlab_check_priv() - may the caller make an allocation of this kind?
 * @abi_gfp: KMEMLAB_GFP_* bits, already validated.
 * @size: bytes in total.
 * @context: enum kmemlab_context, already validated.
 * @why: the refusal to fill, or NULL.
 *
 * The per-request rules of the privilege model (see the top of this file),
 * as the gfp and context tables carry them and DESCRIBE reports them;
 * kmem_cache creation is checked where the cache is looked up.
 *
 * Return: 0, or -EPERM without CAP_SYS_ADMIN.
 */
int kmemlab_check_priv(u64 abi_gfp, size_t size, u32 context,
		       struct kmemlab_refusal *why)
{
	u64 limit = 0;
	u32 reason = kmemlab_gfp_priv(abi_gfp, size, &limit);

	if (!reason && size > PAGE_SIZE && !kmemlab_context_sleeps(context)) {
		reason = KMEMLAB_REASON_PERM_NO_SLEEP;
		limit = PAGE_SIZE;
	}
	if (reason && !kmemlab_capable())
		return kmemlab_refuse(why, -EPERM, reason, 0, limit);
	return 0;
}

/*
 * What the quotas count, and the live counters per API of the module and of
 * each device: all under kmemlab_quota_lock, changed together, so that a
 * reader never sees an allocation in one and not yet in the other, and
 * without atomics (on 32-bit x86 every atomic64_t operation is a cmpxchg8b
 * loop).
 */
static DEFINE_SPINLOCK(kmemlab_quota_lock);
static s64 kmemlab_quota_bytes;
static s64 kmemlab_quota_allocs;
static s64 kmemlab_quota_dma;

/* Module-wide, including device-managed memory devres has yet to release. */
struct kmemlab_counters kmemlab_live;

/* Count @n allocations of @bytes more (or fewer) live, module and device. */
static void kmemlab_count_live(struct kmemlab_dev *kd, u32 api, s64 bytes,
			       int n)
{
	lockdep_assert_held(&kmemlab_quota_lock);
	kmemlab_live.bytes[api] += bytes;
	kmemlab_live.allocs[api] += n;
	kd->live.bytes[api] += bytes;
	kd->live.allocs[api] += n;
}

/**
 * kmemlab_counters_sum() - live allocations and bytes over every API
 * @c: &kmemlab_live or a device's counters.
 * @sum: the totals.
 */
void kmemlab_counters_sum(const struct kmemlab_counters *c,
			  struct kmemlab_count *sum)
{
	u32 api;

	sum->allocs = 0;
	sum->bytes = 0;
	spin_lock(&kmemlab_quota_lock);
	for (api = 0; api < KMEMLAB_API_COUNT; api++) {
		sum->allocs += c->allocs[api];
		sum->bytes += c->bytes[api];
	}
	spin_unlock(&kmemlab_quota_lock);
}

/**
 * kmemlab_counters_api() - live allocations and bytes of one API
 * @c: &kmemlab_live or a device's counters.
 * @api: enum kmemlab_api.
 * @count: the counts.
 */
void kmemlab_counters_api(const struct kmemlab_counters *c, u32 api,
			  struct kmemlab_count *count)
{
	spin_lock(&kmemlab_quota_lock);
	count->allocs = c->allocs[api];
	count->bytes = c->bytes[api];
	spin_unlock(&kmemlab_quota_lock);
}

/* Would @have + @add pass @max? Only growth is ever refused. */
static bool kmemlab_over(s64 have, s64 add, unsigned long max)
{
	return add > 0 && (u64)(have + add) > max;
}

/**
 * kmemlab_charge() - account for @n allocations of @bytes more, within quota
 * @kd: the device.
 * @api: enum kmemlab_api.
 * @bytes: bytes to add; negative for a shrinking krealloc().
 * @dma: GFP_DMA bytes to add (or remove), counted against dma_max_bytes.
 * @n: allocations to add.
 * @why: the refusal to fill, or NULL.
 *
 * Return: 0, or -ENOSPC with nothing counted if the module would go past
 * max_bytes, max_allocs or dma_max_bytes.
 */
int kmemlab_charge(struct kmemlab_dev *kd, u32 api, s64 bytes, s64 dma, int n,
		   struct kmemlab_refusal *why)
{
	unsigned long max_bytes = READ_ONCE(kmemlab_max_bytes);
	unsigned long max_allocs = READ_ONCE(kmemlab_max_allocs);
	unsigned long max_dma = READ_ONCE(kmemlab_dma_max_bytes);
	u32 reason = 0;
	u64 limit = 0;

	spin_lock(&kmemlab_quota_lock);
	if (kmemlab_over(kmemlab_quota_bytes, bytes, max_bytes)) {
		reason = KMEMLAB_REASON_QUOTA_BYTES;
		limit = max_bytes;
	} else if (kmemlab_over(kmemlab_quota_allocs, n, max_allocs)) {
		reason = KMEMLAB_REASON_QUOTA_ALLOCS;
		limit = max_allocs;
	} else if (kmemlab_over(kmemlab_quota_dma, dma, max_dma)) {
		reason = KMEMLAB_REASON_QUOTA_DMA;
		limit = max_dma;
	}
	if (reason) {
		spin_unlock(&kmemlab_quota_lock);
		return kmemlab_refuse(why, -ENOSPC, reason, 0, limit);
	}
	kmemlab_quota_bytes += bytes;
	kmemlab_quota_allocs += n;
	kmemlab_quota_dma += dma;
	kmemlab_count_live(kd, api, bytes, n);
	spin_unlock(&kmemlab_quota_lock);
	return 0;
}

/**
 * kmemlab_charge_own() - account for @bytes of the driver's own, within quota
 * @bytes: bytes a command holds for its own use while it runs (a bench's
 *	sample arrays and threads), counted against max_bytes like allocations
 *	but in no allocation counter.
 * @why: the refusal to fill, or NULL.
 *
 * Return: 0, or -ENOSPC with nothing counted if the module would go past
 * max_bytes.
 */
int kmemlab_charge_own(s64 bytes, struct kmemlab_refusal *why)
{
	unsigned long max_bytes = READ_ONCE(kmemlab_max_bytes);
	int ret = 0;

	spin_lock(&kmemlab_quota_lock);
	if (kmemlab_over(kmemlab_quota_bytes, bytes, max_bytes))
		ret = kmemlab_refuse(why, -ENOSPC, KMEMLAB_REASON_QUOTA_BENCH,
				     0, max_bytes);
	else
		kmemlab_quota_bytes += bytes;
	spin_unlock(&kmemlab_quota_lock);
	return ret;
}

/**
 * kmemlab_uncharge_own() - undo kmemlab_charge_own(@bytes)
 * @bytes: bytes charged.
 */
void kmemlab_uncharge_own(s64 bytes)
{
	spin_lock(&kmemlab_quota_lock);
	kmemlab_quota_bytes -= bytes;
	spin_unlock(&kmemlab_quota_lock);
}

/**
 * kmemlab_uncharge() - undo kmemlab_charge() with the same arguments
 * @kd: the device.
 * @api: enum kmemlab_api.
 * @bytes: bytes charged.
 * @dma: GFP_DMA bytes charged.
 * @n: allocations charged.
 */
void kmemlab_uncharge(struct kmemlab_dev *kd, u32 api, s64 bytes, s64 dma,
		      int n)
{
	spin_lock(&kmemlab_quota_lock);
	kmemlab_quota_bytes -= bytes;
	kmemlab_quota_allocs -= n;
	kmemlab_quota_dma -= dma;
	kmemlab_count_live(kd, api, -bytes, -n);
	spin_unlock(&kmemlab_quota_lock);
}

/**
 * kmemlab_info_live() - INFO's live counters, all from one instant
 * @kd: the device asked.
 * @info: its @dev_live, @all_live, @api_live and @dma_live_bytes are set.
 *
 * One locked section for all of them, so that the per-API counts add up to
 * the totals and the GFP_DMA bytes belong to the same allocations.
 */
void kmemlab_info_live(const struct kmemlab_dev *kd, struct kmemlab_info *info)
{
	u32 api;

	memset(&info->dev_live, 0, sizeof(info->dev_live));
	memset(&info->all_live, 0, sizeof(info->all_live));
	spin_lock(&kmemlab_quota_lock);
	for (api = 0; api < KMEMLAB_API_COUNT; api++) {
		info->api_live[api].allocs = kmemlab_live.allocs[api];
		info->api_live[api].bytes = kmemlab_live.bytes[api];
		info->all_live.allocs += kmemlab_live.allocs[api];
		info->all_live.bytes += kmemlab_live.bytes[api];
		info->dev_live.allocs += kd->live.allocs[api];
		info->dev_live.bytes += kd->live.bytes[api];
	}
	info->dma_live_bytes = kmemlab_quota_dma;
	spin_unlock(&kmemlab_quota_lock);
}

/* The GFP_DMA bytes an allocation of @size with @abi_gfp is charged. */
s64 kmemlab_dma_bytes(u64 abi_gfp, u64 size)
{
	return abi_gfp & KMEMLAB_GFP_DMA ? size : 0;
}
