package dev.mesh.resilience;

/**
 * The deadline of the request this thread is handling, set from the caller's
 * {@value #HEADER} header, so that outbound mesh calls made while handling it never outlive the caller's
 * patience (deadline propagation, as Dubbo does). Held per thread: work handed to other threads does not
 * carry it.
 */
public final class InboundDeadline {

	/** Header carrying the milliseconds the caller will wait for this attempt. */
	public static final String HEADER = "Mesh-Timeout-Ms";

	private static final ThreadLocal<long[]> DEADLINE = new ThreadLocal<>();

	private InboundDeadline() {
	}

	/**
	 * Sets the deadline of the current request.
	 * @param deadlineNanos the {@link System#nanoTime()} at which the caller stops waiting
	 */
	public static void set(long deadlineNanos) {
		DEADLINE.set(new long[] { deadlineNanos });
	}

	/** Clears the deadline when the request is done. */
	public static void clear() {
		DEADLINE.remove();
	}

	/**
	 * @param now {@link System#nanoTime()}
	 * @return nanoseconds left until the inbound deadline, or {@link Long#MAX_VALUE} when there is none
	 */
	public static long remainingNanos(long now) {
		long[] deadline = DEADLINE.get();
		return (deadline != null) ? deadline[0] - now : Long.MAX_VALUE;
	}

	/**
	 * Reads the header value.
	 * @param value the header value, may be {@code null}
	 * @return the milliseconds, or {@code null} when absent or not a whole number (bad input from the
	 * network is ignored, never fatal)
	 */
	public static Long parseMillis(String value) {
		if (value == null || value.isBlank() || value.length() > 18) {
			return null;
		}
		try {
			return Long.parseLong(value.trim());
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}
