package dev.mesh.autoconfigure;

import java.util.HashMap;
import java.util.Map;

import dev.mesh.discovery.MeshMetadata;
import dev.mesh.discovery.WeightPublisher;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.consul.serviceregistry.ConsulAutoRegistration;
import org.springframework.cloud.consul.serviceregistry.ConsulServiceRegistry;

/**
 * Publishes a weight changed at run time to Consul: sets {@code weight} in the service
 * {@code Meta} of this instance's registration and registers it again through Spring
 * Cloud Consul's {@link ConsulServiceRegistry} (Consul replaces a registration with the
 * same id). Without a Consul registration (Consul off, or static discovery) the weight
 * stays local.
 */
final class ConsulWeightPublisher implements WeightPublisher {

	private final ObjectProvider<ConsulAutoRegistration> registration;

	private final ObjectProvider<ConsulServiceRegistry> registry;

	ConsulWeightPublisher(ObjectProvider<ConsulAutoRegistration> registration,
			ObjectProvider<ConsulServiceRegistry> registry) {
		this.registration = registration;
		this.registry = registry;
	}

	@Override
	public String registry() {
		return (this.registration.getIfAvailable() != null && this.registry.getIfAvailable() != null) ? "consul" : null;
	}

	@Override
	public void publish(int weight) {
		ConsulAutoRegistration registration = this.registration.getIfAvailable();
		ConsulServiceRegistry registry = this.registry.getIfAvailable();
		if (registration == null || registry == null) {
			return;
		}
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
