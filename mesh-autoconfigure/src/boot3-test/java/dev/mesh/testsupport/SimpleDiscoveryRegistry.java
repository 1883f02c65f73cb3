package dev.mesh.testsupport;

import java.util.ArrayList;
import java.util.List;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryProperties;

/**
 * Changes what Spring Cloud's simple discovery lists for a service while an application
 * runs, as a registry's changes would (Spring Cloud 2025.0 keeps
 * {@link DefaultServiceInstance}s; 2025.1 its own type).
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
		return List.copyOf(registry.getInstances().getOrDefault(serviceId, List.of()));
	}

	/**
	 * @param registry the application's simple discovery properties
	 * @param serviceId the service
	 * @param instances what it should list from now on
	 */
	public static void list(SimpleDiscoveryProperties registry, String serviceId,
			List<? extends ServiceInstance> instances) {
		List<DefaultServiceInstance> listed = new ArrayList<>();
		for (ServiceInstance instance : instances) {
			listed.add(new DefaultServiceInstance(instance.getInstanceId(), serviceId, instance.getHost(),
					instance.getPort(), instance.isSecure(), instance.getMetadata()));
		}
		registry.getInstances().put(serviceId, listed);
	}

}
