package dev.mesh.discovery;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.LongAdder;

/**
 * What callers have observed about one instance: requests in flight and how long it has
 * left them unanswered, counts, latency, consecutive failures and ejection. Kept on the
 * {@link MeshInstance}, so it survives discovery refreshes while the instance's
 * registration is unchanged. Updated with atomics only.
 */
public final class InstanceState {

	/**
	 * Updates {@link #inFlight}, a plain field rather than an {@link AtomicInteger}, so
	 * the pickers read it with one load less on every comparison.
	 */
	private static final AtomicIntegerFieldUpdater<InstanceState> IN_FLIGHT = AtomicIntegerFieldUpdater
		.newUpdater(InstanceState.class, "inFlight");

	private volatile int inFlight;

	final LongAdder requests = new LongAdder();

	final LongAdder failures = new LongAdder();

	final AtomicInteger consecutiveFailures = new AtomicInteger();

	final AtomicInteger ejections = new AtomicInteger();

	volatile long ejectedUntilNanos;

	volatile boolean ejectedOnce;

	private static final AtomicLongFieldUpdater<InstanceState> GOING_AWAY_UNTIL = AtomicLongFieldUpdater
		.newUpdater(InstanceState.class, "goingAwayUntilNanos");

	/**
	 * Until when callers keep away from the instance because an answer said it is going
	 * away (header {@code Mesh-Going-Away}), or 0; see {@link #goingAway(long)}.
	 */
	private volatile long goingAwayUntilNanos;

	/**
	 * Until when callers keep away from the instance because it answered that it is
	 * overloaded (429, or 503 with {@code Retry-After}), or 0; see
	 * {@link #overloaded(long)}.
	 */
	private volatile long overloadedUntilNanos;

	private static final AtomicLongFieldUpdater<InstanceState> OVERLOADED_UNTIL = AtomicLongFieldUpdater
		.newUpdater(InstanceState.class, "overloadedUntilNanos");

	/**
	 * Time constant of the peak-EWMA latency estimate: an estimate with no new samples
	 * decays to 1/e of its value in this time, and a faster sample moves it by
	 * {@code 1 - exp(-elapsed / decay)}.
	 */
	public static final long PEAK_EWMA_DECAY_NANOS = 10_000_000_000L;

	/**
	 * Peak-EWMA latency estimate as of {@link #peakEwmaStampNanos}, or -1 before the
	 * first sample.
	 */
	private volatile double peakEwmaNanos = -1;

	private volatile long peakEwmaStampNanos;

	/**
	 * While attempts are in flight, the instance has ended none of them since this time:
	 * the later of when it last went from idle to busy and when an attempt on it last
	 * ended or was given up. See {@link #unansweredSinceNanos()}.
	 */
	private volatile long unansweredSinceNanos;

	InstanceState() {
	}

	/**
	 * Marks an attempt as started.
	 * @param nowNanos the time it starts, on a monotonic clock (the same for every call
	 * on this state)
	 */
	public void attemptStarted(long nowNanos) {
		if (this.inFlight == 0) {
			// stamped before the count rises, so no picker sees an attempt in flight with
			// an old stamp
			this.unansweredSinceNanos = nowNanos;
		}
		IN_FLIGHT.incrementAndGet(this);
		this.requests.increment();
	}

