package dev.mesh.shutdown;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Drains this instance before it stops, in one call to {@link #drain(Runnable)}: it
 * starts leaving the registry (if there is one), switches the instance to going away
 * (from then on {@link #goingAway()} is true and every answer carries
 * {@value GoingAway#HEADER}), and waits the drain time so callers notice, from the
 * registry or from the header, before the web server stops taking requests and finishes
 * those in flight.
 *
 * <p>
 * The drain never takes longer than the drain time: leaving the registry runs on its own
 * thread while the drain waits, so a registry that hangs or throws is logged and left
 * behind, and an interrupt ends the wait at once (the interrupt stays set). Only the
 * first call drains; later ones, and every call with a drain time of 0, return at once,
 * and so does a drain of an application that serves no requests (no web server started
 * its {@link GoingAwayFilter}, as in tests on a mock servlet environment): nobody calls
 * it, so there is nothing to wait for.
 */
public final class DrainCoordinator {

	private static final Log logger = LogFactory.getLog(DrainCoordinator.class);

	private final Duration drainTime;

	private final LongSupplier nanoClock;

	private final DrainWait wait;

	private final AtomicBoolean started = new AtomicBoolean();

	private volatile boolean goingAway;

	private volatile boolean serving;

	private volatile long endsAtNanos;

	/**
	 * @param drainTime how long to wait, 0 for no drain
	 * @param nanoClock a monotonic clock in nanoseconds, for the seconds left
	 * @param wait how to wait ({@link DrainWait#SLEEP})
	 */
	public DrainCoordinator(Duration drainTime, LongSupplier nanoClock, DrainWait wait) {
		if (drainTime == null || drainTime.isNegative()) {
			throw new IllegalArgumentException("drainTime: " + drainTime + " (expected: >= 0)");
		}
		this.drainTime = drainTime;
		this.nanoClock = nanoClock;
		this.wait = wait;
	}

	/**
	 * @return the drain time
	 */
	public Duration drainTime() {
		return this.drainTime;
	}

	/**
	 * Notes that a web server serves requests through this drain's
	 * {@link GoingAwayFilter}; without it {@link #drain(Runnable)} does nothing.
	 */
	public void serving() {
		this.serving = true;
	}

	/**
	 * @return whether the instance is going away: a drain has started
	 */
	public boolean goingAway() {
		return this.goingAway;
	}

	/**
	 * @return the whole seconds the drain has left, rounded up, or 0 when it is over (or
	 * has not started)
	 */
	public long secondsLeft() {
		long left = this.endsAtNanos - this.nanoClock.getAsLong();
		if (!this.goingAway || left <= 0) {
			return 0;
		}
		return left / 1_000_000_000L + ((left % 1_000_000_000L != 0) ? 1 : 0);
	}

	/**
	 * Drains: leaves the registry, goes away and waits the drain time. Returns at once
	 * with a drain time of 0, without a web server {@link #serving()} and on every call
	 * but the first.
	 * @param leaveRegistry deregisters this instance, or {@code null} when it is in no
	 * registry (static discovery)
	 */
	public void drain(Runnable leaveRegistry) {
		if (this.drainTime.isZero() || !this.serving || !this.started.compareAndSet(false, true)) {
			return;
		}
		long nanos = saturatedNanos(this.drainTime);
		long start = this.nanoClock.getAsLong();
		this.endsAtNanos = start + nanos;
		this.goingAway = true;
		Thread leaving = null;
		if (leaveRegistry != null) {
			logger.info("Draining for " + this.drainTime.toMillis() + "ms before shutdown: leaving the registry and"
					+ " answering with " + GoingAway.HEADER + " so callers stop picking this instance");
			leaving = new Thread(() -> leave(leaveRegistry), "mesh-drain-leave-registry");
			leaving.setDaemon(true);
			leaving.start();
		}
		else {
			logger.info("Draining for " + this.drainTime.toMillis() + "ms before shutdown: answering with "
					+ GoingAway.HEADER + " so callers stop picking this instance");
		}
		boolean interrupted = false;
		try {
			this.wait.await(nanos);
		}
		catch (InterruptedException ex) {
			interrupted = true;
			Thread.currentThread().interrupt();
		}
		if (leaving != null && leaving.isAlive()) {
			logger.warn("Leaving the registry did not finish within the drain time (" + this.drainTime.toMillis()
					+ "ms); shutdown goes on without waiting for it");
		}
		long took = TimeUnit.NANOSECONDS.toMillis(this.nanoClock.getAsLong() - start);
		logger.info((interrupted ? "Drain interrupted after " : "Drain done after ") + took
				+ "ms; the web server now finishes the requests in flight");
	}

	private static long saturatedNanos(Duration duration) {
		try {
			return duration.toNanos();
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE;
		}
	}

	private static void leave(Runnable leaveRegistry) {
		try {
			leaveRegistry.run();
		}
		catch (Throwable ex) {
			logger.warn("Leaving the registry failed; callers still learn from " + GoingAway.HEADER
					+ " that this instance is going away", ex);
		}
	}

}
