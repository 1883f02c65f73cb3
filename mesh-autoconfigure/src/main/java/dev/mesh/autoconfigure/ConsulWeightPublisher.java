package dev.mesh.autoconfigure;

import java.util.HashMap;
import java.util.Map;

import dev.mesh.discovery.MeshMetadata;
import dev.mesh.discovery.WeightPublisher;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.consul.discovery.ConsulDiscoveryProperties;
import org.springframework.cloud.consul.serviceregistry.ConsulAutoRegistration;
import org.springframework.cloud.consul.serviceregistry.ConsulAutoServiceRegistration;
import org.springframework.cloud.consul.serviceregistry.ConsulServiceRegistry;

/**
 * Publishes a weight changed at run time to Consul: sets {@code weight} in the service
 * {@code Meta} of this instance's registration and registers it again through Spring
 * Cloud Consul's {@link ConsulServiceRegistry} (Consul replaces a registration with the
 * same id). Only while Spring Cloud Consul's auto-registration is running: without it
 * (Consul off, static discovery, {@code spring.cloud.consul.discovery.register=false}, or
 * after a drain deregistered the instance) the weight stays local, so a weight change
 * never registers an instance the application did not want in Consul, or put a draining
 * one back.
 */
final class ConsulWeightPublisher implements WeightPublisher {

	private final ObjectProvider<ConsulAutoRegistration> registration;

	private final ObjectProvider<ConsulServiceRegistry> registry;

	private final ObjectProvider<ConsulAutoServiceRegistration> autoRegistration;

	private final ObjectProvider<ConsulDiscoveryProperties> discovery;

	ConsulWeightPublisher(ObjectProvider<ConsulAutoRegistration> registration,
			ObjectProvider<ConsulServiceRegistry> registry,
			ObjectProvider<ConsulAutoServiceRegistration> autoRegistration,
			ObjectProvider<ConsulDiscoveryProperties> discovery) {
		this.registration = registration;
		this.registry = registry;
		this.autoRegistration = autoRegistration;
		this.discovery = discovery;
	}

	@Override
	public String registry() {
		return registered() ? "consul" : null;
	}

	private boolean registered() {
		// the auto-registration runs (and says so) with register=false too: it only
		// skips the call to Consul
		ConsulAutoServiceRegistration running = this.autoRegistration.getIfAvailable();
		ConsulDiscoveryProperties properties = this.discovery.getIfAvailable();
		return running != null && running.isRunning() && properties != null && properties.isRegister()
				&& this.registration.getIfAvailable() != null && this.registry.getIfAvailable() != null;
	}

	@Override
	public void publish(int weight) {
		if (!registered()) {
			return;
		}
		ConsulAutoRegistration registration = this.registration.getObject();
		ConsulServiceRegistry registry = this.registry.getObject();
		Map<String, String> before = registration.getService().getMeta();
		Map<String, String> meta = (before != null) ? new HashMap<>(before) : new HashMap<>();
		meta.put(MeshMetadata.WEIGHT, Integer.toString(weight));
		registration.getService().setMeta(meta);
		try {
			registry.register(registration);
		}
		catch (RuntimeException ex) {
			registration.getService().setMeta(before);
			throw ex;
		}
	}

}
