package dev.mesh.loadbalancer;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import dev.mesh.discovery.MeshClock;
import dev.mesh.discovery.InstanceState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.CompletionContext.Status;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.DefaultRequestContext;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.client.loadbalancer.EmptyResponse;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.ResponseData;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.util.LinkedMultiValueMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MeshLoadBalancerLifecycle}, driven with Spring Cloud's own request,
 * response and completion objects and a clock the test moves: each call's outcome must
 * land on the instance the balancer chose, as the {@code @MeshClient} pipeline records
 * it.
 */
class MeshLoadBalancerLifecycleTests {

	private final AtomicLong nanos = new AtomicLong(1_000);

	private List<ServiceInstance> listed;

	private MeshReactorLoadBalancer loadBalancer;

	private MeshLoadBalancerLifecycle lifecycle;

	@BeforeEach
	void setUp() {
		this.listed = new ArrayList<>(List.of(instance("a"), instance("b")));
		ServiceInstanceListSupplier supplier = new ServiceInstanceListSupplier() {

			@Override
			public String getServiceId() {
				return "inventory";
			}

			@Override
			public Flux<List<ServiceInstance>> get() {
				return Flux.defer(() -> Flux.just(List.copyOf(MeshLoadBalancerLifecycleTests.this.listed)));
			}

		};
		this.loadBalancer = new MeshReactorLoadBalancer(new StaticListableBeanFactory(Map.of("supplier", supplier))
			.getBeanProvider(ServiceInstanceListSupplier.class), "inventory", LoadBalancerPolicy.ROUND_ROBIN);
		this.lifecycle = new MeshLoadBalancerLifecycle(this.loadBalancer,
				MeshClock.of(Clock.systemUTC(), this.nanos::get));
	}

	@Test
	void countsACallInFlightFromItsStartToItsEndAndRecordsItsLatency() {
		Request<Object> request = request();
		Response<ServiceInstance> chosen = choose();
		this.lifecycle.onStart(request);
		this.lifecycle.onStartRequest(request, chosen);
		InstanceState state = stateOf(chosen);
		assertThat(state.inFlight()).isEqualTo(1);
		assertThat(state.requests()).isEqualTo(1);
		assertThat(state.unansweredSinceNanos()).as("unanswered from its start").isEqualTo(this.nanos.get());
		this.nanos.addAndGet(5_000_000);
		this.lifecycle.onComplete(new CompletionContext<>(Status.SUCCESS, request, chosen, response(HttpStatus.OK)));
		assertThat(state.inFlight()).isZero();
		assertThat(state.failures()).isZero();
		assertThat(state.peakEwmaSampledNanos()).isEqualTo(5_000_000.0);
		assertThat(state.peakEwmaStampNanos()).isEqualTo(this.nanos.get());
		assertThat(state.unansweredSinceNanos()).isEqualTo(this.nanos.get());
	}

	@Test
	void countsAServerErrorAsAFailureWhoseLatencyOnlyRaisesTheEstimate() {
		Response<ServiceInstance> chosen = choose();
		InstanceState state = stateOf(chosen);
		call(chosen, 50_000_000, Status.SUCCESS, response(HttpStatus.OK), null);
		call(chosen, 1_000_000, Status.SUCCESS, response(HttpStatus.SERVICE_UNAVAILABLE), null);
		assertThat(state.failures()).isEqualTo(1);
		assertThat(state.consecutiveFailures()).isEqualTo(1);
		assertThat(state.peakEwmaSampledNanos()).as("a fast 503 does not make the instance look fast")
			.isEqualTo(50_000_000.0);
		call(chosen, 90_000_000, Status.SUCCESS, response(HttpStatus.BAD_GATEWAY), null);
		assertThat(state.peakEwmaSampledNanos()).as("a slow failure raises the estimate").isEqualTo(90_000_000.0);
		assertThat(state.inFlight()).isZero();
	}

	@Test
	void countsAnIoErrorAsAFailureAlsoWhenAClientWrapsIt() {
		Response<ServiceInstance> chosen = choose();
		InstanceState state = stateOf(chosen);
		call(chosen, 2_000_000, Status.FAILED, null, new ConnectException("Connection refused"));
		call(chosen, 3_000_000, Status.FAILED, null,
				new IllegalStateException("I/O error", new IOException("Connection reset")));
		assertThat(state.failures()).isEqualTo(2);
		assertThat(state.requests()).isEqualTo(2);
		assertThat(state.inFlight()).isZero();
		assertThat(state.peakEwmaSampledNanos()).isEqualTo(3_000_000.0);
	}

	@Test
	void onlyEndsTheCallInFlightWhenItFailedWithAnythingButAnIoError() {
		Response<ServiceInstance> chosen = choose();
		InstanceState state = stateOf(chosen);
		call(chosen, 2_000_000, Status.FAILED, null, new IllegalArgumentException("bug in an interceptor"));
		assertThat(state.inFlight()).isZero();
		assertThat(state.failures()).isZero();
		assertThat(state.peakEwmaSampledNanos()).as("no latency sample").isEqualTo(-1.0);
	}