	/**
	 * Ends an attempt {@linkplain #attemptStarted(long) started} on this instance: the
	 * only way its in-flight count goes down, so whoever started an attempt ends it,
	 * exactly once, whatever happened. A success resets the failures in a row and a
	 * failure adds one; an abort (the caller gave up, or the attempt says nothing about
	 * the instance) counts as neither and leaves the latency estimate alone. An overload
	 * answer counts as neither too, but its time may raise the latency estimate, as a
	 * failure's does (a fast "too busy" never makes an instance look fast).
	 * @param result how the attempt ended
	 * @param latencyNanos how long it took, or a negative value when that is not known
	 * (then no latency is sampled)
	 * @param nowNanos the time it ended, on the clock passed to {@link #attemptStarted}
	 * @return failures in a row now: 0 after a success, unchanged after an abort or an
	 * overload answer
	 */
	public int attemptEnded(AttemptResult result, long latencyNanos, long nowNanos) {
		if (result == AttemptResult.ABORTED || latencyNanos < 0) {
			this.unansweredSinceNanos = nowNanos;
		}
		else if (result == AttemptResult.SUCCEEDED) {
			sampleLatency(latencyNanos, nowNanos);
		}
		else if (result == AttemptResult.OVERLOADED) {
			sampleOverloadedLatency(latencyNanos, nowNanos);
		}
		else {
			sampleFailedLatency(latencyNanos, nowNanos);
		}
		IN_FLIGHT.decrementAndGet(this);
		switch (result) {
			case SUCCEEDED:
				if (this.consecutiveFailures.get() != 0) {
					this.consecutiveFailures.set(0);
				}
				return 0;
			case FAILED:
				this.failures.increment();
				return this.consecutiveFailures.incrementAndGet();
			default:
				return this.consecutiveFailures.get();
		}
	}

	/**
	 * While {@link #inFlight()} is above 0, a time since which none of the instance's
	 * attempts has ended, so at least one attempt in flight now started at or before it:
	 * {@code now} minus it is a lower bound of a latency not yet sampled. That is how
	 * {@code peak-ewma} notices an instance that has stopped answering before its first
	 * attempt times out. Meaningless while nothing is in flight. Updated without locks: a
	 * race between one attempt ending and another starting can leave it earlier than
	 * exact by as long as the race lasted.
	 * @return the time, on the clock passed to {@link #attemptStarted}
	 */
	public long unansweredSinceNanos() {
		return this.unansweredSinceNanos;
	}

	/**
	 * Records the latency of a successful attempt into the peak-EWMA estimate (Finagle's
	 * and Linkerd's): a sample above the estimate replaces it at once; a lower one pulls
	 * it down by {@code 1 - exp(-elapsed / }{@value #PEAK_EWMA_DECAY_NANOS} {@code ns)},
	 * where elapsed is the time since the previous sample, so the estimate falls with
	 * time, not with the number of samples. Racy updates from many threads lose at most a
	 * sample.
	 * @param nanos the attempt's latency
	 * @param nowNanos the time the attempt ended, from the same monotonic clock as
	 * {@link #peakEwmaNanos(long)}
	 */
	private void sampleLatency(long nanos, long nowNanos) {
		this.unansweredSinceNanos = nowNanos;
		double estimate = this.peakEwmaNanos;
		if (estimate < 0 || nanos > estimate) {
			this.peakEwmaNanos = nanos;
		}
		else {
			double kept = decay(nowNanos - this.peakEwmaStampNanos);
			this.peakEwmaNanos = estimate * kept + nanos * (1.0 - kept);
		}
		this.peakEwmaStampNanos = nowNanos;
	}

	/**
	 * Records the time a failed attempt took (a timeout, reset, refused connection or 5xx
	 * answer). It can raise the estimates, as a slow success would, but never lower them:
	 * otherwise an instance that fails fast (refusing connections, or answering 503 at
	 * once) would look like the fastest one and attract more calls from the latency-aware
	 * picker. A timed-out attempt therefore counts at least its timeout, which is what
	 * steers {@code peak-ewma} away from an instance that hangs.
	 * @param nanos the attempt's duration until it failed
	 * @param nowNanos the time the attempt ended, on the clock passed to
	 * {@link #attemptStarted}
	 */
	private void sampleFailedLatency(long nanos, long nowNanos) {
		double estimate = this.peakEwmaNanos;
		if (estimate < 0 || nanos > estimate) {
			sampleLatency(nanos, nowNanos);
		}
		else {
			this.unansweredSinceNanos = nowNanos;
		}
	}

