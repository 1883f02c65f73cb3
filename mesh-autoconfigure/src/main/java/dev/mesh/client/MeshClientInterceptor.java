package dev.mesh.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;

import dev.mesh.discovery.MeshInstance;
import dev.mesh.observability.AttemptTracer;
import dev.mesh.observability.MeshOutcome;
import dev.mesh.resilience.FailureKind;
import dev.mesh.resilience.InboundDeadline;
import dev.mesh.security.ServiceTokenSource;
import io.github.resilience4j.bulkhead.Bulkhead;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * The request pipeline of a mesh client. For each call: start the deadline; then per attempt pick an
 * instance (skipping ejected ones and those this call tried), send with the attempt's timeout, record the
 * outcome for the outlier detector, and retry on another instance if the failure is retryable, the
 * method is safe to retry, the retry budget allows it and the deadline leaves time for the backoff.
 *
 * <p>The loop is written here rather than with resilience4j's {@code Retry} because each attempt must
 * choose a new instance and the budget and deadline must be able to stop a retry before its backoff
 * starts; the backoff itself is resilience4j's interval function and the bulkhead is resilience4j's.
 *
 * <p>Each attempt is timed as {@code mesh.client.requests} (see {@link AttemptTimers}) and traced as a
 * child span of the RestClient's own {@code http.client.requests} observation of the call, its trace
 * context going out in its own headers (see {@link AttemptTracer}); each call is timed as
 * {@code mesh.client.calls} (see {@link CallTimers}).
 *
 * <p>When the client attaches OAuth2 tokens, the token is obtained before an attempt starts (so nothing
 * is sent without one), and a 401 with {@code error="invalid_token"} evicts it and re-sends the attempt
 * once to the same instance with a fresh token.
 */
final class MeshClientInterceptor implements ClientHttpRequestInterceptor {

	private static final long MILLI = 1_000_000L;

	private final ServiceRoute route;

	MeshClientInterceptor(ServiceRoute route) {
		this.route = route;
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		URI relative = ServiceUris.relative(this.route.serviceId(), request.getURI());
		String method = request.getMethod().name();
		long start = this.route.now();
		String status = "NONE";
		String outcome = MeshOutcome.REJECTED;
		try {
			ClientHttpResponse response = guarded(request, body, relative, execution);
			int code = response.getStatusCode().value();
			status = MeshOutcome.statusTag(code);
			outcome = MeshOutcome.ofStatus(code);
			return response;
		}
		catch (IOException ex) {
			status = "IO_ERROR";
			outcome = MeshOutcome.ofFailure(ex);
			throw ex;
		}
		finally {
			this.route.recordCall(method, status, outcome, this.route.now() - start);
		}
	}

	private ClientHttpResponse guarded(HttpRequest request, byte[] body, URI relative,
			ClientHttpRequestExecution execution) throws IOException {
		Bulkhead bulkhead = this.route.bulkhead();
		if (bulkhead != null && !bulkhead.tryAcquirePermission()) {
			throw new ClientOverloadedException(this.route.serviceId(), bulkhead.getName(),
					bulkhead.getBulkheadConfig().getMaxConcurrentCalls());
		}
		try {
			return CircuitGuard.run(this.route.circuitBreaker(), this.route.serviceId(),
					() -> call(request, body, relative, execution));
		}
		finally {
			if (bulkhead != null) {
				bulkhead.onComplete();
			}
		}
	}

