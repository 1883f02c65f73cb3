package dev.mesh.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import dev.mesh.client.MeshClientFactory;
import dev.mesh.discovery.InstanceWeight;
import dev.mesh.discovery.WeightPublisher;
import dev.mesh.observability.MeshEndpoint;
import dev.mesh.observability.MeshHealthReport;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Auto-configuration for the {@code mesh} health contributor and the {@code mesh}
 * actuator endpoint. The health contributor's configuration is each Boot line's own
 * ({@link MeshHealthConfiguration}): Boot 4 moved the health API to another package.
 */
@AutoConfiguration(after = MeshClientAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(MeshClientFactory.class)
@ConditionalOnMeshEnabled
@Import({ MeshPropertiesConfiguration.class, MeshHealthConfiguration.class })
public class MeshObservabilityAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	MeshEndpoint meshEndpoint(MeshClientFactory clients, MeshProperties properties,
			ObjectProvider<Registration> registration, InstanceWeight weight,
			ObjectProvider<WeightPublisher> publisher) {
		return new MeshEndpoint(clients, self(properties, registration, weight), weight,
				() -> publisher.getIfAvailable(() -> WeightPublisher.LOCAL),
				(service) -> clients.policy(service).outlier().longestEjectionTime());
	}

	/**
	 * @param clients the mesh clients
	 * @param properties the mesh's properties
	 * @param registration this instance's registration, when it has one
	 * @return the {@code mesh} health component's report as of each call, for each Boot
	 * line's {@code MeshHealthIndicator}
	 */
	static Supplier<MeshHealthReport> healthReport(MeshClientFactory clients, MeshProperties properties,
			ObjectProvider<Registration> registration, InstanceWeight weight) {
		Supplier<Map<String, Object>> self = self(properties, registration, weight);
		boolean downstreamAffectsStatus = properties.getHealth().isDownstreamAffectsStatus();
		return () -> MeshHealthReport.of(clients, self, downstreamAffectsStatus);
	}

	private static Supplier<Map<String, Object>> self(MeshProperties properties,
			ObjectProvider<Registration> registration, InstanceWeight weight) {
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
			self.put("weight", weight.current());
			self.put("configuredWeight", weight.configured());
			self.put("zone", properties.getInstance().getZone());
			self.put("version", properties.getInstance().getVersion());
			self.put("warmup", properties.getInstance().getWarmup());
			return self;
		};
	}

}
