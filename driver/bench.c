// SPDX-License-Identifier: GPL-2.0
/*
 * kmemlab: time an allocator in the kernel, allocation and free apart.
 *
 * A bench runs @threads kthreads, one bound to each of the first online
 * CPUs (as kernel/dma/map_benchmark.c does). Each warms up with untimed
 * alloc/free pairs, waits at a common start line, then makes @iterations
 * allocations, each timed alone, and frees every object it got, each free
 * timed alone: in pairs (the per-CPU fast path) or in batches (refill and
 * drain, the slow path). The timer's own cost, the median of an empty timed
 * section, is subtracted from every sample.
 *
 * Every sample is kept, in one bounded buffer (bench_max_samples), so the
 * percentiles are exact: the samples are sorted, not estimated.
 *
 * The loop runs in the requested context a chunk at a time: at most
 * KMEMLAB_BENCH_CHUNK_OPS operations or KMEMLAB_BENCH_CHUNK_NS per spinlock
 * section, tasklet or irq_work. Between chunks each thread is back in its
 * own process context, where it yields the CPU and checks the time limit
 * (bench_max_ms) and the stop flag the caller sets when a signal arrives.
 * Objects in flight are charged to the quota for the whole run, and every
 * one of them is freed before the ioctl returns, whatever happened.
 */
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/math.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/timex.h>
#include <linux/topology.h>
#include <linux/uaccess.h>

#include "internal.h"

static unsigned int bench_max_samples = 1U << 20;
module_param(bench_max_samples, uint, 0644);
MODULE_PARM_DESC(bench_max_samples,
		 "most timed allocations in one bench, iterations x threads; -E2BIG beyond (default 1048576)");

static unsigned int bench_max_ms = 10000;
module_param(bench_max_ms, uint, 0644);
MODULE_PARM_DESC(bench_max_ms,
		 "longest a bench runs, warm-up included, in ms; it then stops and reports what it timed (default 10000)");

/* A chunk of the loop, in the requested context: this many ops at most... */
#define KMEMLAB_BENCH_CHUNK_OPS		256
/* ...and no longer than this, checked after each op (outside the timing). */
#define KMEMLAB_BENCH_CHUNK_NS		NSEC_PER_MSEC
/* Empty timed sections whose median is the timer's overhead. */
#define KMEMLAB_BENCH_CALIBRATE		1024

struct kmemlab_bench_run;

/**
 * struct kmemlab_bench_thread - one bench thread, bound to one CPU
 * @run: the bench.
 * @task: the kthread.
 * @op: the allocator call, as the API's back-end takes it.
 * @buf: the object to free, as the API's back-end takes it.
 * @objs: the objects held, up to @batch.
 * @alloc_ns: this thread's slice of the allocation samples.
 * @free_ns: this thread's slice of the free samples.
 * @batch: objects per batch in the current phase.
 * @total: allocations to attempt in the current phase; cut short to @next
 *	when the bench must stop, which leaves only the frees to do.
 * @next: allocations attempted in the current phase.
 * @in_batch: allocations attempted in the current batch.
 * @held: objects in @objs.
 * @timed: the current phase records samples.
 * @finished: the current phase is over and nothing is held.
 * @capped: the time limit cut this thread short.
 * @nalloc: allocation samples recorded (== frees recorded).
 * @nfree: free samples recorded.
 * @attempts: allocations attempted while timed.
 * @failures: allocations that returned NULL while timed.
 * @end: ktime_get_ns() when the timed phase ended.
 * @dispatch: the lowest time per operation of the null allocator's groups
 *	(kmemlab_bench_group()), the clock's cost taken off: an allocation's,
 *	with its free for pairs.
 * @null_groups: the null allocator's groups timed.
 */
struct kmemlab_bench_thread {
	struct kmemlab_bench_run *run;
	struct task_struct *task;
	struct kmemlab_op op;
	struct kmemlab_buf buf;
	void **objs;
	u64 *alloc_ns;
	u64 *free_ns;
	u32 batch;
	u32 total;
	u32 next;
	u32 in_batch;
	u32 held;
	bool timed;
	bool finished;
	bool capped;
	u32 nalloc;
	u32 nfree;
	u32 attempts;
	u64 failures;
	u64 end;
	u64 dispatch;
	u32 null_groups;
};