	/**
	 * Records the time of an overload answer: the estimate becomes the larger of that
	 * time and the estimate decayed to now, stamped now, so such an answer never makes
	 * the instance look faster than it did, neither by a low sample nor by letting its
	 * estimate decay while other instances' estimates are refreshed. An instance not
	 * measured yet stays unmeasured: its first "too busy" is no latency.
	 */
	private void sampleOverloadedLatency(long nanos, long nowNanos) {
		this.unansweredSinceNanos = nowNanos;
		double estimate = this.peakEwmaNanos;
		if (estimate < 0) {
			return;
		}
		this.peakEwmaNanos = Math.max(nanos, estimate * decay(nowNanos - this.peakEwmaStampNanos));
		this.peakEwmaStampNanos = nowNanos;
	}

	/**
	 * Returns the peak-EWMA latency estimate decayed to {@code nowNanos}: with no new
	 * samples it falls towards 0 with time constant {@value #PEAK_EWMA_DECAY_NANOS} ns,
	 * so an instance that was slow long ago gets probed again. Reads only; allocates
	 * nothing.
	 * @param nowNanos now, from the clock passed to {@link #attemptStarted}
	 * @return the estimate in nanoseconds, or -1 before the first sample
	 */
	public double peakEwmaNanos(long nowNanos) {
		double estimate = this.peakEwmaNanos;
		return (estimate < 0) ? -1 : estimate * decay(nowNanos - this.peakEwmaStampNanos);
	}

	/**
	 * @return the peak-EWMA estimate as of its last sample
	 * ({@link #peakEwmaStampNanos()}), not decayed since; -1 before the first sample
	 */
	public double peakEwmaSampledNanos() {
		return this.peakEwmaNanos;
	}

	/**
	 * @return when the peak-EWMA estimate last took a sample, on the clock passed to
	 * {@link #attemptStarted}
	 */
	public long peakEwmaStampNanos() {
		return this.peakEwmaStampNanos;
	}

	private static double decay(long elapsedNanos) {
		return (elapsedNanos <= 0) ? 1.0 : Math.exp(-(double) elapsedNanos / PEAK_EWMA_DECAY_NANOS);
	}

	/**
	 * @return attempts in flight now
	 */
	public int inFlight() {
		return this.inFlight;
	}

	/**
	 * @return attempts made so far
	 */
	public long requests() {
		return this.requests.sum();
	}

	/**
	 * @return failed attempts so far
	 */
	public long failures() {
		return this.failures.sum();
	}

	/**
	 * @return failures in a row since the last success or ejection
	 */
	public int consecutiveFailures() {
		return this.consecutiveFailures.get();
	}

	/**
	 * @return how many times in a row the instance was ejected without a success in
	 * between
	 */
	public int ejections() {
		return this.ejections.get();
	}

	/**
	 * @return the time until which the instance is ejected, on the outlier detector's
	 * clock ({@link MeshClock#nanoTime()}), or 0
	 */
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

	/**
	 * @return whether the instance came back from an ejection and has not succeeded since
	 */
	public boolean onProbation() {
		return this.ejectedOnce;
	}

	/**
	 * Ends probation after a success: the next ejection starts from the base ejection
	 * time again.
	 */
	public void recovered() {
		this.ejectedOnce = false;
		this.ejections.set(0);
		this.ejectedUntilNanos = 0;
	}

	/**
	 * Notes that an answer said the instance is going away: callers pick it no more until
	 * then, except when every instance they may pick is going away; then one call probes
	 * it ({@link #claimGoingAwayProbe}). An instance that registers again is a new
	 * {@link MeshInstance} with a new state, so this ends at once for it.
	 * @param untilNanos the end of the wait, on the clock of {@link #attemptStarted}
	 */
	public void goingAway(long untilNanos) {
		this.goingAwayUntilNanos = (untilNanos != 0) ? untilNanos : 1;
	}

