package dev.mesh.resilience;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * A client's retry budget over a sliding window of {@value #WINDOW_SECONDS} seconds:
 * retries may be at most {@code ratio} of the calls in the window plus
 * {@code minPerSecond × window} (Finagle's retry budget; with the defaults, retries add
 * at most 20% load plus 10 per second). Once spent, failures are returned at once instead
 * of retried, so a partial outage never becomes a retry storm.
 *
 * <p>
 * Written by hand because resilience4j has no budget shared across calls. No lock on any
 * path:
 * <ul>
 * <li>calls, counted on every call, go to a ring of one-second buckets, each one
 * {@code long} holding the bucket's second and its count, so starting a new second and
 * counting in it are one compare-and-set and a rollover never loses a count that raced
 * with it;</li>
 * <li>retries, taken only after a failure, are an immutable per-second window replaced by
 * compare-and-set, so taking a token is one atomic step: of many threads that see one
 * token left, exactly one gets it, also across a second boundary. A granted retry
 * allocates that small window; retries are rare and each one makes a new HTTP request
 * anyway.</li>
 * </ul>
 */
public final class RetryBudget {

	/** Length of the sliding window. */
	public static final int WINDOW_SECONDS = 10;

	private static final long SECOND = 1_000_000_000L;

	/** Bits of a call bucket that hold its count; the bits above hold its second. */
	private static final int COUNT_BITS = 24;

	/**
	 * Largest count of calls a bucket holds (16.7 million in one second); more are not
	 * counted.
	 */
	private static final long MAX_COUNT = (1L << COUNT_BITS) - 1;

	/** The policy, replaced whole when it changes at run time. */
	private volatile RetryPolicy.Budget budget;

	private final LongSupplier nanoClock;

	/**
	 * Seconds are kept relative to this one, so that they fit above the count in a
	 * bucket.
	 */
	private final long baseSecond;

	/**
	 * One per second of the window: {@code (second - baseSecond) << COUNT_BITS | calls}.
	 */
	private final AtomicLongArray calls = new AtomicLongArray(WINDOW_SECONDS);

	private final AtomicReference<RetryWindow> retries;

	private final LongAdder exhausted = new LongAdder();

	private final LongAdder retried = new LongAdder();

	/**
	 * @param budget the policy
	 * @param nanoClock a monotonic clock in nanoseconds (the application's
	 * {@code MeshClock::nanoTime})
	 */
	public RetryBudget(RetryPolicy.Budget budget, LongSupplier nanoClock) {
		this.budget = budget;
		this.nanoClock = nanoClock;
		this.baseSecond = Math.floorDiv(nanoClock.getAsLong(), SECOND);
		this.retries = new AtomicReference<>(new RetryWindow(0, new long[WINDOW_SECONDS]));
	}

	/**
	 * Applies a changed policy from now on; the calls and retries counted in the window
	 * are kept.
	 * @param budget the new policy
	 */
	public void update(RetryPolicy.Budget budget) {
		this.budget = budget;
	}

	/** Records one call (not attempt), which earns {@code ratio} of a retry. */
	public void recordCall() {
		long now = second();
		int index = (int) Math.floorMod(now, (long) WINDOW_SECONDS);
		for (;;) {
			long bucket = this.calls.get(index);
			long bucketSecond = bucket >>> COUNT_BITS;
			long next;
			if (bucketSecond == now) {
				next = ((bucket & MAX_COUNT) == MAX_COUNT) ? bucket : bucket + 1;
			}
			else if (bucketSecond < now) {
				// this call starts the bucket's new second: the reset and the count are
				// one step
				next = (now << COUNT_BITS) | 1;
			}
			else {
				// the bucket already holds a second 10 s later than this thread's clock
				// reading: this
				// call is outside every window still to be asked about
				return;
			}
			if (next == bucket || this.calls.compareAndSet(index, bucket, next)) {
				return;
			}
		}
	}

	/**
	 * Takes one retry from the budget.
	 * @return {@code true} if the retry may be made, {@code false} if the budget is spent
	 * (counted in {@link #exhaustedCount()})
	 */
	public boolean tryRetry() {
		for (;;) {
			RetryWindow window = this.retries.get();
			// a thread that read the clock just before another moved the window on counts
			// in the newer second
			long now = Math.max(second(), window.second);
			if (allowed(now) - window.retriesAt(now) < 1) {
				this.exhausted.increment();
				return false;
			}
			if (this.retries.compareAndSet(window, window.plusOne(now))) {
				this.retried.increment();
				return true;
			}
		}
	}

	/**
	 * @return retries still allowed in the current window
	 */
	public long available() {
		RetryWindow window = this.retries.get();
		long now = Math.max(second(), window.second);
		return Math.max(0, allowed(now) - window.retriesAt(now));
	}

	/**
	 * @return how many retries were refused because the budget was spent
	 */
	public long exhaustedCount() {
		return this.exhausted.sum();
	}

	/**
	 * @return how many retries the budget allowed
	 */
	public long retryCount() {
		return this.retried.sum();
	}

	/**
	 * @return retries the calls of the window ending at {@code now} allow, spent or not
	 */
	private long allowed(long now) {
		long callsInWindow = 0;
		for (int i = 0; i < WINDOW_SECONDS; i++) {
			long bucket = this.calls.get(i);
			if (now - (bucket >>> COUNT_BITS) < WINDOW_SECONDS) {
				callsInWindow += bucket & MAX_COUNT;
			}
		}
		RetryPolicy.Budget budget = this.budget;
		return (long) Math.floor(budget.ratio() * callsInWindow + (double) budget.minPerSecond() * WINDOW_SECONDS);
	}

	/**
	 * @return the current second, counted from the budget's first one
	 */
	private long second() {
		return Math.max(0, Math.floorDiv(this.nanoClock.getAsLong(), SECOND) - this.baseSecond);
	}

	/**
	 * The retries granted in each second of a window, immutable.
	 *
	 * @param second the newest second
	 * @param counts retries granted in {@code second - k} at index {@code k}
	 */
	private record RetryWindow(long second, long[] counts) {

		/**
		 * @return retries granted in the window ending at {@code now}
		 * ({@code now >= second})
		 */
		long retriesAt(long now) {
			long total = 0;
			for (int k = 0; k < WINDOW_SECONDS - (now - this.second); k++) {
				total += this.counts[k];
			}
			return total;
		}

		/**
		 * @return this window moved on to {@code now} ({@code now >= second}) with one
		 * more retry in it
		 */
		RetryWindow plusOne(long now) {
			long[] moved = new long[WINDOW_SECONDS];
			long shift = now - this.second;
			for (int k = 0; k + shift < WINDOW_SECONDS; k++) {
				moved[(int) (k + shift)] = this.counts[k];
			}
			moved[0]++;
			return new RetryWindow(now, moved);
		}

	}

}