	private ClientHttpResponse call(HttpRequest request, byte[] body, URI relative,
			ClientHttpRequestExecution execution) throws IOException {
		ClientPolicy policy = this.route.policy();
		long start = this.route.now();
		long inbound = InboundDeadline.remainingNanos(start);
		if (inbound <= 0) {
			throw new DeadlineExceededException(this.route.serviceId(), "the deadline of the request being handled has passed");
		}
		long deadline = start + Math.min(policy.timeout().toNanos(), inbound);
		int maxAttempts = policy.retry().maxAttempts();
		this.route.retryBudget().recordCall();
		CallAttempts attempts = new CallAttempts(this.route, maxAttempts);
		MeshInstance instance = attempts.next();
		if (instance == null) {
			throw new NoInstanceAvailableException(this.route.serviceId(), noInstanceReason());
		}
		boolean reauthorized = false;
		for (int attempt = 1;; attempt++) {
			long attemptNanos = Math.min(policy.perAttemptTimeout().toNanos(), deadline - this.route.now());
			attempts.tried(instance);
			ServiceTokenSource tokens = this.route.tokens();
			OAuth2AccessToken token = (tokens != null) ? tokens.token() : null;
			ClientHttpResponse response = null;
			IOException failure = null;
			try {
				response = send(instance, request, body, relative, attemptNanos, token, execution, attempts);
				if (token != null && !reauthorized && isInvalidToken(response)) {
					reauthorized = true;
					response.close();
					instance.state().attemptAborted(this.route.now());
					tokens.invalidate(token);
					token = tokens.token();
					attemptNanos = Math.min(policy.perAttemptTimeout().toNanos(), deadline - this.route.now());
					response = send(instance, request, body, relative, attemptNanos, token, execution, attempts);
				}
			}
			catch (IOException ex) {
				failure = ex;
			}
			int status = (response != null) ? response.getStatusCode().value() : 0;
			if (failure != null || status >= 500) {
				this.route.recordFailure(instance);
			}
			else {
				this.route.outlierDetector().recordSuccess(instance);
			}
			boolean retryable = (failure != null)
					? this.route.retryRule().mayRetry(request.getMethod(), request.getHeaders(), FailureKind.of(failure))
					: status >= 500 && this.route.retryRule().mayRetry(request.getMethod(), request.getHeaders(), status);
			if (!retryable || attempt >= maxAttempts) {
				return result(response, failure);
			}
			String retryAfter = (status == 503) ? response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER) : null;
			long delayNanos = this.route.backoff().delayMillis(attempt, retryAfter) * MILLI;
			if (this.route.now() + delayNanos >= deadline) {
				return result(response, failure);
			}
			MeshInstance next = attempts.next();
			if (next == null || !this.route.retryBudget().tryRetry()) {
				return result(response, failure);
			}
			if (response != null) {
				response.close();
			}
			sleep(delayNanos);
			instance = next;
		}
	}

	/**
	 * Sends one attempt to one instance, and times and traces it. The caller records the outcome for the
	 * outlier detector (which ends the instance's in-flight count) unless this throws a runtime exception.
	 */
	private ClientHttpResponse send(MeshInstance instance, HttpRequest request, byte[] body, URI relative,
			long attemptNanos, OAuth2AccessToken token, ClientHttpRequestExecution execution, CallAttempts attempts)
			throws IOException {
		URI target = ServiceUris.onInstance(instance, relative);
		AttemptRequest attemptRequest = new AttemptRequest(request, target, toMillis(attemptNanos), token);
		String method = request.getMethod().name();
		int number = attempts.sent();
		AttemptTracer.AttemptSpan span = this.route.attemptTracer()
			.start(attemptRequest.getHeaders(), this.route.serviceId(), instance.id(), method, number);
		long started = this.route.now();
		instance.state().attemptStarted(started);
		String status = "NONE";
		String outcome = MeshOutcome.REJECTED;
		Throwable error = null;
		try {
			ClientHttpResponse response = execution.execute(attemptRequest, body);
			int code = response.getStatusCode().value();
			long ended = this.route.now();
			recordLatency(instance, ended - started, ended, code >= 500);
			status = MeshOutcome.statusTag(code);
			outcome = MeshOutcome.ofStatus(code);
			return response;
		}
		catch (IOException ex) {
			long ended = this.route.now();
			recordLatency(instance, ended - started, ended, true);
			status = "IO_ERROR";
			outcome = MeshOutcome.ofFailure(ex);
			error = ex;
			throw ex;
		}
		catch (RuntimeException ex) {
			instance.state().attemptAborted(this.route.now());
			error = ex;
			throw ex;
		}
		finally {
			this.route.recordAttempt(instance.id(), method, number, status, outcome, this.route.now() - started);
			span.end(status, outcome, error);
		}
	}

	private static void recordLatency(MeshInstance instance, long nanos, long ended, boolean failed) {
		if (failed) {
			instance.state().recordFailedLatency(nanos, ended);
		}
		else {
			instance.state().recordLatency(nanos, ended);
		}
	}

	/** A 401 whose {@code WWW-Authenticate} says the bearer token itself is bad (RFC 6750). */
	private static boolean isInvalidToken(ClientHttpResponse response) throws IOException {
		if (response.getStatusCode().value() != 401) {
			return false;
		}
		String challenge = response.getHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE);
		return challenge != null && challenge.regionMatches(true, 0, "Bearer", 0, 6)
				&& challenge.contains("error=\"invalid_token\"");
	}

	private static ClientHttpResponse result(ClientHttpResponse response, IOException failure) throws IOException {
		if (failure != null) {
			throw failure;
		}
		return response;
	}

	private static long toMillis(long nanos) {
		return Math.max(1, (nanos + MILLI - 1) / MILLI);
	}

	private static void sleep(long nanos) throws InterruptedIOException {
		try {
			Thread.sleep(nanos / MILLI, (int) (nanos % MILLI));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new InterruptedIOException("Interrupted while backing off before a retry");
		}
	}

	private String noInstanceReason() {
		String registryFailure = this.route.discoveryFailure();
		if (registryFailure != null) {
			return "its instances could not be read from the registry: " + registryFailure;
		}
		return this.route.instances().isEmpty() ? "discovery lists no instances"
				: "none of its " + this.route.instances().size() + " instance(s) can take the request";
	}

}
