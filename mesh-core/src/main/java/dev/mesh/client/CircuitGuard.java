package dev.mesh.client;

import java.io.IOException;

import dev.mesh.security.TokenUnavailableException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import org.springframework.http.client.ClientHttpResponse;

/**
 * Runs a whole call (all its attempts) through the service's resilience4j circuit
 * breaker, when it has one: a call whose final answer is 5xx or an I/O failure counts as
 * failed, anything else as a success, and an open circuit refuses calls at once with
 * {@link CircuitOpenException}. Per-instance ejection still happens inside; the breaker
 * is for when the whole service is failing.
 *
 * <p>
 * A call its caller aborted (see {@link dev.mesh.resilience.CallerAbort}) before any of
 * its attempts failed, and a call ended by an {@link Error}, count neither way: the
 * permit is released, so a half-open breaker's few trial calls are never used up by them.
 * A call whose attempts failed and whose last attempt was then cut short by its own
 * {@code timeout} still counts as failed, so a hung service opens the circuit whatever
 * the number of attempts. A call that ends without a token
 * ({@link TokenUnavailableException}), with a response over {@code max-response-size}
 * ({@link ResponseTooLargeException}) or with a request the transport refused to send
 * ({@link IllegalArgumentException}) before any attempt failed counts neither way either.
 */
final class CircuitGuard {

	private CircuitGuard() {
	}

	/** A whole call, as the breaker runs it. */
	@FunctionalInterface
	interface Call {

		ClientHttpResponse run() throws IOException;

	}

	static ClientHttpResponse run(CircuitBreaker breaker, String serviceId, CallAttempts attempts, Call call)
			throws IOException {
		if (breaker == null) {
			return call.run();
		}
		if (!breaker.tryAcquirePermission()) {
			throw new CircuitOpenException(serviceId, breaker.getName(), breaker.getState().name());
		}
		long started = breaker.getCurrentTimestamp();
		try {
			ClientHttpResponse response = call.run();
			if (attempts.abortedWithoutFailure()) {
				breaker.releasePermission();
				return response;
			}
			long duration = breaker.getCurrentTimestamp() - started;
			int status = response.getStatusCode().value();
			if (status >= 500) {
				breaker.onError(duration, breaker.getTimestampUnit(), new ServerErrorStatus(status));
			}
			else {
				breaker.onSuccess(duration, breaker.getTimestampUnit());
			}
			return response;
		}
		catch (IOException | RuntimeException ex) {
			if (attempts.abortedWithoutFailure() || (saysNothingAboutTheService(ex) && !attempts.anyFailed())) {
				breaker.releasePermission();
			}
			else {
				breaker.onError(breaker.getCurrentTimestamp() - started, breaker.getTimestampUnit(), ex);
			}
			throw ex;
		}
		catch (Error ex) {
			breaker.releasePermission();
			throw ex;
		}
	}

	/**
	 * A token that could not be had (the token endpoint's fault, or the caller's deadline
	 * while waiting), a response larger than {@code max-response-size} (what the request
	 * asked for) and a request the transport refused to send
	 * ({@link IllegalArgumentException}, such as a header value copied from a caller that
	 * HTTP cannot carry; the transport turns the JDK's refusal of a response into an
	 * {@link IOException}) say nothing about the service's health: counted as failures, a
	 * hung token endpoint or hostile callers would open the circuit of a healthy service
	 * for everyone.
	 */
	private static boolean saysNothingAboutTheService(Exception ex) {
		return ex instanceof TokenUnavailableException || ex instanceof ResponseTooLargeException
				|| ex instanceof IllegalArgumentException;
	}

	/** A 5xx answer, as the circuit breaker's record of a failed call. */
	static final class ServerErrorStatus extends RuntimeException {

		ServerErrorStatus(int status) {
			super("HTTP " + status, null, false, false);
		}

	}

}
