// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab: run one allocator call in the context the caller asked for, and
 * record the context it really ran in.
 *
 * process: the ioctl caller, as it is.
 * atomic:  the caller with a spinlock held: preemption off.
 * softirq: a work item on the BH workqueue (6.9+), a tasklet before.
 * hardirq: a hard irq_work, raised on this CPU (a self-IPI on x86); hard,
 *          so that it stays in hardirq context on PREEMPT_RT too.
 * The caller waits for the call to finish in each case; nothing outlives it.
 * kmemlab_run_fn() runs any function there: the bench runs its timed loop
 * that way, a bounded chunk at a time.
 */
#include <linux/completion.h>
#include <linux/interrupt.h>
#include <linux/irq_work.h>
#include <linux/ktime.h>
#include <linux/preempt.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "internal.h"

static u32 kmemlab_seen(void)
{
	u32 seen = 0;

	if (preemptible())
		seen |= KMEMLAB_SEEN_PREEMPTIBLE;
	if (in_interrupt())
		seen |= KMEMLAB_SEEN_IN_INTERRUPT;
	if (in_serving_softirq())
		seen |= KMEMLAB_SEEN_IN_SOFTIRQ;
	if (in_hardirq())
		seen |= KMEMLAB_SEEN_IN_HARDIRQ;
	if (irqs_disabled())
		seen |= KMEMLAB_SEEN_IRQS_DISABLED;
	if (!IS_ENABLED(CONFIG_PREEMPT_COUNT))
		seen |= KMEMLAB_SEEN_NO_PREEMPT_COUNT;
	return seen;
}

static void kmemlab_exec(void *data)
{
	struct kmemlab_op *op = data;
	u64 start;

	op->seen = kmemlab_seen();
	start = ktime_get_ns();
	op->ptr = op->old ? op->ops->resize(op) : op->ops->alloc(op);
	op->time_ns = ktime_get_ns() - start;
}

struct kmemlab_call {
	void (*fn)(void *data);
	void *data;
	struct completion done;
	union {
		spinlock_t lock; /* held around an atomic-context call */
#if KMEMLAB_BH_WQ
		struct work_struct bh;
#else
		struct tasklet_struct tasklet;
#endif
		struct irq_work work;
	};
};

static void kmemlab_run_process(struct kmemlab_call *call)
{
	call->fn(call->data);
}

/*
 * A lock of the call's own: two callers on two CPUs (the bench's threads)
 * are each in atomic context without waiting for the other.
 */
static void kmemlab_run_atomic(struct kmemlab_call *call)
{
	spin_lock_init(&call->lock);
	spin_lock(&call->lock);
	call->fn(call->data);
	spin_unlock(&call->lock);
}

#if KMEMLAB_BH_WQ
static void kmemlab_bh_fn(struct work_struct *work)
{
	struct kmemlab_call *call = container_of(work, struct kmemlab_call, bh);

	call->fn(call->data);
	complete(&call->done);
}

static void kmemlab_run_softirq(struct kmemlab_call *call)
{
	INIT_WORK_ONSTACK(&call->bh, kmemlab_bh_fn);
	queue_work(system_bh_wq, &call->bh);
	wait_for_completion(&call->done);
	flush_work(&call->bh);
	destroy_work_on_stack(&call->bh);
}
#else
static void kmemlab_tasklet_fn(struct tasklet_struct *t)
{
	struct kmemlab_call *call = from_tasklet(call, t, tasklet);

	call->fn(call->data);
	complete(&call->done);
}

static void kmemlab_run_softirq(struct kmemlab_call *call)
{
	tasklet_setup(&call->tasklet, kmemlab_tasklet_fn);
	tasklet_schedule(&call->tasklet);
	wait_for_completion(&call->done);
	tasklet_kill(&call->tasklet);
}
#endif

static void kmemlab_irq_work_fn(struct irq_work *work)
{
	struct kmemlab_call *call = container_of(work, struct kmemlab_call,
						 work);

	call->fn(call->data);
	complete(&call->done);
}

static void kmemlab_run_hardirq(struct kmemlab_call *call)
{
	call->work = IRQ_WORK_INIT_HARD(kmemlab_irq_work_fn);
	irq_work_queue(&call->work);
	wait_for_completion(&call->done);
	irq_work_sync(&call->work);
}

/*
 * The contexts: one row each, with the name DESCRIBE reports, whether an
 * allocation may sleep there, and whether it is interrupt context
 * (in_interrupt()). Every "may it sleep here" in the driver reads @sleeps,
 * every "is this an interrupt" @irq.
 */
