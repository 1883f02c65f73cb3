package dev.mesh.resilience;

import java.util.BitSet;
import java.util.Collection;
import java.util.Locale;
import java.util.Objects;

/**
 * The failures a client may retry ({@code mesh.clients.<service>.retry.on}):
 * {@code connect-failure}, {@code reset} (connection broken before a whole response
 * arrived), {@code timeout} (per-attempt timeout) and HTTP status codes from 500 to 599.
 */
public final class RetryOn {

	/** What each value may be, for error messages. */
	public static final String ALLOWED = "connect-failure, reset, timeout, or a status code from 500 to 599";

	private final boolean connectFailure;

	private final boolean reset;

	private final boolean timeout;

	private final BitSet statuses;

	private RetryOn(boolean connectFailure, boolean reset, boolean timeout, BitSet statuses) {
		this.connectFailure = connectFailure;
		this.reset = reset;
		this.timeout = timeout;
		this.statuses = statuses;
	}

	/**
	 * Parses configured values.
	 * @param values the values
	 * @return the parsed set
	 * @throws IllegalArgumentException naming the first value that is not allowed
	 */
	public static RetryOn parse(Collection<String> values) {
		boolean connectFailure = false;
		boolean reset = false;
		boolean timeout = false;
		BitSet statuses = new BitSet(600);
		for (String raw : values) {
			String value = (raw != null) ? raw.trim().toLowerCase(Locale.ROOT) : "";
			switch (value) {
				case "connect-failure" -> connectFailure = true;
				case "reset" -> reset = true;
				case "timeout" -> timeout = true;
				default -> statuses.set(status(raw, value));
			}
		}
		return new RetryOn(connectFailure, reset, timeout, statuses);
	}

	private static int status(String raw, String value) {
		if (value.length() == 3 && value.chars().allMatch(Character::isDigit)) {
			int status = Integer.parseInt(value);
			if (status >= 500 && status <= 599) {
				return status;
			}
		}
		throw new IllegalArgumentException("'" + raw + "' is not one of: " + ALLOWED);
	}

	boolean retries(FailureKind kind) {
		return switch (kind) {
			case CONNECT_FAILURE -> this.connectFailure;
			case RESET -> this.reset;
			case TIMEOUT -> this.timeout;
		};
	}

	boolean retriesStatus(int status) {
		return status >= 500 && status <= 599 && this.statuses.get(status);
	}

	@Override
	public boolean equals(Object other) {
		return (other instanceof RetryOn that) && this.connectFailure == that.connectFailure && this.reset == that.reset
				&& this.timeout == that.timeout && this.statuses.equals(that.statuses);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.connectFailure, this.reset, this.timeout, this.statuses);
	}

	@Override
	public String toString() {
		StringBuilder result = new StringBuilder("[");
		if (this.connectFailure) {
			result.append("connect-failure, ");
		}
		if (this.reset) {
			result.append("reset, ");
		}
		if (this.timeout) {
			result.append("timeout, ");
		}
		this.statuses.stream().forEach((status) -> result.append(status).append(", "));
		if (result.length() > 1) {
			result.setLength(result.length() - 2);
		}
		return result.append(']').toString();
	}

}
