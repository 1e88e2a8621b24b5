// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab: run one allocator call in the context the caller asked for, and
 * record the context it really ran in.
 *
 * process: the ioctl caller, as it is.
 * atomic:  the caller with a spinlock held: preemption off.
 * softirq: a tasklet.
 * hardirq: an irq_work, raised on this CPU (a self-IPI on x86).
 * The caller waits for the call to finish in each case; nothing outlives it.
 */
#include <linux/completion.h>
#include <linux/interrupt.h>
#include <linux/irq_work.h>
#include <linux/ktime.h>
#include <linux/preempt.h>
#include <linux/spinlock.h>

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
	return seen;
}

static void kmemlab_exec(struct kmemlab_op *op)
{
	u64 start;

	op->seen = kmemlab_seen();
	start = ktime_get_ns();
	op->ptr = op->ops->alloc(op);
	op->time_ns = ktime_get_ns() - start;
}

struct kmemlab_call {
	struct kmemlab_op *op;
	struct completion done;
	union {
		struct tasklet_struct tasklet;
		struct irq_work work;
	};
};

static void kmemlab_run_process(struct kmemlab_call *call)
{
	kmemlab_exec(call->op);
}

static DEFINE_SPINLOCK(kmemlab_atomic_lock);

static void kmemlab_run_atomic(struct kmemlab_call *call)
{
	spin_lock(&kmemlab_atomic_lock);
	kmemlab_exec(call->op);
	spin_unlock(&kmemlab_atomic_lock);
}

static void kmemlab_tasklet_fn(struct tasklet_struct *t)
{
	struct kmemlab_call *call = from_tasklet(call, t, tasklet);

	kmemlab_exec(call->op);
	complete(&call->done);
}

static void kmemlab_run_softirq(struct kmemlab_call *call)
{
	tasklet_setup(&call->tasklet, kmemlab_tasklet_fn);
	tasklet_schedule(&call->tasklet);
	wait_for_completion(&call->done);
	tasklet_kill(&call->tasklet);
}

static void kmemlab_irq_work_fn(struct irq_work *work)
{
	struct kmemlab_call *call = container_of(work, struct kmemlab_call,
						 work);

	kmemlab_exec(call->op);
	complete(&call->done);
}

static void kmemlab_run_hardirq(struct kmemlab_call *call)
{
	init_irq_work(&call->work, kmemlab_irq_work_fn);
	irq_work_queue(&call->work);
	wait_for_completion(&call->done);
	irq_work_sync(&call->work);
}

static void (* const kmemlab_runners[KMEMLAB_CTX_COUNT])(struct kmemlab_call *) = {
	[KMEMLAB_CTX_PROCESS] = kmemlab_run_process,
	[KMEMLAB_CTX_ATOMIC] = kmemlab_run_atomic,
	[KMEMLAB_CTX_SOFTIRQ] = kmemlab_run_softirq,
	[KMEMLAB_CTX_HARDIRQ] = kmemlab_run_hardirq,
};

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
	struct kmemlab_call call = { .op = op };

	if (!context || context >= KMEMLAB_CTX_COUNT)
		return -EINVAL;
	init_completion(&call.done);
	kmemlab_runners[context](&call);
	return 0;
}

u32 kmemlab_contexts_mask(void)
{
	u32 mask = 0;
	u32 ctx;

	for (ctx = 0; ctx < KMEMLAB_CTX_COUNT; ctx++)
		if (kmemlab_runners[ctx])
			mask |= BIT(ctx);
	return mask;
}
