package dev.mesh.observability;

import java.io.IOException;

import dev.mesh.resilience.FailureKind;

/**
 * Outcome tag values of mesh calls and attempts.
 */
public final class MeshOutcome {

	/** 1xx-3xx. */
	public static final String SUCCESS = "SUCCESS";

	/** 4xx. */
	public static final String CLIENT_ERROR = "CLIENT_ERROR";

	/** 5xx. */
	public static final String SERVER_ERROR = "SERVER_ERROR";

	/** No connection could be made. */
	public static final String CONNECT_FAILURE = "CONNECT_FAILURE";

	/** The connection broke before a whole response arrived. */
	public static final String RESET = "RESET";

	/** No whole response within the attempt's timeout. */
	public static final String TIMEOUT = "TIMEOUT";

	/**
	 * The call failed before any attempt (no instance, bulkhead full, deadline passed, no
	 * token).
	 */
	public static final String REJECTED = "REJECTED";

	/**
	 * The status tags of codes 100-599, made once: a fresh string per call would be
	 * hashed again on every meter lookup.
	 */
	private static final String[] STATUS_TAGS = new String[600];

	static {
		for (int code = 100; code < STATUS_TAGS.length; code++) {
			STATUS_TAGS[code] = Integer.toString(code);
		}
	}

	private MeshOutcome() {
	}

	/**
	 * @param status an HTTP status code
	 * @return its {@code status} tag value: the code in decimal
	 */
	public static String statusTag(int status) {
		return (status >= 100 && status < STATUS_TAGS.length) ? STATUS_TAGS[status] : Integer.toString(status);
	}

	/**
	 * @param status an HTTP status code
	 * @return its outcome
	 */
	public static String ofStatus(int status) {
		if (status >= 500) {
			return SERVER_ERROR;
		}
		return (status >= 400) ? CLIENT_ERROR : SUCCESS;
	}

	/**
	 * @param failure how an exchange failed without a response
	 * @return its outcome: {@link #CONNECT_FAILURE}, {@link #RESET} or {@link #TIMEOUT}
	 */
	public static String ofFailure(IOException failure) {
		return switch (FailureKind.of(failure)) {
			case CONNECT_FAILURE -> CONNECT_FAILURE;
			case RESET -> RESET;
			case TIMEOUT -> TIMEOUT;
		};
	}

}