/**
 * struct kmemlab_bench_run - one bench, shared by its threads
 * @ops: the API.
 * @cache: the private kmem_cache of a %KMEMLAB_API_KMEM_CACHE bench.
 * @context: enum kmemlab_context of the timed calls.
 * @iterations: timed allocations per thread.
 * @warmup: untimed pairs per thread.
 * @batch: objects per batch: 1 for %KMEMLAB_BENCH_PAIR.
 * @group: operations per timed group (%KMEMLAB_BENCH_GROUPED), else 0.
 * @cycles: time with the cycle counter rather than ktime_get_ns().
 * @kd: the device, whose unbind stops the bench.
 * @stop: set by the caller on a signal or an unbind: allocate no more,
 *	free, return.
 * @overhead: the timer's cost, subtracted from each sample.
 * @deadline: ktime_get_ns() past which no allocation starts.
 * @warming: threads still warming up.
 * @warm: completed when @warming drops to 0.
 * @go: the start line, completed by the caller.
 * @running: threads still in their timed phase.
 * @done: completed when @running drops to 0.
 * @nthreads: number of @th.
 * @th: the threads.
 */
struct kmemlab_bench_run {
	struct kmemlab_dev *kd;
	const struct kmemlab_api_ops *ops;
	struct kmemlab_cache cache;
	u32 context;
	u32 iterations;
	u32 warmup;
	u32 batch;
	u32 group;
	bool cycles;
	bool stop;
	u64 overhead;
	u64 deadline;
	atomic_t warming;
	struct completion warm;
	struct completion go;
	atomic_t running;
	struct completion done;
	unsigned int nthreads;
	struct kmemlab_bench_thread th[];
};

static __always_inline u64 kmemlab_bench_now(bool cycles)
{
	return cycles ? kmemlab_cycles() : ktime_get_ns();
}

static __always_inline u64 kmemlab_bench_sample(const struct kmemlab_bench_run *run,
						u64 t0, u64 t1)
{
	u64 d = t1 - t0;

	return d > run->overhead ? d - run->overhead : 0;
}

/*
 * One allocation or one free, whichever the pattern wants next. A batch is
 * @batch attempted allocations, then the frees of all that succeeded.
 * Return: false when the phase is over and nothing is held.
 */
static bool kmemlab_bench_op(struct kmemlab_bench_thread *th)
{
	const struct kmemlab_bench_run *run = th->run;
	bool cycles = run->cycles;
	u64 t0, t1;
	void *p;

	if (th->in_batch == th->batch || th->next == th->total) {
		if (th->held) {
			th->buf.ptr = th->objs[--th->held];
			t0 = kmemlab_bench_now(cycles);
			run->ops->free(&th->buf);
			t1 = kmemlab_bench_now(cycles);
			if (th->timed)
				th->free_ns[th->nfree++] =
					kmemlab_bench_sample(run, t0, t1);
			return true;
		}
		th->in_batch = 0;
		if (th->next == th->total)
			return false;
	}
	t0 = kmemlab_bench_now(cycles);
	p = run->ops->alloc(&th->op);
	t1 = kmemlab_bench_now(cycles);
	th->next++;
	th->in_batch++;
	if (p) {
		th->objs[th->held++] = p;
		if (th->timed)
			th->alloc_ns[th->nalloc++] =
				kmemlab_bench_sample(run, t0, t1);
	} else if (th->timed) {
		th->failures++;
	}
	return true;
}

/*
 * The inside of a group, between the clock reads: @n allocations with @ops,
 * each freed at once (@pairs) or kept in @th->objs. Never inlined, and @ops
 * hidden from the optimiser: a group of the null allocator
 * (kmemlab_bench_group()) runs these very instructions.
 * Return: the allocations that failed.
 */
static noinline u32 kmemlab_bench_allocs(struct kmemlab_bench_thread *th,
					 const struct kmemlab_api_ops *ops,
					 u32 n, bool pairs)
{
	u32 i, failed = 0;
	void *p;

	OPTIMIZER_HIDE_VAR(ops);
	for (i = 0; i < n; i++) {
		p = ops->alloc(&th->op);
		if (!p) {
			failed++;
		} else if (pairs) {
			th->buf.ptr = p;
			ops->free(&th->buf);
		} else {
			th->objs[th->held++] = p;
		}
	}
	return failed;
}

/* The frees of a batch's group, as kmemlab_bench_allocs() for the allocations. */
static noinline void kmemlab_bench_frees(struct kmemlab_bench_thread *th,
					 const struct kmemlab_api_ops *ops)
{
	OPTIMIZER_HIDE_VAR(ops);
	while (th->held) {
		th->buf.ptr = th->objs[--th->held];
		ops->free(&th->buf);
	}
}

