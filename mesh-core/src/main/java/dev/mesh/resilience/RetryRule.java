package dev.mesh.resilience;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

/**
 * Whether a failed attempt may be retried without making a server do work twice where the
 * user did not allow it. GET, HEAD, OPTIONS, TRACE, PUT and DELETE are idempotent and are
 * retried on every failure in {@link RetryOn}. POST and PATCH are retried only when the
 * request never reached a server (a connect failure) or when it carries an
 * {@value #IDEMPOTENCY_KEY} header.
 */
public final class RetryRule {

	/** The request header that makes a POST or PATCH safe to retry. */
	public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

	private final RetryOn on;

	/**
	 * @param on the failures that may be retried at all
	 */
	public RetryRule(RetryOn on) {
		this.on = on;
	}

	/**
	 * @param method the request method
	 * @param headers the request headers
	 * @param failure how the attempt failed
	 * @return whether another attempt may be made
	 */
	public boolean mayRetry(HttpMethod method, HttpHeaders headers, FailureKind failure) {
		if (!this.on.retries(failure)) {
			return false;
		}
		return failure == FailureKind.CONNECT_FAILURE || isIdempotent(method, headers);
	}

	/**
	 * @param method the request method
	 * @param headers the request headers
	 * @param status the response status of the attempt
	 * @return whether another attempt may be made
	 */
	public boolean mayRetry(HttpMethod method, HttpHeaders headers, int status) {
		return this.on.retriesStatus(status) && isIdempotent(method, headers);
	}

	/**
	 * Whether an attempt answered "overloaded" (a 429, when the client tells overload
	 * from failure: {@link OverloadRule}) may be retried on another instance: exactly
	 * when a 503 may ({@code retry.on} lists 503 and the method is safe to retry).
	 * @param method the request method
	 * @param headers the request headers
	 * @return whether another attempt may be made
	 */
	public boolean mayRetryOverloaded(HttpMethod method, HttpHeaders headers) {
		return mayRetry(method, headers, 503);
	}

	private static boolean isIdempotent(HttpMethod method, HttpHeaders headers) {
		if (HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) || HttpMethod.OPTIONS.equals(method)
				|| HttpMethod.TRACE.equals(method) || HttpMethod.PUT.equals(method)
				|| HttpMethod.DELETE.equals(method)) {
			return true;
		}
		String key = headers.getFirst(IDEMPOTENCY_KEY);
		return key != null && !key.isBlank();
	}

	/**
	 * @return the failures that may be retried
	 */
	public RetryOn on() {
		return this.on;
	}

}
