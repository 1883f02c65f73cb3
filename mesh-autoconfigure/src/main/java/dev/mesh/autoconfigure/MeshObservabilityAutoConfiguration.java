package dev.mesh.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import dev.mesh.client.MeshClientFactory;
import dev.mesh.observability.MeshEndpoint;
import dev.mesh.observability.MeshHealthIndicator;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration for the {@code mesh} health contributor and the {@code mesh}
 * actuator endpoint.
 */
@AutoConfiguration(after = MeshClientAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(MeshClientFactory.class)
@ConditionalOnMeshEnabled
public class MeshObservabilityAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "meshHealthIndicator")
	@ConditionalOnEnabledHealthIndicator("mesh")
	MeshHealthIndicator meshHealthIndicator(MeshClientFactory clients, MeshProperties properties,
			ObjectProvider<Registration> registration) {
		return new MeshHealthIndicator(clients, self(properties, registration),
				properties.getHealth().isDownstreamAffectsStatus());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	MeshEndpoint meshEndpoint(MeshClientFactory clients, MeshProperties properties,
			ObjectProvider<Registration> registration) {
		return new MeshEndpoint(clients, self(properties, registration));
	}

	private static Supplier<Map<String, Object>> self(MeshProperties properties,
			ObjectProvider<Registration> registration) {
		return () -> {
			Map<String, Object> self = new LinkedHashMap<>();
			Registration current = registration.getIfAvailable();
			if (current != null) {
				self.put("serviceId", current.getServiceId());
				self.put("instanceId", current.getInstanceId());
				self.put("host", current.getHost());
				self.put("port", current.getPort());
				self.put("registered", true);
			}
			else {
				self.put("registered", false);
			}
			self.put("weight", properties.getInstance().getWeight());
			self.put("zone", properties.getInstance().getZone());
			self.put("version", properties.getInstance().getVersion());
			self.put("warmup", properties.getInstance().getWarmup());
			return self;
		};
	}

}
