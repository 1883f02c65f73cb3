package dev.mesh.loadbalancer;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

import dev.mesh.discovery.MeshClock;
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
 * Spring Cloud LoadBalancer's SPI over the mesh pickers, so {@code @LoadBalanced} clients
 * can use {@link LoadBalancerPolicy#WEIGHTED_ROUND_ROBIN weighted round robin} and the
 * other policies with the {@code weight} metadata every mesh instance publishes, plus
 * zone affinity and slow start. Usually declared by
 * {@link MeshLoadBalancerClientConfiguration}, together with the
 * {@link MeshLoadBalancerLifecycle} that feeds each call's start, end and latency back to
 * the chosen instance, which {@link LoadBalancerPolicy#LEAST_REQUEST least-request} and
 * {@link LoadBalancerPolicy#PEAK_EWMA peak-ewma} pick by.
 *
 * <p>
 * Each {@link #choose(Request) choose} takes the current list from the
 * {@link ServiceInstanceListSupplier} and reuses the picker built for the previous list
 * while the instances are the same (same registration: id, host, port, scheme and
 * metadata), so the pick order carries on across calls even when the supplier hands out a
 * new list object every time. A changed list gets a new picker, built on the calling
 * thread by the {@link PickerBuilder} the {@code @MeshClient} path uses too; instances
 * whose registration did not change keep their counters ({@link KnownInstances}).
 * Suppliers that filter the list per request (hints, sticky sessions) change it on most
 * calls, so each call pays for a new picker and weighted round robin loses its exact
 * order; {@link LoadBalancerPolicy#WEIGHTED_RANDOM} suits them better.
 *
 * <p>
 * <b>Zone affinity</b> ({@link ZoneAffinityPolicy#active() active}: on, and this instance
 * has a zone) builds a {@link ZoneAffinityPicker}: picks go to the listed instances of
 * the local zone that have a weight, and to every zone when the list has none. There is
 * no outlier ejection here, so every listed instance counts as available and
 * {@link ZoneAffinityPolicy#minAvailablePercent()} has no effect; calls spill over when
 * the supplier stops listing the local instances (discovery, or Spring Cloud's
 * health-check and retry-aware suppliers).
 *
 * <p>
 * <b>Slow start</b> builds the picker from the {@link SlowStart} effective weights. While
 * any instance is still warming, the picker records when its weights are due again
 * ({@link SlowStart.Weights#step()}, 100 ms to 1 s), and the first {@code choose} after
 * that recomputes them on the calling thread: a new picker when they changed, the same
 * one (so its order carries on) when not. Once every instance is warm, nothing is
 * recomputed and a choice does no extra work. There is no background thread because the
 * balancer has none to borrow (the {@code @MeshClient} path uses its discovery thread)
 * and only calls need fresh weights; a service that is not called does not need them
 * recomputed. Several threads that find the weights due at the same moment may each
 * recompute them; one result is kept.
 */
public final class MeshReactorLoadBalancer implements ReactorServiceInstanceLoadBalancer {

	private static final Log logger = LogFactory.getLog(MeshReactorLoadBalancer.class);

	private final ObjectProvider<ServiceInstanceListSupplier> supplierProvider;

	private final String serviceId;

	private final LoadBalancerPolicy policy;

	private final ZoneAffinityPolicy zoneAffinity;

	private final SlowStartPolicy slowStartPolicy;

	private final PickerBuilder pickers;

	private final KnownInstances known;

	private final AtomicReference<PickerForList> current = new AtomicReference<>();

	/**
	 * Creates a load balancer for one service, without zone affinity or slow start.
	 * @param supplierProvider gives the supplier of the service's instance lists, looked
	 * up on each choice as Spring Cloud's own load balancers do
	 * @param serviceId the service
	 * @param policy how to spread choices over the instances
	 */
	public MeshReactorLoadBalancer(ObjectProvider<ServiceInstanceListSupplier> supplierProvider, String serviceId,
			LoadBalancerPolicy policy) {
		this(supplierProvider, serviceId, policy, ZoneAffinityPolicy.DEFAULTS, SlowStartPolicy.DEFAULTS);
	}

	/**
	 * Creates a load balancer for one service.
	 * @param supplierProvider gives the supplier of the service's instance lists, looked
	 * up on each choice as Spring Cloud's own load balancers do
	 * @param serviceId the service
	 * @param policy how to spread choices over the instances
	 * @param zoneAffinity whether to prefer the local zone's instances
	 * @param slowStart how to ramp up recently started instances
	 */
	public MeshReactorLoadBalancer(ObjectProvider<ServiceInstanceListSupplier> supplierProvider, String serviceId,
			LoadBalancerPolicy policy, ZoneAffinityPolicy zoneAffinity, SlowStartPolicy slowStart) {
		this(supplierProvider, serviceId, policy, zoneAffinity, slowStart, MeshClock.system());
	}

	/**
	 * @param clock the clock: slow start compares start times with its wall time, which
	 * also times recomputations; its monotonic time times how long unlisted instances are
	 * remembered, and {@link MeshLoadBalancerLifecycle} must stamp the instances'
	 * attempts with it
	 */
	MeshReactorLoadBalancer(ObjectProvider<ServiceInstanceListSupplier> supplierProvider, String serviceId,
			LoadBalancerPolicy policy, ZoneAffinityPolicy zoneAffinity, SlowStartPolicy slowStart, MeshClock clock) {
		this.supplierProvider = Objects.requireNonNull(supplierProvider, "supplierProvider");
		this.serviceId = Objects.requireNonNull(serviceId, "serviceId");
		this.policy = Objects.requireNonNull(policy, "policy");
		this.zoneAffinity = Objects.requireNonNull(zoneAffinity, "zoneAffinity");
		this.slowStartPolicy = Objects.requireNonNull(slowStart, "slowStart");
		this.pickers = new PickerBuilder(policy, zoneAffinity, slowStart, clock);
		this.known = new KnownInstances(clock);
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
			if (this.pickers.due(last.built)) {
				return reweigh(last);
			}
			return last.built.picker();
		}
		List<ServiceInstance> source = List.copyOf(instances);
		// No ejection here: every listed instance is available.
		PickerForList built = new PickerForList(source,
				this.pickers.build(this.known.update(source), InstanceFilter.ALL));
		this.current.set(built);
		return built.built.picker();
	}

	/**
	 * Recomputes the effective weights of warming instances; keeps the picker when they
	 * did not change.
	 */
	private InstancePicker reweigh(PickerForList last) {
		PickerForList next = new PickerForList(last.source, this.pickers.reweigh(last.built, InstanceFilter.ALL));
		this.current.compareAndSet(last, next);
		return next.built.picker();
	}

	/**
	 * Finds the instance behind a {@link ServiceInstance} this balancer chose, for
	 * {@link MeshLoadBalancerLifecycle}. Allocates nothing.
	 * @param serviceInstance the chosen instance
	 * @return its {@link MeshInstance}, or {@code null} when this balancer did not choose
	 * it
	 */
	MeshInstance instanceFor(ServiceInstance serviceInstance) {
		return this.known.find(serviceInstance);
	}

	/**
	 * @return the picker of the last list, or {@code null} before the first choice
	 */
	InstancePicker picker() {
		PickerForList last = this.current.get();
		return (last != null) ? last.built.picker() : null;
	}

	/**
	 * @return the policy choices follow
	 */
	public LoadBalancerPolicy policy() {
		return this.policy;
	}

	/**
	 * @return the zone affinity settings
	 */
	ZoneAffinityPolicy zoneAffinity() {
		return this.zoneAffinity;
	}

	/**
	 * @return the slow start settings
	 */
	SlowStartPolicy slowStart() {
		return this.slowStartPolicy;
	}

	@Override
	public String toString() {
		return "MeshReactorLoadBalancer(" + this.serviceId + ", " + this.policy.configName() + ")";
	}

	/**
	 * A picker built for a list, and a copy of the list it was built from, swapped in as
	 * one value.
	 */
	private static final class PickerForList {

		private final List<ServiceInstance> source;

		private final PickerBuilder.Built built;

		PickerForList(List<ServiceInstance> source, PickerBuilder.Built built) {
			this.source = source;
			this.built = built;
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