static const struct {
	const char *name;
	bool sleeps;
	bool irq;
	void (*run)(struct kmemlab_call *call);
} kmemlab_contexts[KMEMLAB_CTX_COUNT] = {
	[KMEMLAB_CTX_PROCESS] = { "process", true, false, kmemlab_run_process },
	[KMEMLAB_CTX_ATOMIC] = { "atomic", false, false, kmemlab_run_atomic },
	[KMEMLAB_CTX_SOFTIRQ] = { "softirq", false, true, kmemlab_run_softirq },
	[KMEMLAB_CTX_HARDIRQ] = { "hardirq", false, true, kmemlab_run_hardirq },
};

/**
 * kmemlab_context_ok() - is @context one the driver can run in?
 * @context: a caller's enum kmemlab_context.
 *
 * Return: true if so.
 */
bool kmemlab_context_ok(u32 context)
{
	return context < KMEMLAB_CTX_COUNT && kmemlab_contexts[context].run;
}

/**
 * kmemlab_context_sleeps() - may an allocation sleep in @context?
 * @context: enum kmemlab_context, already validated.
 *
 * Return: true if so.
 */
bool kmemlab_context_sleeps(u32 context)
{
	return kmemlab_context_ok(context) && kmemlab_contexts[context].sleeps;
}

/**
 * kmemlab_context_irq() - is @context interrupt context?
 * @context: enum kmemlab_context, already validated.
 *
 * Return: true if so.
 */
bool kmemlab_context_irq(u32 context)
{
	return kmemlab_context_ok(context) && kmemlab_contexts[context].irq;
}

/**
 * kmemlab_describe_contexts() - DESCRIBE's records of the contexts
 * @d: room for %KMEMLAB_CTX_COUNT records, or NULL to count them.
 *
 * An allocation that may not sleep takes from the atomic reserves: above a
 * page that needs CAP_SYS_ADMIN (see policy.c).
 *
 * Return: the number of records.
 */
unsigned int kmemlab_describe_contexts(struct kmemlab_desc *d)
{
	unsigned int n = 0;
	u32 ctx;

	for (ctx = 0; ctx < KMEMLAB_CTX_COUNT; ctx++) {
		struct kmemlab_desc *r;

		if (!kmemlab_context_ok(ctx))
			continue;
		if (d) {
			r = &d[n];
			memset(r, 0, sizeof(*r));
			r->kind = KMEMLAB_DESC_CONTEXT;
			r->id = ctx;
			strscpy(r->name, kmemlab_contexts[ctx].name,
				sizeof(r->name));
			r->caps = (kmemlab_contexts[ctx].sleeps ?
				   KMEMLAB_CTX_CAP_SLEEPS : 0) |
				  (kmemlab_contexts[ctx].irq ?
				   KMEMLAB_CTX_CAP_IRQ : 0);
			r->admin_above = kmemlab_contexts[ctx].sleeps ?
					 KMEMLAB_DESC_NO_LIMIT : PAGE_SIZE;
		}
		n++;
	}
	return n;
}

/**
 * kmemlab_run_fn() - call @fn(@data) in @context and wait for it to return
 * @context: enum kmemlab_context.
 * @fn: the function; it must not sleep where the context may not.
 * @data: its argument.
 *
 * Softirq and hardirq calls run on the caller's CPU (queue_work() on the
 * per-CPU BH workqueue, tasklet_schedule() and irq_work_queue() queue
 * locally); a caller bound to a CPU stays on it.
 *
 * Return: 0 when @fn ran, -EINVAL for an unknown context.
 */
int kmemlab_run_fn(u32 context, void (*fn)(void *data), void *data)
{
	struct kmemlab_call call = { .fn = fn, .data = data };

	if (!kmemlab_context_ok(context))
		return -EINVAL;
	init_completion(&call.done);
	kmemlab_contexts[context].run(&call);
	return 0;
}

/**
 * kmemlab_run() - make @op's allocator call in @context
 * @op: the call; its results are filled in.
 * @context: enum kmemlab_context, already validated.
 *
 * Return: 0 when the call ran (@op->ptr may still be NULL), -EINVAL for an
 * unknown context.
 */
int kmemlab_run(struct kmemlab_op *op, u32 context)
{
	return kmemlab_run_fn(context, kmemlab_exec, op);
}

u32 kmemlab_contexts_mask(void)
{
	u32 mask = 0;
	u32 ctx;

	for (ctx = 0; ctx < KMEMLAB_CTX_COUNT; ctx++)
		if (kmemlab_context_ok(ctx))
			mask |= BIT(ctx);
	return mask;
}
