package dev.mesh.loadbalancer;

import java.io.IOException;
import dev.mesh.discovery.InstanceState;
import dev.mesh.discovery.InstanceState.AttemptResult;
import dev.mesh.discovery.MeshClock;
import dev.mesh.discovery.MeshInstance;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.ResponseData;
import org.springframework.cloud.client.loadbalancer.TimedRequestContext;
import org.springframework.http.HttpStatusCode;

/**
 * Feeds the outcome of each call a {@link MeshReactorLoadBalancer} chose an instance for
 * back to that instance's {@link InstanceState}, as the {@code @MeshClient} pipeline
 * does, so that {@link LoadBalancerPolicy#LEAST_REQUEST least-request} and
 * {@link LoadBalancerPolicy#PEAK_EWMA peak-ewma} see in-flight counts and latencies:
 * {@link InstanceState#attemptStarted(long)} when the request starts, and
 * {@link InstanceState#attemptEnded} with its latency when it completes: a failure for an
 * I/O error or a response of 500 or above, else a success. A call that failed with
 * anything but an I/O error (a bug, a cancelled exchange) ends as aborted, as in the
 * pipeline.
 *
 * <p>
 * Spring Cloud LoadBalancer calls it from the client's own context: the blocking client
 * behind {@code @LoadBalanced} {@code RestTemplate}/{@code RestClient}, its retrying
 * variant and the reactive {@code WebClient} filter all look up the
 * {@code LoadBalancerLifecycle} beans of the service's context. The start time lives in
 * the request's {@link TimedRequestContext}, which Spring Cloud creates per call
 * (Micrometer's lifecycle sets the same field at the same moment). Instances that the
 * balancer did not choose, and calls whose request context is not timed, are counted
 * without latency or not at all, never wrongly.
 */
final class MeshLoadBalancerLifecycle implements LoadBalancerLifecycle<Object, Object, ServiceInstance> {

	/** How deep to look for an I/O error in a chain of causes, which may loop. */
	private static final int MAX_CAUSES = 10;

	private final MeshReactorLoadBalancer loadBalancer;

	private final MeshClock clock;

	/**
	 * @param loadBalancer the balancer whose choices to follow, or {@code null} when the
	 * service's balancer is not a mesh one (then this lifecycle supports nothing)
	 * @param clock the clock of the latency estimates: the balancer's
	 */
	MeshLoadBalancerLifecycle(MeshReactorLoadBalancer loadBalancer, MeshClock clock) {
		this.loadBalancer = loadBalancer;
		this.clock = clock;
	}

	@Override
	public boolean supports(Class requestContextClass, Class responseClass, Class serverTypeClass) {
		return this.loadBalancer != null && ServiceInstance.class.isAssignableFrom(serverTypeClass);
	}

	@Override
	public void onStart(Request<Object> request) {
	}

	@Override
	public void onStartRequest(Request<Object> request, Response<ServiceInstance> lbResponse) {
		MeshInstance instance = instanceOf(lbResponse);
		if (instance == null) {
			return;
		}
		long now = this.clock.nanoTime();
		if (request != null && request.getContext() instanceof TimedRequestContext timed) {
			timed.setRequestStartTime(now);
		}
		instance.state().attemptStarted(now);
	}

	@Override
	public void onComplete(CompletionContext<Object, ServiceInstance, Object> completionContext) {
		if (completionContext.status() == CompletionContext.Status.DISCARD) {
			// Nothing was chosen, so nothing was started.
			return;
		}
		MeshInstance instance = instanceOf(completionContext.getLoadBalancerResponse());
		if (instance == null) {
			return;
		}
		InstanceState state = instance.state();
		AttemptResult result;
		if (completionContext.status() == CompletionContext.Status.FAILED) {
			result = isIoFailure(completionContext.getThrowable()) ? AttemptResult.FAILED : AttemptResult.ABORTED;
		}
		else {
			result = isServerError(completionContext.getClientResponse()) ? AttemptResult.FAILED
					: AttemptResult.SUCCEEDED;
		}
		long started = startOf(completionContext.getLoadBalancerRequest());
		long ended = this.clock.nanoTime();
		state.attemptEnded(result, (started != 0) ? ended - started : -1, ended);
	}

	private MeshInstance instanceOf(Response<ServiceInstance> lbResponse) {
		if (lbResponse == null || !lbResponse.hasServer()) {
			return null;
		}
		return this.loadBalancer.instanceFor(lbResponse.getServer());
	}

	private static long startOf(Request<Object> request) {
		return (request != null && request.getContext() instanceof TimedRequestContext timed)
				? timed.getRequestStartTime() : 0;
	}

	/**
	 * An I/O error, directly or as the cause of a client's wrapper
	 * ({@code ResourceAccessException}, {@code WebClientRequestException}): connect
	 * failure, reset, read timeout.
	 */
	private static boolean isIoFailure(Throwable throwable) {
		Throwable cause = throwable;
		for (int depth = 0; cause != null && depth < MAX_CAUSES; depth++) {
			if (cause instanceof IOException) {
				return true;
			}
			cause = cause.getCause();
		}
		return false;
	}

	private static boolean isServerError(Object clientResponse) {
		if (clientResponse instanceof ResponseData data) {
			HttpStatusCode status = data.getHttpStatus();
			return status != null && status.value() >= 500;
		}
		return false;
	}

	@Override
	public String toString() {
		return "MeshLoadBalancerLifecycle(" + this.loadBalancer + ")";
	}

}
