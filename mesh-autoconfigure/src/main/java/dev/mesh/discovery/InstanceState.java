package dev.mesh.discovery;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What callers have observed about one instance: requests in flight, counts, consecutive failures and
 * ejection. Kept on the {@link MeshInstance}, so it survives discovery refreshes while the instance's
 * registration is unchanged. Updated with atomics only.
 */
public final class InstanceState {

	final AtomicInteger inFlight = new AtomicInteger();

	final LongAdder requests = new LongAdder();

	final LongAdder failures = new LongAdder();

	final AtomicInteger consecutiveFailures = new AtomicInteger();

	final AtomicInteger ejections = new AtomicInteger();

	volatile long ejectedUntilNanos;

	volatile boolean ejectedOnce;

	/** Exponentially weighted moving average of attempt latency; racy updates lose at most a sample. */
	private volatile long latencyEwmaNanos = -1;

	InstanceState() {
	}

	/** Marks an attempt as started. */
	public void attemptStarted() {
		this.inFlight.incrementAndGet();
		this.requests.increment();
	}

	/** Undoes {@link #attemptStarted()} for an attempt whose outcome will not be recorded. */
	public void attemptAborted() {
		this.inFlight.decrementAndGet();
	}

	/**
	 * Marks an attempt as finished.
	 * @param failed whether it failed (connect failure, timeout, reset or 5xx)
	 * @return consecutive failures now (0 after a success)
	 */
	public int attemptFinished(boolean failed) {
		this.inFlight.decrementAndGet();
		if (failed) {
			this.failures.increment();
			return this.consecutiveFailures.incrementAndGet();
		}
		if (this.consecutiveFailures.get() != 0) {
			this.consecutiveFailures.set(0);
		}
		return 0;
	}

	/**
	 * Records the latency of a finished attempt into the moving average (weight 1/8 per sample).
	 * @param nanos the attempt's latency
	 */
	public void recordLatency(long nanos) {
		long current = this.latencyEwmaNanos;
		this.latencyEwmaNanos = (current < 0) ? nanos : current + ((nanos - current) >> 3);
	}

	/** @return the latency moving average in nanoseconds, or -1 before the first attempt */
	public long latencyEwmaNanos() {
		return this.latencyEwmaNanos;
	}

	/** @return attempts in flight now */
	public int inFlight() {
		return this.inFlight.get();
	}

	/** @return attempts made so far */
	public long requests() {
		return this.requests.sum();
	}

	/** @return failed attempts so far */
	public long failures() {
		return this.failures.sum();
	}

	/** @return failures in a row since the last success or ejection */
	public int consecutiveFailures() {
		return this.consecutiveFailures.get();
	}

	/** @return how many times in a row the instance was ejected without a success in between */
	public int ejections() {
		return this.ejections.get();
	}

	/** @return the {@link System#nanoTime()} until which the instance is ejected, or 0 */
	public long ejectedUntilNanos() {
		return this.ejectedUntilNanos;
	}

	/**
	 * Ejects the instance.
	 * @param untilNanos end of the ejection
	 */
	public void eject(long untilNanos) {
		this.ejections.incrementAndGet();
		this.consecutiveFailures.set(0);
		this.ejectedOnce = true;
		this.ejectedUntilNanos = untilNanos;
	}

	/** @return whether the instance came back from an ejection and has not succeeded since */
	public boolean onProbation() {
		return this.ejectedOnce;
	}

	/** Ends probation after a success: the next ejection starts from the base ejection time again. */
	public void recovered() {
		this.ejectedOnce = false;
		this.ejections.set(0);
		this.ejectedUntilNanos = 0;
	}

}
