package dev.mesh.testsupport;

import java.util.List;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * A registry of one service, {@code inventory}, that lists what the test put in its list
 * at the moment it is asked.
 *
 * @param instances the instances, which the test may change
 */
public record ListDiscoveryClient(List<ServiceInstance> instances) implements DiscoveryClient {

	@Override
	public String description() {
		return "list";
	}

	@Override
	public List<ServiceInstance> getInstances(String serviceId) {
		return List.copyOf(this.instances);
	}

	@Override
	public List<String> getServices() {
		return List.of("inventory");
	}

}
