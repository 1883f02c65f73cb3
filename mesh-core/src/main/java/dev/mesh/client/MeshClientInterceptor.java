package dev.mesh.client;

import java.io.IOException;
import java.net.URI;

import dev.mesh.discovery.MeshInstance;
import dev.mesh.observability.MeshOutcome;
import dev.mesh.resilience.CallerAbort;
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
 * The request pipeline of a mesh client. For each call: start the deadline; then per
 * attempt pick an instance (skipping ejected ones and those this call tried), send with
 * the attempt's timeout, record the outcome for the outlier detector, and retry on
 * another instance if the failure is retryable, the method is safe to retry, the retry
 * budget allows it and the deadline leaves time for the backoff.
 *
 * <p>
 * An attempt ended by the caller rather than the instance is <em>aborted</em> (see
 * {@link CallerAbort}): the calling thread was interrupted, or the attempt was given less
 * than its full time (by the deadline of the request being handled, or by the call's
 * {@code timeout} running down) and ran out of it. It ends the instance's in-flight count
 * and nothing else: no failure for the outlier detector or the circuit breaker, no retry,
 * no retry budget. A call whose inbound deadline has passed is refused before the
 * bulkhead and the circuit breaker. Whatever an attempt throws, an {@link Error}
 * included, ends its in-flight count and returns its bulkhead and circuit-breaker
 * permits.
 *
 * <p>
 * The loop is written here rather than with resilience4j's {@code Retry} because each
 * attempt must choose a new instance and the budget and deadline must be able to stop a
 * retry before its backoff starts; the backoff itself is resilience4j's interval function
 * and the bulkhead is resilience4j's.
 *
 * <p>
 * Each attempt is timed as {@code mesh.client.requests} (see {@link AttemptTimers}) and
 * traced as a child span of the RestClient's own {@code http.client.requests} observation
 * of the call, its trace context going out in its own headers (see
 * {@link AttemptTracer}); each call is timed as {@code mesh.client.calls} (see
 * {@link CallTimers}).
 *
 * <p>
 * When the client attaches OAuth2 tokens, the token is obtained before an attempt starts
 * (so nothing is sent without one; a call waits for one at most until its deadline). A
 * 401 with {@code error="invalid_token"} replaces a token older than
 * {@code oauth2.invalid-token-refetch-interval} and re-sends the attempt once to the same
 * instance with the new token; a 401 that remains (or one for a younger token, which is
 * kept) counts as the instance's failure for the outlier detector.
 */
final class MeshClientInterceptor implements ClientHttpRequestInterceptor {

	private final ServiceRoute route;

	private final AttemptSender sender;

	private final AttemptOutcomes outcomes;

	private final Sleeper sleeper;

	MeshClientInterceptor(ServiceRoute route) {
		this(route, Sleeper.THREAD);
	}

	MeshClientInterceptor(ServiceRoute route, Sleeper sleeper) {
		this.route = route;
		this.sender = new AttemptSender(route);
		this.outcomes = new AttemptOutcomes(route);
		this.sleeper = sleeper;
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
		long start = this.route.now();
		long inbound = InboundDeadline.remainingNanos(start);
		if (inbound <= 0) {
			// before the bulkhead and circuit breaker: the caller's own deadline is no
			// failure of the service
			throw new DeadlineExceededException(this.route.serviceId(),
					"the deadline of the request being handled has passed");
		}
		// read once: a policy changed while the call runs applies to later calls
		ServiceRoute.Live live = this.route.live();
		long deadline = start + Math.min(live.policy().timeout().toNanos(), inbound);
		CallAttempts attempts = new CallAttempts(this.route, live.policy().retry().maxAttempts(),
				VersionRoute.of(request, this.route.serviceId(), live.policy().versions()),
				live.retryDecider().overload().enabled());
		Bulkhead bulkhead = this.route.bulkhead();
		if (bulkhead != null && !bulkhead.tryAcquirePermission()) {
			throw new ClientOverloadedException(this.route.serviceId(), bulkhead.getName(),
					bulkhead.getBulkheadConfig().getMaxConcurrentCalls());
		}
		try {
			return CircuitGuard.run(this.route.circuitBreaker(), this.route.serviceId(), attempts,
					() -> call(request, body, relative, execution, deadline, attempts, live));
		}
		finally {
			if (bulkhead != null) {
				bulkhead.onComplete();
			}
		}
	}

