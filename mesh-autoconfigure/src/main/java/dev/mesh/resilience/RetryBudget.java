package dev.mesh.resilience;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * A client's retry budget over a sliding window of {@value #WINDOW_SECONDS} seconds: retries may be at
 * most {@code ratio} of the calls in the window plus {@code minPerSecond × window} (Finagle's retry
 * budget; with the defaults, retries add at most 20% load plus 10 per second). Once spent, failures are
 * returned at once instead of retried, so a partial outage never becomes a retry storm.
 *
 * <p>Written by hand because resilience4j has no budget shared across calls. The window is a ring of
 * one-second buckets updated with atomics: no lock, no allocation per call.
 */
public final class RetryBudget {

	/** Length of the sliding window. */
	public static final int WINDOW_SECONDS = 10;

	private static final long SECOND = 1_000_000_000L;

	private final double ratio;

	private final int minPerSecond;

	private final LongSupplier nanoClock;

	private final AtomicLongArray epochs = new AtomicLongArray(WINDOW_SECONDS);

	private final AtomicLongArray calls = new AtomicLongArray(WINDOW_SECONDS);

	private final AtomicLongArray retries = new AtomicLongArray(WINDOW_SECONDS);

	private final LongAdder exhausted = new LongAdder();

	private final LongAdder retried = new LongAdder();

	/**
	 * @param budget the policy
	 * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime})
	 */
	public RetryBudget(RetryPolicy.Budget budget, LongSupplier nanoClock) {
		this.ratio = budget.ratio();
		this.minPerSecond = budget.minPerSecond();
		this.nanoClock = nanoClock;
		long now = second();
		for (int i = 0; i < WINDOW_SECONDS; i++) {
			this.epochs.set(i, now - WINDOW_SECONDS);
		}
	}

	/** Records one call (not attempt), which earns {@code ratio} of a retry. */
	public void recordCall() {
		this.calls.incrementAndGet(bucket(second()));
	}

	/**
	 * Takes one retry from the budget.
	 * @return {@code true} if the retry may be made, {@code false} if the budget is spent (counted in
	 * {@link #exhaustedCount()})
	 */
	public boolean tryRetry() {
		long now = second();
		int index = bucket(now);
		if (available(now) < 1) {
			this.exhausted.increment();
			return false;
		}
		this.retries.incrementAndGet(index);
		this.retried.increment();
		return true;
	}

	/** @return retries still allowed in the current window */
	public long available() {
		return available(second());
	}

	private long available(long now) {
		long callsInWindow = 0;
		long retriesInWindow = 0;
		for (int i = 0; i < WINDOW_SECONDS; i++) {
			if (now - this.epochs.get(i) < WINDOW_SECONDS) {
				callsInWindow += this.calls.get(i);
				retriesInWindow += this.retries.get(i);
			}
		}
		double allowed = this.ratio * callsInWindow + (double) this.minPerSecond * WINDOW_SECONDS;
		return Math.max(0, (long) Math.floor(allowed) - retriesInWindow);
	}

	/** @return how many retries were refused because the budget was spent */
	public long exhaustedCount() {
		return this.exhausted.sum();
	}

	/** @return how many retries the budget allowed */
	public long retryCount() {
		return this.retried.sum();
	}

	private long second() {
		return Math.floorDiv(this.nanoClock.getAsLong(), SECOND);
	}

	/** Returns the bucket of this second, clearing it first if it last held an older second. */
	private int bucket(long second) {
		int index = (int) Math.floorMod(second, (long) WINDOW_SECONDS);
		long epoch = this.epochs.get(index);
		if (epoch != second && this.epochs.compareAndSet(index, epoch, second)) {
			this.calls.set(index, 0);
			this.retries.set(index, 0);
		}
		return index;
	}

}
