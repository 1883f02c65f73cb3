package dev.mesh.testsupport;

import java.util.ArrayList;
import java.util.List;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.simple.InstanceProperties;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryProperties;

/**
 * Changes what Spring Cloud's simple discovery lists for a service while an application
 * runs, as a registry's changes would (Spring Cloud 2025.1 keeps
 * {@link InstanceProperties}).
 */
public final class SimpleDiscoveryRegistry {

	private SimpleDiscoveryRegistry() {
	}

	/**
	 * @param registry the application's simple discovery properties
	 * @param serviceId the service
	 * @return what it lists for the service now
	 */
	public static List<ServiceInstance> instances(SimpleDiscoveryProperties registry, String serviceId) {
		return registry.getInstances()
			.getOrDefault(serviceId, List.of())
			.stream()
			.map(InstanceProperties::toServiceInstance)
			.toList();
	}

	/**
	 * @param registry the application's simple discovery properties
	 * @param serviceId the service
	 * @param instances what it should list from now on
	 */
	public static void list(SimpleDiscoveryProperties registry, String serviceId,
			List<? extends ServiceInstance> instances) {
		List<InstanceProperties> listed = new ArrayList<>();
		for (ServiceInstance instance : instances) {
			InstanceProperties properties = new InstanceProperties();
			properties.setInstanceId(instance.getInstanceId());
			properties.setServiceId(serviceId);
			properties.setHost(instance.getHost());
			properties.setPort(instance.getPort());
			properties.setSecure(instance.isSecure());
			properties.setMetadata(new java.util.LinkedHashMap<>(instance.getMetadata()));
			listed.add(properties);
		}
		registry.getInstances().put(serviceId, listed);
	}

}
