package dev.mesh.loadbalancer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.mesh.discovery.MeshClock;
import dev.mesh.discovery.MeshInstance;
import dev.mesh.discovery.MeshInstanceFactory;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.cloud.client.ServiceInstance;

/**
 * The {@link MeshInstance}s of one service as {@link MeshReactorLoadBalancer} has seen
 * them, so that an instance's counters (in flight, latency estimate) survive changes of
 * the list: a listed instance whose registration (id, address and metadata) is unchanged
 * keeps its {@link MeshInstance}. An instance that drops out of the list is kept for
 * {@value #KEEP_UNLISTED_NANOS} ns, and for as long as it has calls in flight, because
 * suppliers that filter per request (retry-aware, hints) leave instances out of some
 * lists only; its counters are there when it comes back, and a call that ends after it
 * left still ends on the instance it started on.
 *
 * <p>
 * {@link #find} maps a chosen {@link ServiceInstance} back to its {@link MeshInstance} by
 * object identity: the balancer always hands out {@link MeshInstance#serviceInstance()},
 * so the lookup is exact, allocates nothing and never confuses an instance with a
 * re-registered one of the same id.
 */
final class KnownInstances {

	private static final Log logger = LogFactory.getLog(KnownInstances.class);

	/** How long an instance that is no longer listed keeps its counters. */
	static final long KEEP_UNLISTED_NANOS = 60_000_000_000L;

	private final MeshInstanceFactory instanceFactory;

	private final MeshClock clock;

	/** Guarded by this. */
	private Map<String, Known> byId = new HashMap<>();

	/**
	 * Registrations left out (address that cannot be called), by id, kept as long as
	 * unlisted instances are, so each is logged once however often per-request filtering
	 * lists change; guarded by this.
	 */
	private Map<String, Rejected> rejected = new HashMap<>();

	/** Replaced, never changed, on each {@link #update}; read without a lock. */
	private volatile Map<ServiceInstance, MeshInstance> byServiceInstance = new IdentityHashMap<>();

	/**
	 * @param clock the clock: its monotonic time times how long unlisted instances are
	 * kept, its wall time is what a published start time in the future is clamped to
	 */
	KnownInstances(MeshClock clock) {
		this.clock = clock;
		this.instanceFactory = new MeshInstanceFactory(clock.wall());
	}

	/**
	 * Takes a new list from the supplier. Call it when the list changed, not per request.
	 * @param listed the instances, in the supplier's order
	 * @return their {@link MeshInstance}s, in the same order
	 */
	synchronized List<MeshInstance> update(List<ServiceInstance> listed) {
		long now = this.clock.nanoTime();
		Map<String, Known> previous = this.byId;
		Map<String, Known> byId = new HashMap<>();
		Map<String, Rejected> rejected = new HashMap<>();
		List<MeshInstance> instances = new ArrayList<>(listed.size());
		for (ServiceInstance serviceInstance : listed) {
			String id = idOf(serviceInstance);
			Known known = previous.get(id);
			MeshInstance instance;
			if (known != null && sameRegistration(known.instance.serviceInstance(), serviceInstance)) {
				instance = known.instance;
			}
			else {
				try {
					instance = this.instanceFactory.create(serviceInstance);
				}
				catch (IllegalArgumentException ex) {
					// an address that cannot be called: left out, the others are still
					// chosen
					Rejected last = this.rejected.get(id);
					if (last == null || !sameRegistration(last.serviceInstance, serviceInstance)) {
						logger.warn(ex.getMessage());
					}
					rejected.put(id, new Rejected(serviceInstance, now));
					continue;
				}
			}
			byId.put(id, new Known(instance, now));
			instances.add(instance);
		}
		for (Map.Entry<String, Known> entry : previous.entrySet()) {
			Known known = entry.getValue();
			if (!byId.containsKey(entry.getKey())
					&& (now - known.listedAtNanos < KEEP_UNLISTED_NANOS || known.instance.state().inFlight() > 0)) {
				byId.put(entry.getKey(), known);
			}
		}
		for (Map.Entry<String, Rejected> entry : this.rejected.entrySet()) {
			if (now - entry.getValue().listedAtNanos < KEEP_UNLISTED_NANOS) {
				rejected.putIfAbsent(entry.getKey(), entry.getValue());
			}
		}
		this.rejected = rejected;
		Map<ServiceInstance, MeshInstance> byServiceInstance = new IdentityHashMap<>(byId.size());
		for (Known known : byId.values()) {
			byServiceInstance.put(known.instance.serviceInstance(), known.instance);
		}
		this.byId = byId;
		this.byServiceInstance = byServiceInstance;
		return instances;
	}

	/**
	 * Finds the instance a chosen {@link ServiceInstance} belongs to.
	 * @param serviceInstance an instance the balancer chose
	 * @return its {@link MeshInstance}, or {@code null} for an instance this balancer did
	 * not hand out or no longer knows
	 */
	MeshInstance find(ServiceInstance serviceInstance) {
		return this.byServiceInstance.get(serviceInstance);
	}

	/**
	 * @return the number of instances known, listed or kept
	 */
	int size() {
		return this.byServiceInstance.size();
	}

	/**
	 * @param known an instance already seen
	 * @param other an instance from a new list
	 * @return whether both are the same registration: same id, address and metadata
	 */
	static boolean sameRegistration(ServiceInstance known, ServiceInstance other) {
		return known == other || (other != null && Objects.equals(known.getInstanceId(), other.getInstanceId())
				&& Objects.equals(known.getHost(), other.getHost()) && known.getPort() == other.getPort()
				&& known.isSecure() == other.isSecure() && Objects.equals(known.getScheme(), other.getScheme())
				&& Objects.equals(known.getMetadata(), other.getMetadata()));
	}

	/** The id {@link MeshInstance#id()} uses: the instance id, else {@code host:port}. */
	private static String idOf(ServiceInstance serviceInstance) {
		String instanceId = serviceInstance.getInstanceId();
		return (instanceId != null && !instanceId.isBlank()) ? instanceId
				: serviceInstance.getHost() + ":" + serviceInstance.getPort();
	}

	/** A known instance and when it was last listed. */
	private record Known(MeshInstance instance, long listedAtNanos) {
	}

	/** A registration left out and when it was last listed. */
	private record Rejected(ServiceInstance serviceInstance, long listedAtNanos) {
	}

}
