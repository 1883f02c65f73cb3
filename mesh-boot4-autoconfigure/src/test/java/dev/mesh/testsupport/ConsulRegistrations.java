package dev.mesh.testsupport;

import java.util.Map;

import org.springframework.cloud.commons.util.InetUtils;
import org.springframework.cloud.commons.util.InetUtilsProperties;
import org.springframework.cloud.consul.discovery.ConsulDiscoveryProperties;
import org.springframework.cloud.consul.model.http.agent.NewService;
import org.springframework.cloud.consul.serviceregistry.ConsulRegistration;

/**
 * Spring Cloud Consul registrations as its auto-registration makes them, before
 * customizers run (Spring Cloud Consul 5, with its own service model).
 */
public final class ConsulRegistrations {

	private ConsulRegistrations() {
	}

	/**
	 * @param meta the service's meta, or {@code null} for none
	 * @return a registration of a service with that meta
	 */
	public static ConsulRegistration withMeta(Map<String, String> meta) {
		NewService service = new NewService();
		service.setMeta(meta);
		return new ConsulRegistration(service, new ConsulDiscoveryProperties(new InetUtils(new InetUtilsProperties())));
	}

}
