package dev.mesh.resilience;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;

/**
 * Whether an attempt that did not succeed was ended by its caller rather than by the
 * instance: an <em>aborted</em> attempt. It is not the instance's failure: it feeds
 * neither the outlier detector nor the circuit breaker, takes no retry budget and is not
 * retried.
 *
 * <p>
 * An attempt is aborted when the calling thread was interrupted
 * ({@code Future.cancel(true)}, a shutdown), or when it was given clearly less than its
 * full time (see {@link #cutShort}) and ran out of it. Its full time is
 * {@code per-attempt-timeout}, or the call's {@code timeout} if that is shorter; it is
 * given less when the request being handled has less left ({@code Mesh-Timeout-Ms}, which
 * anyone may send) or when earlier attempts used up the call's {@code timeout}. So an
 * instance is only ever judged against the full time its callers' configuration gives it,
 * and a caller cannot get a healthy instance ejected by asking for an answer sooner than
 * it can come.
 */
public final class CallerAbort {

	private static final long MILLI = 1_000_000L;

	private CallerAbort() {
	}

	/**
	 * @param failure how the attempt failed
	 * @return whether the calling thread was interrupted (the caller gave up), as opposed
	 * to a socket timing out
	 */
	public static boolean byInterrupt(IOException failure) {
		return Thread.currentThread().isInterrupted()
				|| (failure instanceof InterruptedIOException && !(failure instanceof SocketTimeoutException));
	}

	/**
	 * @param leftNanos what is left of the call's deadline when the attempt starts (the
	 * call's deadline is the shorter of its {@code timeout} and what the request being
	 * handled has left)
	 * @param fullNanos the attempt's full time: {@code per-attempt-timeout}, or
	 * {@code timeout} if shorter
	 * @return whether the attempt is cut short: given less than nine tenths of its full
	 * time (and at least a millisecond less). A cut of under a tenth is no cut, so an
	 * instance is always judged against at least 90% of its full time. That tolerance is
	 * what lets a hung instance be counted at all along a chain of services with the same
	 * {@code per-attempt-timeout}: each client sends its attempt's time as
	 * {@code Mesh-Timeout-Ms}, and the service in the middle has a few milliseconds less
	 * than that left for its own attempts. (Deadlines travel in whole milliseconds, and
	 * reading the clock between the start of a call and its first attempt always takes a
	 * little, hence the millisecond.) A caller can therefore make an attempt count
	 * against an instance only when the instance took at least 90% of its full time.
	 */
	public static boolean cutShort(long leftNanos, long fullNanos) {
		return fullNanos - leftNanos >= Math.max(MILLI, fullNanos / 10);
	}

	/**
	 * @param cutShort whether the attempt was {@linkplain #cutShort cut short}
	 * @param givenNanos the time the attempt was given
	 * @param elapsedNanos the time it took until it failed
	 * @return whether it was cut short and failed only once its time had run out
	 */
	public static boolean byDeadline(boolean cutShort, long givenNanos, long elapsedNanos) {
		return cutShort && elapsedNanos >= givenNanos;
	}

}