	@Test
	void ignoresADiscardedRequestAndAnInstanceTheBalancerDidNotHandOut() {
		Request<Object> request = request();
		this.lifecycle.onComplete(new CompletionContext<>(Status.DISCARD, request, new EmptyResponse()));
		Response<ServiceInstance> chosen = choose();
		Response<ServiceInstance> equal = new DefaultResponse(instance(chosen.getServer().getInstanceId()));
		this.lifecycle.onStartRequest(request, equal);
		this.lifecycle.onComplete(new CompletionContext<>(Status.SUCCESS, request, equal, response(HttpStatus.OK)));
		assertThat(stateOf(chosen).requests()).as("an equal instance object that the balancer did not hand out")
			.isZero();
		assertThat(stateOf(chosen).inFlight()).isZero();
	}

	@Test
	void recordsInFlightWithoutLatencyWhenTheRequestIsNotTimed() {
		Request<Object> request = new DefaultRequest<>("not a timed context");
		Response<ServiceInstance> chosen = choose();
		this.lifecycle.onStartRequest(request, chosen);
		assertThat(stateOf(chosen).inFlight()).isEqualTo(1);
		this.nanos.addAndGet(1_000_000);
		this.lifecycle.onStartRequest(request, chosen);
		this.nanos.addAndGet(2_000_000);
		this.lifecycle.onComplete(new CompletionContext<>(Status.SUCCESS, request, chosen, response(HttpStatus.OK)));
		assertThat(stateOf(chosen).inFlight()).isOne();
		assertThat(stateOf(chosen).peakEwmaSampledNanos()).isEqualTo(-1.0);
		assertThat(stateOf(chosen).unansweredSinceNanos()).as("an answer restarts the unanswered time, timed or not")
			.isEqualTo(this.nanos.get());
	}

	@Test
	void endsACallOnTheInstanceItStartedOnAfterTheInstanceLeftTheListAndKeepsItsCountersForItsReturn() {
		Request<Object> request = request();
		Response<ServiceInstance> chosen = choose();
		InstanceState state = stateOf(chosen);
		this.lifecycle.onStartRequest(request, chosen);
		this.listed.removeIf((instance) -> instance.getInstanceId().equals(chosen.getServer().getInstanceId()));
		Response<ServiceInstance> other = choose();
		assertThat(other.getServer().getInstanceId()).isNotEqualTo(chosen.getServer().getInstanceId());
		this.nanos.addAndGet(7_000_000);
		this.lifecycle.onComplete(new CompletionContext<>(Status.SUCCESS, request, chosen, response(HttpStatus.OK)));
		assertThat(state.inFlight()).isZero();
		this.listed.add(instance(chosen.getServer().getInstanceId()));
		choose();
		assertThat(this.loadBalancer.picker().instances()).extracting((instance) -> instance.state())
			.as("the returning instance has its counters")
			.contains(state);
		assertThat(state.peakEwmaSampledNanos()).isEqualTo(7_000_000.0);
	}

	@Test
	void supportsEveryRequestAndResponseTypeForServiceInstancesOfAMeshBalancerOnly() {
		assertThat(this.lifecycle.supports(DefaultRequestContext.class, Object.class, ServiceInstance.class)).isTrue();
		assertThat(this.lifecycle.supports(RequestDataContext.class, ResponseData.class, ServiceInstance.class))
			.isTrue();
		assertThat(this.lifecycle.supports(Object.class, Object.class, String.class)).isFalse();
		assertThat(new MeshLoadBalancerLifecycle(null, MeshClock.system()).supports(DefaultRequestContext.class,
				Object.class, ServiceInstance.class))
			.isFalse();
	}

	private void call(Response<ServiceInstance> chosen, long tookNanos, Status status, Object clientResponse,
			Throwable failure) {
		Request<Object> request = request();
		this.lifecycle.onStartRequest(request, chosen);
		this.nanos.addAndGet(tookNanos);
		this.lifecycle.onComplete((failure != null) ? new CompletionContext<>(status, failure, request, chosen)
				: new CompletionContext<>(status, request, chosen, clientResponse));
	}

	private Response<ServiceInstance> choose() {
		Response<ServiceInstance> response = this.loadBalancer.choose().block();
		assertThat(response).isNotNull();
		assertThat(response.hasServer()).isTrue();
		return response;
	}

	private InstanceState stateOf(Response<ServiceInstance> chosen) {
		return this.loadBalancer.instanceFor(chosen.getServer()).state();
	}

	private static Request<Object> request() {
		return new DefaultRequest<>(new DefaultRequestContext());
	}

	private static ResponseData response(HttpStatus status) {
		return new ResponseData(status, new HttpHeaders(), new LinkedMultiValueMap<>(), null);
	}

	private static ServiceInstance instance(String id) {
		return new DefaultServiceInstance(id, "inventory", id + ".local", 8080, false, Map.of("weight", "1"));
	}

}
