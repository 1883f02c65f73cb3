package dev.mesh.resilience;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;

/**
 * How an attempt failed without a response, as far as retry safety is concerned: a
 * connect failure never reached a server, a reset or timeout may have.
 */
public enum FailureKind {

	/** No connection was made: the request never reached a server. */
	CONNECT_FAILURE,

	/**
	 * The connection broke before a whole response arrived: the server may have done the
	 * work.
	 */
	RESET,

	/**
	 * No whole response within the attempt's timeout: the server may have done the work.
	 */
	TIMEOUT;

	/**
	 * @param failure an I/O failure of an attempt
	 * @return its kind
	 */
	public static FailureKind of(IOException failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof HttpConnectTimeoutException || cause instanceof ConnectException
					|| cause instanceof NoRouteToHostException || cause instanceof UnknownHostException) {
				return CONNECT_FAILURE;
			}
			if (cause instanceof HttpTimeoutException) {
				return TIMEOUT;
			}
		}
		return RESET;
	}

}
