package dev.mesh.resilience;

/**
 * The deadline of the request this thread is handling, set from the caller's
 * {@value #HEADER} header, so that outbound mesh calls made while handling it never
 * outlive the caller's patience (deadline propagation, as Dubbo does). Held per thread:
 * work handed to other threads does not carry it.
 */
public final class InboundDeadline {

	/** Header carrying the milliseconds the caller will wait for this attempt. */
	public static final String HEADER = "Mesh-Timeout-Ms";

	/**
	 * The largest deadline the header can carry: more milliseconds than this overflow a
	 * {@code long} of nanoseconds.
	 */
	public static final long MAX_MILLIS = Long.MAX_VALUE / 1_000_000L;

	private static final ThreadLocal<long[]> DEADLINE = new ThreadLocal<>();

	private InboundDeadline() {
	}

	/**
	 * Sets the deadline of the current request.
	 * @param deadlineNanos the {@link dev.mesh.discovery.MeshClock#nanoTime()} at which
	 * the caller stops waiting
	 */
	public static void set(long deadlineNanos) {
		DEADLINE.set(new long[] { deadlineNanos });
	}

	/** Clears the deadline when the request is done. */
	public static void clear() {
		DEADLINE.remove();
	}

	/**
	 * @param now {@link dev.mesh.discovery.MeshClock#nanoTime()}, on the clock the
	 * deadline was set on
	 * @return nanoseconds left until the inbound deadline, or {@link Long#MAX_VALUE} when
	 * there is none
	 */
	public static long remainingNanos(long now) {
		long[] deadline = DEADLINE.get();
		return (deadline != null) ? deadline[0] - now : Long.MAX_VALUE;
	}

	/**
	 * Reads the header value: an optional {@code -} and ASCII digits, with surrounding
	 * whitespace ignored (HTTP's optional whitespace). Anything else, a {@code +} sign,
	 * inner spaces, decimals and digits of other scripts included, is garbage. A value
	 * above {@value #MAX_MILLIS} ms (about 292 years; in nanoseconds it would overflow a
	 * {@code long}) is no deadline either, so it can never wrap round to a deadline in
	 * the past. Any negative value, however long, is a deadline that has passed.
	 * @param value the header value, may be {@code null}
	 * @return the milliseconds, from {@code -}{@value #MAX_MILLIS} to
	 * {@value #MAX_MILLIS}, or {@code null} when absent, garbage or too large (bad input
	 * from the network is ignored, never fatal)
	 */
	public static Long parseMillis(String value) {
		if (value == null) {
			return null;
		}
		String trimmed = value.trim();
		boolean negative = trimmed.startsWith("-");
		int first = negative ? 1 : 0;
		if (trimmed.length() == first) {
			return null;
		}
		// by hand: Long.parseLong takes a '+' and any Unicode digit, and throws on
		// overflow
		long millis = 0;
		for (int i = first; i < trimmed.length(); i++) {
			char c = trimmed.charAt(i);
			if (c < '0' || c > '9') {
				return null;
			}
			if (millis <= MAX_MILLIS) {
				millis = millis * 10 + (c - '0');
			}
		}
		if (negative) {
			return -Math.min(millis, MAX_MILLIS);
		}
		return (millis <= MAX_MILLIS) ? millis : null;
	}

	/**
	 * Converts header milliseconds to nanoseconds.
	 * @param millis a value from {@link #parseMillis(String)}
	 * @return the nanoseconds, exact within what {@link #parseMillis(String)} returns
	 */
	public static long toNanos(long millis) {
		return Math.max(-MAX_MILLIS, Math.min(MAX_MILLIS, millis)) * 1_000_000L;
	}

}