	/**
	 * @return until when callers keep away because the instance is going away (on the
	 * clock of {@link #attemptStarted}; a time past means one call may probe it), or 0
	 * when it has not said so
	 */
	public long goingAwayUntilNanos() {
		return this.goingAwayUntilNanos;
	}

	/**
	 * Claims the one probe a going-away instance gets once its wait is over, by pushing
	 * the wait on: of the calls that race for it, exactly one wins.
	 * @param expectedUntilNanos the end of the wait as read,
	 * {@link #goingAwayUntilNanos()}
	 * @param nextUntilNanos the end of the next wait, should the probe not bring it back
	 * @return whether this call won the probe
	 */
	public boolean claimGoingAwayProbe(long expectedUntilNanos, long nextUntilNanos) {
		return expectedUntilNanos != 0
				&& GOING_AWAY_UNTIL.compareAndSet(this, expectedUntilNanos, (nextUntilNanos != 0) ? nextUntilNanos : 1);
	}

	/**
	 * Re-admits an instance whose probe was answered without {@code Mesh-Going-Away},
	 * unless another answer said since that it is going away: only the wait the probe
	 * claimed is ended.
	 * @param claimedUntilNanos the end of the wait the probe's claim set, as passed to
	 * {@link #claimGoingAwayProbe} as {@code nextUntilNanos}
	 */
	public void stayed(long claimedUntilNanos) {
		GOING_AWAY_UNTIL.compareAndSet(this, (claimedUntilNanos != 0) ? claimedUntilNanos : 1, 0);
	}

	/**
	 * Notes that the instance answered that it is overloaded: callers that avoid
	 * overloaded instances ({@code overload.enabled}) pick it no more until then, unless
	 * no other instance can take a call. A later answer sets a new end, earlier or later.
	 * @param untilNanos the end of the wait, on the clock of {@link #attemptStarted}
	 */
	public void overloaded(long untilNanos) {
		this.overloadedUntilNanos = (untilNanos != 0) ? untilNanos : 1;
	}

	/**
	 * Shortens the wait set by {@link #overloaded(long)} to end by {@code latestNanos} at
	 * the latest, as when {@code max-avoid-time} is lowered; a shorter wait stays.
	 * @param latestNanos the latest end, on the clock of {@link #attemptStarted}
	 */
	public void overloadedAtMost(long latestNanos) {
		long until = this.overloadedUntilNanos;
		if (until != 0 && until - latestNanos > 0) {
			// a racing overload answer may be lost: it set a wait the new limit cuts
			// anyway
			OVERLOADED_UNTIL.compareAndSet(this, until, (latestNanos != 0) ? latestNanos : 1);
		}
	}

	/**
	 * @return until when callers that avoid overloaded instances keep away from this one
	 * (on the clock of {@link #attemptStarted}), or 0 when it never said it is overloaded
	 */
	public long overloadedUntilNanos() {
		return this.overloadedUntilNanos;
	}

	/**
	 * @param nowNanos now, on the clock of {@link #attemptStarted}
	 * @return whether the instance asked to be left alone until after {@code nowNanos}
	 */
	public boolean overloadedAt(long nowNanos) {
		long until = this.overloadedUntilNanos;
		return until != 0 && nowNanos - until < 0;
	}

	/** How an attempt ended, for {@link InstanceState#attemptEnded}. */
	public enum AttemptResult {

		/** An answer that is no failure of the instance. */
		SUCCEEDED,

		/**
		 * A failure of the instance: a connect failure, reset or timeout, a 5xx, or a
		 * rejected fresh token.
		 */
		FAILED,

		/**
		 * Ended by the caller, or by something that says nothing about the instance:
		 * neither success nor failure.
		 */
		ABORTED,

		/**
		 * An answer saying the instance is overloaded (429, or 503 with
		 * {@code Retry-After}) to a client that avoids overloaded instances: neither a
		 * success nor a failure, but its time may raise the latency estimate.
		 */
		OVERLOADED

	}

}
