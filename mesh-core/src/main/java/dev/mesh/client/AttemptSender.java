package dev.mesh.client;

import java.io.IOException;
import java.net.URI;

import dev.mesh.discovery.MeshInstance;
import dev.mesh.observability.AttemptTracer;
import dev.mesh.observability.MeshOutcome;
import dev.mesh.resilience.CallerAbort;
import dev.mesh.discovery.InstanceState.AttemptResult;

import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * The attempt step of the pipeline: sends one attempt to one instance with its timeout
 * and token, times it ({@code mesh.client.requests}) and traces it, and says whether the
 * caller rather than the instance ended it ({@link CallerAbort}). An I/O failure is
 * returned in the {@link Attempt}, not thrown; the attempt stays open for
 * {@link AttemptOutcomes} to end, unless sending throws anything else, which ends it as
 * aborted before it propagates.
 */
final class AttemptSender {

	private static final long MILLI = 1_000_000L;

	private final ServiceRoute route;

	AttemptSender(ServiceRoute route) {
		this.route = route;
	}

	/**
	 * @param instance where to send it
	 * @param request the call's request
	 * @param body the call's body
	 * @param relative the call's URI relative to the service
	 * @param attemptNanos the time the attempt is given
	 * @param cutShort whether that is less than its full time
	 * ({@link CallerAbort#cutShort})
	 * @param token the token it carries, or {@code null}
	 * @param execution the rest of the RestClient's chain
	 * @param number the attempt's number in its call
	 * @return the attempt, answered or failed, still to be ended
	 */
	Attempt send(MeshInstance instance, HttpRequest request, byte[] body, URI relative, long attemptNanos,
			boolean cutShort, OAuth2AccessToken token, ClientHttpRequestExecution execution, int number) {
		URI target = ServiceUris.onInstance(instance, relative);
		AttemptRequest attemptRequest = new AttemptRequest(request, target, toMillis(attemptNanos), token);
		String method = request.getMethod().name();
		AttemptTracer.AttemptSpan span = this.route.attemptTracer()
			.start(attemptRequest.getHeaders(), this.route.serviceId(), instance.id(), method, number);
		long started = this.route.now();
		Attempt attempt = new Attempt(instance, started);
		String status = "NONE";
		String outcome = MeshOutcome.REJECTED;
		Throwable error = null;
		long ended = started;
		try {
			ClientHttpResponse response = execution.execute(attemptRequest, body);
			int code = response.getStatusCode().value();
			ended = this.route.now();
			// a 5xx that came only after the time the caller left ran out, as a service
			// whose own deadline passed answers: the caller's doing
			attempt.answered(response, ended,
					code >= 500 && CallerAbort.byDeadline(cutShort, attemptNanos, ended - started));
			status = MeshOutcome.statusTag(code);
			outcome = MeshOutcome.ofStatus(code);
		}
		catch (IOException ex) {
			ended = this.route.now();
			attempt.failed(ex, ended,
					CallerAbort.byInterrupt(ex) || CallerAbort.byDeadline(cutShort, attemptNanos, ended - started));
			status = "IO_ERROR";
			outcome = MeshOutcome.ofFailure(ex);
			error = ex;
		}
		catch (RuntimeException | Error ex) {
			// an interceptor or response that throws: nothing to judge the instance by,
			// but the attempt is over
			ended = this.route.now();
			attempt.end(AttemptResult.ABORTED, this.route.clock());
			error = ex;
			throw ex;
		}
		finally {
			// timed to its end as judged: the clock is read once per attempt
			this.route.recordAttempt(instance.id(), method, number, status, outcome, ended - started);
			span.end(status, outcome, error);
		}
		return attempt;
	}

	private static long toMillis(long nanos) {
		return Math.max(1, (nanos + MILLI - 1) / MILLI);
	}

}