/* What the null back-ends call instead of an allocator: nothing, not inlined. */
static noinline void *kmemlab_bench_nothing(void *p)
{
	barrier();
	return p;
}

/*
 * The null back-ends have the shape of apis.c's: an allocation calls the
 * allocator, kept from being a tail call, and a free calls the free with the
 * object. A leaf function would cost less than a real back-end's frame
 * (pointer signing on arm64).
 */
static void *kmemlab_bench_null_alloc(struct kmemlab_op *op)
{
	void *p = kmemlab_bench_nothing(op);

	OPTIMIZER_HIDE_VAR(p);
	return p;
}

static void kmemlab_bench_null_free(struct kmemlab_buf *buf)
{
	kmemlab_bench_nothing(buf->ptr);
}

/* An allocator that does nothing: what a group costs without one. */
static const struct kmemlab_api_ops kmemlab_bench_null_ops = {
	.name = "null",
	.alloc = kmemlab_bench_null_alloc,
	.free = kmemlab_bench_null_free,
};

/* @real's time less @null's, per operation: 0 rather than negative. */
static u64 kmemlab_bench_per_op(u64 real, u64 null, u32 n)
{
	return div_u64(real > null ? real - null : 0, n);
}

/*
 * One group timed as a whole (%KMEMLAB_BENCH_GROUPED): @run->group pairs, or
 * a batch's allocations and then its frees, each between two clock reads.
 * Right before, the same group of the null allocator: the same loop, calls
 * and clock reads, timed the same way a few microseconds earlier, on the
 * same CPU at the same speed. Its time is taken off the group's: what is
 * left is the allocator's, as a plain loop calling it directly measures it
 * (kmemlab_refloop.ko). Failed allocations stay in the group's time.
 * Return: false when the phase is over (nothing is held).
 */
static bool kmemlab_bench_group(struct kmemlab_bench_thread *th)
{
	const struct kmemlab_bench_run *run = th->run;
	bool cycles = run->cycles, pairs = run->batch == 1;
	u32 n = min(run->group, th->total - th->next), held, failed;
	u64 t[5], null_alloc, null_free, own;

	if (!n)
		return false;
	t[0] = kmemlab_bench_now(cycles);
	kmemlab_bench_allocs(th, &kmemlab_bench_null_ops, n, pairs);
	t[1] = kmemlab_bench_now(cycles);
	kmemlab_bench_frees(th, &kmemlab_bench_null_ops);
	t[2] = kmemlab_bench_now(cycles);
	failed = kmemlab_bench_allocs(th, run->ops, n, pairs);
	t[3] = kmemlab_bench_now(cycles);
	held = th->held;
	kmemlab_bench_frees(th, run->ops);
	t[4] = kmemlab_bench_now(cycles);
	th->next += n;
	if (!th->timed)
		return true;
	null_alloc = t[1] - t[0];
	th->failures += failed;
	th->alloc_ns[th->nalloc++] = kmemlab_bench_per_op(t[3] - t[2], null_alloc, n);
	own = kmemlab_bench_per_op(null_alloc, run->overhead, n);
	if (!th->null_groups++ || own < th->dispatch)
		th->dispatch = own;
	if (pairs || !held)
		return true;
	/* The null frees were of all @n, the real ones of those that succeeded. */
	null_free = div_u64((t[2] - t[1]) * held, n);
	th->free_ns[th->nfree++] = kmemlab_bench_per_op(t[4] - t[3], null_free, held);
	return true;
}

/* One chunk, run in the requested context by kmemlab_run_fn(). */
static void kmemlab_bench_chunk(void *data)
{
	struct kmemlab_bench_thread *th = data;
	u64 start = ktime_get_ns();
	unsigned int n;

	/* A group is a chunk of its own: no clock read of the chunk's inside it. */
	if (th->timed && th->run->group) {
		th->finished = !kmemlab_bench_group(th);
		return;
	}

	for (n = 1; n <= KMEMLAB_BENCH_CHUNK_OPS; n++) {
		if (!kmemlab_bench_op(th)) {
			th->finished = true;
			return;
		}
		if (ktime_get_ns() - start > KMEMLAB_BENCH_CHUNK_NS)
			return;
	}
}

static void kmemlab_bench_phase(struct kmemlab_bench_thread *th, u32 total,
				u32 batch, bool timed)
{
	struct kmemlab_bench_run *run = th->run;

	th->total = total;
	th->batch = batch;
	th->timed = timed;
	th->next = 0;
	th->in_batch = 0;
	th->finished = false;
	while (!th->finished) {
		if (th->next < th->total) {
			if (ktime_get_ns() > run->deadline) {
				th->capped = true;
				th->total = th->next;
			} else if (READ_ONCE(run->stop)) {
				th->total = th->next;
			}
		}
		kmemlab_run_fn(run->context, kmemlab_bench_chunk, th);
		cond_resched();
	}
}

