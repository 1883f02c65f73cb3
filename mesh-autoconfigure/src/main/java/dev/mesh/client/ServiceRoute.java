package dev.mesh.client;

import java.util.List;
import java.util.function.Consumer;

import dev.mesh.discovery.MeshInstance;
import dev.mesh.discovery.ServiceInstanceCache;
import dev.mesh.loadbalancer.InstanceFilter;
import dev.mesh.loadbalancer.InstancePicker;
import dev.mesh.loadbalancer.InstancePickers;

/**
 * The picker of one service, rebuilt on the discovery thread whenever the service's instances change,
 * so that a pick on the request thread is a single volatile read plus the picker's own work.
 */
final class ServiceRoute implements Consumer<List<MeshInstance>> {

	private final String serviceId;

	private final ClientPolicy policy;

	private final ServiceInstanceCache cache;

	private volatile InstancePicker picker;

	private volatile boolean loaded;

	ServiceRoute(String serviceId, ClientPolicy policy, ServiceInstanceCache cache) {
		this.serviceId = serviceId;
		this.policy = policy;
		this.cache = cache;
		this.picker = InstancePickers.create(policy.loadBalancer(), List.of());
		cache.watch(serviceId, this);
	}

	@Override
	public void accept(List<MeshInstance> instances) {
		this.picker = InstancePickers.create(this.policy.loadBalancer(), instances);
		this.loaded = true;
	}

	String serviceId() {
		return this.serviceId;
	}

	ClientPolicy policy() {
		return this.policy;
	}

	/**
	 * Picks an instance; only the very first call of a service that discovery has not loaded yet
	 * waits for the registry.
	 */
	MeshInstance pick(InstanceFilter filter) {
		if (!this.loaded) {
			this.cache.ensureLoaded(this.serviceId);
		}
		return this.picker.pick(filter);
	}

	List<MeshInstance> instances() {
		return this.picker.instances();
	}

}
