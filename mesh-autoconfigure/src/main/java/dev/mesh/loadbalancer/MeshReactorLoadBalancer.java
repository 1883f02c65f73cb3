package dev.mesh.loadbalancer;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

import dev.mesh.discovery.MeshInstance;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.client.loadbalancer.EmptyResponse;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.NoopServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.core.SelectedInstanceCallback;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;

/**
 * Spring Cloud LoadBalancer's SPI over the mesh pickers, so {@code @LoadBalanced} clients can use
 * {@link LoadBalancerPolicy#WEIGHTED_ROUND_ROBIN weighted round robin} and the other policies with the
 * {@code weight} metadata every mesh instance publishes. Usually declared by
 * {@link MeshLoadBalancerClientConfiguration}, together with the {@link MeshLoadBalancerLifecycle} that
 * feeds each call's start, end and latency back to the chosen instance, which
 * {@link LoadBalancerPolicy#LEAST_REQUEST least-request} and {@link LoadBalancerPolicy#PEAK_EWMA peak-ewma}
 * pick by.
 *
 * <p>Each {@link #choose(Request) choose} takes the current list from the
 * {@link ServiceInstanceListSupplier} and reuses the picker built for the previous list while the
 * instances are the same (same registration: id, host, port, scheme and metadata), so the pick order
 * carries on across calls even when the supplier hands out a new list object every time. A changed
 * list gets a new picker, built on the calling thread; instances whose registration did not change keep
 * their counters ({@link KnownInstances}). Suppliers that filter the list per request
 * (hints, sticky sessions) change it on most calls, so each call pays for a new picker and weighted
 * round robin loses its exact order; {@link LoadBalancerPolicy#WEIGHTED_RANDOM} suits them better.
 */
public final class MeshReactorLoadBalancer implements ReactorServiceInstanceLoadBalancer {

	private static final Log logger = LogFactory.getLog(MeshReactorLoadBalancer.class);

	private final ObjectProvider<ServiceInstanceListSupplier> supplierProvider;

	private final String serviceId;

	private final LoadBalancerPolicy policy;

	private final KnownInstances known = new KnownInstances(System::nanoTime);

	private final AtomicReference<PickerForList> current = new AtomicReference<>();

	/**
	 * Creates a load balancer for one service.
	 * @param supplierProvider gives the supplier of the service's instance lists, looked up on each
	 * choice as Spring Cloud's own load balancers do
	 * @param serviceId the service
	 * @param policy how to spread choices over the instances
	 */
	public MeshReactorLoadBalancer(ObjectProvider<ServiceInstanceListSupplier> supplierProvider, String serviceId,
			LoadBalancerPolicy policy) {
		this.supplierProvider = Objects.requireNonNull(supplierProvider, "supplierProvider");
		this.serviceId = Objects.requireNonNull(serviceId, "serviceId");
		this.policy = Objects.requireNonNull(policy, "policy");
	}

	@Override
	public Mono<Response<ServiceInstance>> choose(Request request) {
		ServiceInstanceListSupplier supplier = this.supplierProvider
			.getIfAvailable(NoopServiceInstanceListSupplier::new);
		return supplier.get(request).next().map((instances) -> choose(supplier, instances));
	}

	private Response<ServiceInstance> choose(ServiceInstanceListSupplier supplier, List<ServiceInstance> instances) {
		MeshInstance picked = pickerFor(instances).pick(InstanceFilter.ALL);
		if (picked == null) {
			if (logger.isDebugEnabled()) {
				logger.debug("No instance of service '" + this.serviceId + "' to choose from");
			}
			return new EmptyResponse();
		}
		ServiceInstance chosen = picked.serviceInstance();
		if (supplier instanceof SelectedInstanceCallback callback) {
			callback.selectedServiceInstance(chosen);
		}
		return new DefaultResponse(chosen);
	}

	private InstancePicker pickerFor(List<ServiceInstance> instances) {
		PickerForList last = this.current.get();
		if (last != null && last.isFor(instances)) {
			return last.picker;
		}
		List<ServiceInstance> source = List.copyOf(instances);
		List<MeshInstance> meshInstances = this.known.update(source);
		PickerForList built = new PickerForList(source, InstancePickers.create(this.policy, meshInstances));
		this.current.set(built);
		return built.picker;
	}

	/**
	 * Finds the instance behind a {@link ServiceInstance} this balancer chose, for
	 * {@link MeshLoadBalancerLifecycle}. Allocates nothing.
	 * @param serviceInstance the chosen instance
	 * @return its {@link MeshInstance}, or {@code null} when this balancer did not choose it
	 */
	MeshInstance instanceFor(ServiceInstance serviceInstance) {
		return this.known.find(serviceInstance);
	}

	/** @return the picker of the last list, or {@code null} before the first choice */
	InstancePicker picker() {
		PickerForList last = this.current.get();
		return (last != null) ? last.picker : null;
	}

	/** @return the policy choices follow */
	public LoadBalancerPolicy policy() {
		return this.policy;
	}

	@Override
	public String toString() {
		return "MeshReactorLoadBalancer(" + this.serviceId + ", " + this.policy.configName() + ")";
	}

	/**
	 * A picker and a copy of the list it was built from, swapped in as one value.
	 */
	private static final class PickerForList {

		private final List<ServiceInstance> source;

		private final InstancePicker picker;

		PickerForList(List<ServiceInstance> source, InstancePicker picker) {
			this.source = source;
			this.picker = picker;
		}

		boolean isFor(List<ServiceInstance> instances) {
			int size = this.source.size();
			if (instances.size() != size) {
				return false;
			}
			for (int i = 0; i < size; i++) {
				if (!KnownInstances.sameRegistration(this.source.get(i), instances.get(i))) {
					return false;
				}
			}
			return true;
		}

	}

}
