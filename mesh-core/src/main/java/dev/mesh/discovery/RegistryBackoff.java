package dev.mesh.discovery;

import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;

/**
 * When the registry may be asked again for one service's instances after it failed: the
 * first failure starts an exponential backoff ({@link #INITIAL} doubling up to
 * {@link #MAX}), and a success ends it. It also keeps what the last failure was, in words
 * fit for an exception message a caller sees.
 *
 * <p>
 * Written by hand, not with resilience4j's {@code IntervalFunction}, because the state
 * (when the next query may be made) must be read without a lock by every caller that
 * decides not to wait, on an injected clock; the arithmetic is three lines.
 */
final class RegistryBackoff {

	/** Wait after the first failure. */
	static final Duration INITIAL = Duration.ofMillis(100);

	/** Longest wait between two queries while the registry keeps failing. */
	static final Duration MAX = Duration.ofSeconds(10);

	/** Longest failure description kept; exception messages can be any size. */
	private static final int MAX_DESCRIPTION = 300;

	/** Failures in a row; guarded by the caller's query lock. */
	private int failures;

	/**
	 * {@code nanoTime} from which the next query may be made; only meaningful while
	 * failing.
	 */
	private volatile long retryAtNanos;

	/**
	 * What the last query's failure was, or {@code null} when the last query succeeded or
	 * none was made.
	 */
	private volatile String failure;

	/**
	 * @param now the current {@code nanoTime}
	 * @return whether a query may be made now: none failed, or the backoff after the last
	 * failure is over
	 */
	boolean mayQuery(long now) {
		return this.failure == null || now - this.retryAtNanos >= 0;
	}

	/**
	 * @param ex what a query threw
	 * @return whether it ended because the querying thread was interrupted (a caller
	 * giving up), which says nothing about the registry
	 */
	static boolean interrupted(Throwable ex) {
		if (Thread.currentThread().isInterrupted()) {
			return true;
		}
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof InterruptedException || cause instanceof InterruptedIOException
					|| cause instanceof ClosedByInterruptException) {
				return true;
			}
		}
		return false;
	}

	/**
	 * @return whether the last query failed
	 */
	boolean failing() {
		return this.failure != null;
	}

	/**
	 * Records a failed query and starts (or doubles) the wait before the next one.
	 * @param ex what the registry client threw
	 * @param now the current {@code nanoTime}
	 */
	void failed(Throwable ex, long now) {
		this.failures++;
		int doublings = Math.min(this.failures - 1, 30);
		long wait = Math.min(INITIAL.toNanos() << doublings, MAX.toNanos());
		this.retryAtNanos = now + wait;
		this.failure = describe(ex);
	}

	/** Records a successful query: the next one may be made at any time. */
	void succeeded() {
		this.failures = 0;
		this.failure = null;
	}

	/**
	 * @param now the current {@code nanoTime}
	 * @return the last failure and when the registry will be asked again, or {@code null}
	 * when the last query succeeded
	 */
	String describe(long now) {
		String current = this.failure;
		if (current == null) {
			return null;
		}
		long waitMillis = Math.max(0, Duration.ofNanos(this.retryAtNanos - now).toMillis());
		return current + " (asked again in " + waitMillis + "ms at the earliest)";
	}

	/**
	 * Describes an exception for a message: its type and message, and its causes', with
	 * credentials and query strings taken out of any URL, control characters replaced and
	 * the length capped, since registry clients put request URLs (with
	 * {@code user:password@} or {@code ?token=}) into their messages.
	 * @param ex the exception
	 * @return the description
	 */
	static String describe(Throwable ex) {
		StringBuilder description = new StringBuilder();
		Throwable cause = ex;
		for (int depth = 0; cause != null && depth < 5; depth++) {
			if (depth > 0) {
				description.append("; caused by ");
			}
			description.append(cause.getClass().getName());
			if (cause.getMessage() != null) {
				description.append(": ").append(cause.getMessage());
			}
			cause = (cause.getCause() != cause) ? cause.getCause() : null;
		}
		String text = RedactedUris.inText(description.toString());
		return (text.length() > MAX_DESCRIPTION) ? text.substring(0, MAX_DESCRIPTION) + "..." : text;
	}

}