static int kmemlab_bench_thread_fn(void *data)
{
	struct kmemlab_bench_thread *th = data;
	struct kmemlab_bench_run *run = th->run;

	kmemlab_bench_phase(th, run->warmup, 1, false);
	if (atomic_dec_and_test(&run->warming))
		complete_all(&run->warm);
	wait_for_completion(&run->go);

	kmemlab_bench_phase(th, run->iterations, run->batch, true);
	th->attempts = th->next;
	th->end = ktime_get_ns();
	if (atomic_dec_and_test(&run->running))
		complete_all(&run->done);

	/* The caller reads the results, then stops the thread. */
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

static int kmemlab_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* The timer's cost: the median of empty timed sections. */
static u64 kmemlab_bench_overhead(bool cycles, u64 *scratch)
{
	unsigned int i;
	u64 t0, t1;

	for (i = 0; i < KMEMLAB_BENCH_CALIBRATE; i++) {
		t0 = kmemlab_bench_now(cycles);
		t1 = kmemlab_bench_now(cycles);
		scratch[i] = t1 - t0;
	}
	sort(scratch, KMEMLAB_BENCH_CALIBRATE, sizeof(u64), kmemlab_cmp_u64,
	     NULL);
	return scratch[KMEMLAB_BENCH_CALIBRATE / 2];
}

static u64 kmemlab_add_sat(u64 a, u64 b)
{
	u64 sum;

	return check_add_overflow(a, b, &sum) ? U64_MAX : sum;
}

/* Nearest rank: the smallest sample with @pct % of them at or below it. */
static u64 kmemlab_rank(const u64 *s, u64 n, unsigned int pct)
{
	u64 r = div64_u64(n * pct + 99, 100);

	return s[r ? r - 1 : 0];
}

/* Mean and deviation of @n samples, then sorted for the order statistics. */
static void kmemlab_bench_stats(u64 *s, u64 n, struct kmemlab_bench_stats *st)
{
	u64 sum = 0, sq = 0, mean, d, i;

	st->count = n;
	if (!n)
		return;
	for (i = 0; i < n; i++)
		sum = kmemlab_add_sat(sum, s[i]);
	mean = div64_u64(sum, n);
	for (i = 0; i < n; i++) {
		d = s[i] > mean ? s[i] - mean : mean - s[i];
		sq = kmemlab_add_sat(sq, d > U32_MAX ? U64_MAX : d * d);
	}
	st->mean = mean;
	st->stddev = int_sqrt64(div64_u64(sq, n));
	sort(s, n, sizeof(u64), kmemlab_cmp_u64, NULL);
	st->min = s[0];
	st->median = kmemlab_rank(s, n, 50);
	st->p90 = kmemlab_rank(s, n, 90);
	st->p99 = kmemlab_rank(s, n, 99);
	st->max = s[n - 1];
}

/* A malformed field of BENCH: -EINVAL naming it. */
static int kmemlab_bench_field(struct kmemlab_bench *req, u32 field)
{
	return kmemlab_refuse(&req->refusal, -EINVAL, KMEMLAB_REASON_FIELD,
			      field, 0);
}

/* The fields of BENCH's own, before anything about the allocation. */
static int kmemlab_bench_fields(struct kmemlab_bench *req)
{
	bool grouped = req->flags & KMEMLAB_BENCH_GROUPED;

	if ((req->flags & ~(KMEMLAB_BENCH_CYCLES | KMEMLAB_BENCH_GROUPED)) ||
	    memchr_inv(req->reserved, 0, sizeof(req->reserved)))
		return kmemlab_bench_field(req, KMEMLAB_FIELD_RESERVED);
	if (!req->iterations)
		return kmemlab_bench_field(req, KMEMLAB_FIELD_ITERATIONS);
	if (!req->threads)
		return kmemlab_bench_field(req, KMEMLAB_FIELD_THREADS);
	switch (req->pattern) {
	case KMEMLAB_BENCH_PAIR:
		if (grouped ? req->batch < 2 || req->batch > KMEMLAB_BENCH_GROUP_MAX :
			      req->batch)
			return kmemlab_bench_field(req, KMEMLAB_FIELD_BATCH);
		break;
	case KMEMLAB_BENCH_BATCH:
		if (req->batch < 2 || req->batch > req->iterations ||
		    (grouped && req->batch > KMEMLAB_BENCH_GROUP_MAX))
			return kmemlab_bench_field(req, KMEMLAB_FIELD_BATCH);
		break;
	default:
		return kmemlab_bench_field(req, KMEMLAB_FIELD_PATTERN);
	}
	if (req->samples_len && !req->alloc_samples && !req->free_samples)
		return kmemlab_bench_field(req, KMEMLAB_FIELD_SAMPLES);
	return 0;
}

/* Validate all of @req, as %KMEMLAB_IOC_ALLOC does, before anything is made. */
static int kmemlab_bench_check(struct kmemlab_bench *req,
			       const struct kmemlab_api_ops **out)
{
	struct kmemlab_refusal *why = &req->refusal;
	const struct kmemlab_api_ops *ops;
	int ret;

	ret = kmemlab_check_call(req->api, req->context, req->size, why, &ops);
	if (ret)
		return ret;
	if (ops->caps & KMEMLAB_API_CAP_NO_BENCH)
		return kmemlab_refuse(why, -EINVAL,
				      KMEMLAB_REASON_NOT_BENCHABLE, ops->api,
				      0);
	ret = kmemlab_bench_fields(req);
	if (ret)
		return ret;
	/* The bench frees in the context it allocates in. */
	if ((ops->caps & KMEMLAB_API_CAP_FREE_SLEEPS) &&
	    !kmemlab_context_sleeps(req->context))
		return kmemlab_refuse(why, -EINVAL, KMEMLAB_REASON_API_SLEEPS,
				      req->context, 0);
	if (req->threads > num_online_cpus())
		return kmemlab_refuse(why, -E2BIG, KMEMLAB_REASON_BENCH_CPUS,
				      0, num_online_cpus());
	if ((u64)req->iterations * req->threads > READ_ONCE(bench_max_samples))
		return kmemlab_refuse(why, -E2BIG,
				      KMEMLAB_REASON_BENCH_SAMPLES, 0,
				      READ_ONCE(bench_max_samples));
	/* The rules of ALLOC; a bench's cache is a new one. */
	ret = kmemlab_check_alloc(ops, req->gfp, req->size, req->context, why);
	if (ret)
		return ret;
	if ((ops->caps & KMEMLAB_API_CAP_CREATE_ADMIN) && !kmemlab_capable())
		return kmemlab_refuse(why, -EPERM, KMEMLAB_REASON_PERM_CACHE,
				      0, 0);
	*out = ops;
	return 0;
}

/* The samples a bench keeps: one alloc and one free time per operation. */
static size_t kmemlab_bench_nsamples(const struct kmemlab_bench *req)
{
	return max_t(size_t, (size_t)req->iterations * req->threads,
		     KMEMLAB_BENCH_CALIBRATE);
}

/*
 * What a bench holds for itself while it runs: its two sample arrays, and
 * per thread a kernel stack and the array of its objects in flight. Charged
 * to max_bytes, so that concurrent benches cannot multiply it past the
 * quota (bench_max_samples bounds one bench, not how many run).
 */
static u64 kmemlab_bench_own(const struct kmemlab_bench *req, u32 batch)
{
	return 2 * sizeof(u64) * (u64)kmemlab_bench_nsamples(req) +
	       (u64)req->threads * (THREAD_SIZE + batch * sizeof(void *));
}

/*
 * Quota for the objects in flight (@batch per thread) and for the bench's
 * own memory, for the whole run.
 */
static int kmemlab_bench_charge(struct kmemlab_dev *kd,
				struct kmemlab_bench *req, u32 batch)
{
	u64 n = (u64)batch * req->threads, bytes;
	int ret;

	if (check_mul_overflow(n, req->size, &bytes) || bytes > S64_MAX ||
	    n > INT_MAX)
		return kmemlab_refuse(&req->refusal, -ENOSPC,
				      KMEMLAB_REASON_QUOTA_BYTES, 0,
				      READ_ONCE(kmemlab_max_bytes));
	ret = kmemlab_charge(kd, req->api, bytes,
			     kmemlab_dma_bytes(req->gfp, bytes), n,
			     &req->refusal);
	if (ret)
		return ret;
	ret = kmemlab_charge_own(kmemlab_bench_own(req, batch), &req->refusal);
	if (ret)
		kmemlab_uncharge(kd, req->api, bytes,
				 kmemlab_dma_bytes(req->gfp, bytes), n);
	return ret;
}

/* The objects' quota goes back once the threads are done... */
static void kmemlab_bench_uncharge(struct kmemlab_dev *kd,
				   const struct kmemlab_bench *req, u32 batch)
{
	u64 n = (u64)batch * req->threads, bytes = n * req->size;

	kmemlab_uncharge(kd, req->api, bytes,
			 kmemlab_dma_bytes(req->gfp, bytes), n);
}

/*
 * ...the bench's own memory once the samples are copied out, which happens
 * with the device left and may outlast it (so this one is not the device's
 * but the module's).
 */
static void kmemlab_bench_uncharge_own(const struct kmemlab_bench *req,
				       u32 batch)
{
	kmemlab_uncharge_own(kmemlab_bench_own(req, batch));
}

static void kmemlab_bench_free(struct kmemlab_bench_run *run)
{
	unsigned int t;

	if (!run)
		return;
	for (t = 0; t < run->nthreads; t++)
		kvfree(run->th[t].objs);
	kmem_cache_destroy(run->cache.cache);
	kfree(run);
}

static int kmemlab_bench_cache(struct kmemlab_dev *kd,
			       struct kmemlab_bench_run *run, u32 size)
{
	static atomic_t seq = ATOMIC_INIT(0);
	char name[KMEMLAB_NAME_LEN];

	/* Never a name a caller's cache can have ("kmemlab<N>_<name>"). */
	snprintf(name, sizeof(name), "kmemlab%d-bench%u", kd->node->id,
		 (unsigned int)atomic_inc_return(&seq));
	/* Unmerged, as buf.c's caches: the bench times a cache of its own. */
	run->cache.cache = kmemlab_own(kmem_cache_create_usercopy(name, size, 0,
								  0, 0, size,
								  NULL));
	return run->cache.cache ? 0 : -ENOMEM;
}

static struct kmemlab_bench_run *kmemlab_bench_alloc(struct kmemlab_dev *kd,
						     const struct kmemlab_bench *req,
						     const struct kmemlab_api_ops *ops,
						     u64 *alloc_ns, u64 *free_ns)
{
	struct kmemlab_bench_run *run;
	unsigned int t;
	int ret;

	run = kmemlab_own(kzalloc(struct_size(run, th, req->threads), GFP_KERNEL));
	if (!run)
		return ERR_PTR(-ENOMEM);
	run->kd = kd;
	run->ops = ops;
	run->nthreads = req->threads;
	if (ops->caps & KMEMLAB_API_CAP_CACHE) {
		ret = kmemlab_bench_cache(kd, run, req->size);
		if (ret) {
			kmemlab_bench_free(run);
			return ERR_PTR(ret);
		}
	}
	run->context = req->context;
	run->iterations = req->iterations;
	run->warmup = req->warmup;
	run->batch = req->pattern == KMEMLAB_BENCH_BATCH ? req->batch : 1;
	if (req->flags & KMEMLAB_BENCH_GROUPED)
		run->group = req->batch;
	run->cycles = req->flags & KMEMLAB_BENCH_CYCLES;
	atomic_set(&run->warming, req->threads);
	atomic_set(&run->running, req->threads);
	init_completion(&run->warm);
	init_completion(&run->go);
	init_completion(&run->done);
	for (t = 0; t < req->threads; t++) {
		struct kmemlab_bench_thread *th = &run->th[t];

		th->run = run;
		th->alloc_ns = alloc_ns + (size_t)t * req->iterations;
		th->free_ns = free_ns + (size_t)t * req->iterations;
		th->objs = kmemlab_own(kvmalloc_array(run->batch, sizeof(void *), GFP_KERNEL));
		if (!th->objs) {
			kmemlab_bench_free(run);
			return ERR_PTR(-ENOMEM);
		}
		th->op.ops = ops;
		th->op.kd = kd;
		th->op.gfp = kmemlab_gfp(req->gfp) | __GFP_NOWARN;
		th->op.size = req->size;
		th->op.count = 1;
		th->op.order = kmemlab_order(req->size);
		th->op.cache = run->cache.cache;
		th->buf.ops = ops;
		th->buf.kd = kd;
		th->buf.order = th->op.order;
		th->buf.cache = &run->cache;
		th->buf.report.size = req->size;
	}
	return run;
}

/* Create and bind every thread first, so that a failure runs none of them. */
static int kmemlab_bench_spawn(struct kmemlab_bench_run *run)
{
	unsigned int t = 0, cpu;
	struct task_struct *task;

	for_each_online_cpu(cpu) {
		if (t == run->nthreads)
			break;
		task = kthread_create_on_node(kmemlab_bench_thread_fn,
					      &run->th[t], cpu_to_node(cpu),
					      "kmemlab-bench/%u", cpu);
		if (IS_ERR(task)) {
			while (t--)
				kthread_stop(run->th[t].task);
			return PTR_ERR(task);
		}
		kthread_bind(task, cpu);
		run->th[t++].task = task;
	}
	if (t < run->nthreads) {	/* a CPU went offline meanwhile */
		while (t--)
			kthread_stop(run->th[t].task);
		return -E2BIG;
	}
	return 0;
}

/* How often the caller looks for an unbind while its threads run. */
#define KMEMLAB_BENCH_POLL_MS	10

/*
 * Wait for @c. A signal (-EINTR) or an unbind of the device (-ENODEV) sets
 * @run->stop instead, which the threads see at their next chunk.
 */
static int kmemlab_bench_wait(struct kmemlab_bench_run *run,
			      struct completion *c)
{
	unsigned long poll = msecs_to_jiffies(KMEMLAB_BENCH_POLL_MS);
	long left;
	int ret;

	for (;;) {
		left = wait_for_completion_interruptible_timeout(c, poll);
		if (left > 0)
			return 0;
		ret = left < 0 ? -EINTR : kmemlab_interrupted(run->kd);
		if (ret) {
			WRITE_ONCE(run->stop, true);
			return ret;
		}
	}
}

/*
 * Warm-up, start line, timed phase. A signal or an unbind stops the threads
 * at their next chunk; they free what they hold and the bench returns
 * -EINTR or -ENODEV.
 */
static int kmemlab_bench_execute(struct kmemlab_bench_run *run, u64 *go)
{
	unsigned int t;
	int ret;

	for (t = 0; t < run->nthreads; t++)
		wake_up_process(run->th[t].task);
	ret = kmemlab_bench_wait(run, &run->warm);
	*go = ktime_get_ns();
	complete_all(&run->go);
	if (!ret)
		ret = kmemlab_bench_wait(run, &run->done);
	wait_for_completion(&run->done);
	for (t = 0; t < run->nthreads; t++)
		kthread_stop(run->th[t].task);
	return ret;
}

/*
 * Gather the threads' slices into one run of samples each, copy them out if
 * asked, and fill in the results.
 */
static int kmemlab_bench_results(struct kmemlab_bench_run *run,
				 struct kmemlab_bench *req, u64 *alloc_ns,
				 u64 *free_ns, u64 go)
{
	u64 n = 0, nfree = 0, attempts = 0, end = go;
	unsigned int t;

	for (t = 0; t < run->nthreads; t++) {
		struct kmemlab_bench_thread *th = &run->th[t];

		memmove(alloc_ns + n, th->alloc_ns, th->nalloc * sizeof(u64));
		memmove(free_ns + nfree, th->free_ns, th->nfree * sizeof(u64));
		n += th->nalloc;
		nfree += th->nfree;
		attempts += th->attempts;
		req->failures += th->failures;
		end = max(end, th->end);
		if (th->capped)
			req->result |= KMEMLAB_BENCH_TIME_CAPPED;
	}
	if (req->alloc_samples || req->free_samples) {
		req->samples_out = min(n, req->samples_len);
		if (req->samples_out < n)
			req->result |= KMEMLAB_BENCH_SAMPLES_CUT;
	}
	kmemlab_bench_stats(alloc_ns, n, &req->alloc);
	kmemlab_bench_stats(free_ns, nfree, &req->free);
	req->overhead = run->overhead;
	if (run->th[0].null_groups)
		req->dispatch = run->th[0].dispatch;
	req->clock_hz = run->cycles ? kmemlab_cycles_hz() : NSEC_PER_SEC;
	req->elapsed_ns = end - go;
	if (req->elapsed_ns)
		req->ops_per_sec = mul_u64_u64_div_u64(attempts, NSEC_PER_SEC,
						       req->elapsed_ns);
	req->cpus = num_online_cpus();
	return 0;
}

/* Copy the samples out: with the device left (kmemlab_copy_to_user()). */
static int kmemlab_bench_samples_out(struct kmemlab_dev *kd,
				     const struct kmemlab_bench *req,
				     const u64 *alloc_ns, const u64 *free_ns)
{
	size_t len = req->samples_out * sizeof(u64);
	int ret = 0;

	if (req->alloc_samples)
		ret = kmemlab_copy_to_user(kd, u64_to_user_ptr(req->alloc_samples),
					   alloc_ns, len);
	if (!ret && req->free_samples)
		ret = kmemlab_copy_to_user(kd, u64_to_user_ptr(req->free_samples),
					   free_ns, len);
	return ret;
}

/*
 * Run the bench charged for @batch objects per thread (kmemlab_bench_charge())
 * and give the charge back: the objects' part once the threads are done, the
 * bench's own part once the samples are out.
 */
static int kmemlab_bench(struct kmemlab_dev *kd, struct kmemlab_bench *req,
			 const struct kmemlab_api_ops *ops, u32 batch)
{
	size_t nsamples = kmemlab_bench_nsamples(req);
	struct kmemlab_bench_run *run = NULL;
	u64 *alloc_ns, *free_ns, go;
	int ret = -ENOMEM;

	alloc_ns = kmemlab_own(kvmalloc_array(nsamples, sizeof(u64), GFP_KERNEL));
	free_ns = kmemlab_own(kvmalloc_array(nsamples, sizeof(u64), GFP_KERNEL));
	if (!alloc_ns || !free_ns)
		goto out;
	run = kmemlab_bench_alloc(kd, req, ops, alloc_ns, free_ns);
	if (IS_ERR(run)) {
		ret = PTR_ERR(run);
		run = NULL;
		goto out;
	}
	run->overhead = kmemlab_bench_overhead(run->cycles, alloc_ns);
	run->deadline = ktime_get_ns() +
			(u64)READ_ONCE(bench_max_ms) * NSEC_PER_MSEC;
	ret = kmemlab_bench_spawn(run);
	if (ret)
		goto out;
	ret = kmemlab_bench_execute(run, &go);
	if (!ret)
		ret = kmemlab_bench_results(run, req, alloc_ns, free_ns, go);
out:
	kmemlab_bench_free(run);
	kmemlab_bench_uncharge(kd, req, batch);
	if (!ret && req->samples_out)
		ret = kmemlab_bench_samples_out(kd, req, alloc_ns, free_ns);
	kmemlab_bench_uncharge_own(req, batch);
	kvfree(free_ns);
	kvfree(alloc_ns);
	return ret;
}

/* Every (out) field starts at zero: nothing of the caller's goes back. */
static void kmemlab_bench_clear_out(struct kmemlab_bench *req)
{
	memset(&req->alloc, 0, sizeof(req->alloc));
	memset(&req->free, 0, sizeof(req->free));
	req->overhead = 0;
	req->elapsed_ns = 0;
	req->ops_per_sec = 0;
	req->failures = 0;
	req->samples_out = 0;
	req->result = 0;
	req->cpus = 0;
	req->clock_hz = 0;
	req->dispatch = 0;
	memset(&req->refusal, 0, sizeof(req->refusal));
}

/**
 * kmemlab_ioc_bench() - %KMEMLAB_IOC_BENCH
 * @kd: the device.
 * @arg: user pointer to struct kmemlab_bench.
 *
 * Return: 0 with the results copied out, or a negative errno; nothing the
 * bench allocated is left behind either way.
 */
int kmemlab_ioc_bench(struct kmemlab_dev *kd, void __user *arg)
{
	const struct kmemlab_api_ops *ops;
	struct kmemlab_bench req;
	u32 batch;
	int ret;

	ret = kmemlab_copy_from_user(kd, &req, arg, sizeof(req));
	if (ret)
		return ret;
	kmemlab_bench_clear_out(&req);
	ret = kmemlab_bench_check(&req, &ops);
	if (ret)
		goto refused;

	batch = req.pattern == KMEMLAB_BENCH_BATCH ? req.batch : 1;
	ret = kmemlab_bench_charge(kd, &req, batch);
	if (ret)
		goto refused;
	ret = kmemlab_bench(kd, &req, ops, batch);
	if (ret == -ENOMEM)
		kmemlab_refuse(&req.refusal, ret, KMEMLAB_REASON_DRIVER_NOMEM,
			       0, 0);
	else if (ret == -E2BIG)	/* a CPU went offline since the check */
		kmemlab_refuse(&req.refusal, ret, KMEMLAB_REASON_BENCH_CPUS,
			       0, num_online_cpus());
	if (ret)
		goto refused;
	return kmemlab_copy_to_user(kd, arg, &req, sizeof(req));

refused:
	/* Gone with the device, or nothing to say (as the UAPI header has it). */
	if (ret == -ENODEV || ret == -EFAULT || ret == -EINTR)
		return ret;
	kmemlab_refusal_out(kd, arg, offsetof(struct kmemlab_bench, refusal),
			    &req.refusal);
	return ret;
}