	private ClientHttpResponse call(HttpRequest request, byte[] body, URI relative,
			ClientHttpRequestExecution execution, long deadline, CallAttempts attempts, ServiceRoute.Live live)
			throws IOException {
		ClientPolicy policy = live.policy();
		long perAttemptNanos = policy.perAttemptTimeout().toNanos();
		// what an attempt gets when nothing cuts it short: an instance is judged only
		// against this
		long fullNanos = Math.min(perAttemptNanos, policy.timeout().toNanos());
		this.route.retryBudget().recordCall();
		MeshInstance instance = attempts.next();
		if (instance == null) {
			throw new NoInstanceAvailableException(this.route.serviceId(), noInstanceReason());
		}
		boolean reauthorized = false;
		for (int number = 1;; number++) {
			ServiceTokenSource tokens = this.route.tokens();
			long beforeToken = this.route.now();
			OAuth2AccessToken token = (tokens != null) ? tokens.token(deadline - beforeToken) : null;
			// the clock is read again only when a token was asked for: without one no
			// time passed
			long afterToken = (tokens != null) ? this.route.now() : beforeToken;
			long left = deadline - afterToken;
			long attemptNanos = Math.min(perAttemptNanos, left);
			// judged on the time the attempt really has: whatever took the rest (the
			// caller's deadline, a slow first registry load, the wait for a token,
			// earlier attempts) is not the instance's doing, and a cut too small to
			// matter (the pick, a middle hop's own few milliseconds) is no cut
			// (CallerAbort)
			boolean cutShort = CallerAbort.cutShort(left, fullNanos);
			attempts.tried(instance);
			Attempt attempt = this.sender.send(instance, request, body, relative, attemptNanos, cutShort, token,
					execution, attempts.sent());
			int status = 0;
			long avoidNanos = -1;
			boolean fault;
			try {
				if (token != null && !reauthorized && !attempt.byCaller() && isInvalidToken(attempt.response())
						&& tokens.invalidate(token)) {
					// re-sent once to the same instance with a fresh token: the rejected
					// attempt says nothing about the instance
					reauthorized = true;
					this.outcomes.abandon(attempt);
					attempt.response().close();
					token = tokens.replacement(token, deadline - this.route.now());
					attemptNanos = Math.min(perAttemptNanos, deadline - this.route.now());
					attempt = this.sender.send(instance, request, body, relative, attemptNanos, cutShort, token,
							execution, attempts.sent());
				}
				ClientHttpResponse answer = attempt.response();
				if (answer != null) {
					status = answer.getStatusCode().value();
					if (attempt.failure() == null) {
						avoidNanos = live.retryDecider().overload().avoidNanos(status, answer.getHeaders());
					}
				}
				// an overload answer is no failure; a 401 invalid_token to a token just
				// fetched (or kept as too young to replace) is the instance's fault
				fault = attempt.failure() != null || (status >= 500 && avoidNanos < 0)
						|| (token != null && status == 401 && isInvalidToken(answer));
			}
			catch (IOException ex) {
				// the answer's status could not be read: the instance's failure, unless
				// the caller had ended the attempt already
				attempt.unreadable(ex);
				fault = true;
			}
			catch (RuntimeException | Error ex) {
				this.outcomes.abandon(attempt);
				throw ex;
			}
			this.outcomes.record(attempt, fault, avoidNanos, attempts);
			ClientHttpResponse response = attempt.response();
			IOException failure = attempt.failure();
			if (attempts.aborted()) {
				// ended by the caller: no failure of the instance, no retry
				return result(response, failure);
			}
			long now = this.route.now();
			RetryDecider.RetryDecision decision = live.retryDecider()
				.decide(request, number, failure, status, (response != null) ? response.getHeaders() : null,
						avoidNanos >= 0, now, deadline - now, Thread.currentThread().isInterrupted(), attempts::next);
			if (!decision.retry()) {
				return result(response, failure);
			}
			if (response != null) {
				response.close();
			}
			this.sleeper.sleep(decision.delayNanos());
			instance = decision.next();
		}
	}

	/**
	 * A 401 whose {@code WWW-Authenticate} says the bearer token itself is bad (RFC
	 * 6750).
	 */
	private static boolean isInvalidToken(ClientHttpResponse response) throws IOException {
		if (response == null || response.getStatusCode().value() != 401) {
			return false;
		}
		String challenge = response.getHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE);
		return challenge != null && challenge.regionMatches(true, 0, "Bearer", 0, 6)
				&& challenge.contains("error=\"invalid_token\"");
	}

	private static ClientHttpResponse result(ClientHttpResponse response, IOException failure) throws IOException {
		if (failure != null) {
			// an answer whose status could not be read is of no use: release its
			// connection
			TransportFailures.closeQuietly(response);
			throw failure;
		}
		return GoingAwayHiddenResponse.of(response);
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
