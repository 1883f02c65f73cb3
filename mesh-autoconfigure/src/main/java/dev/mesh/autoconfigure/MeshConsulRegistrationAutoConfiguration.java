package dev.mesh.autoconfigure;

import java.util.HashMap;
import java.util.Map;

import dev.mesh.discovery.MeshMetadata;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.consul.serviceregistry.ConsulRegistrationCustomizer;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration for publishing this instance's weight, zone and version as Consul service
 * {@code Meta} when Spring Cloud Consul registers it.
 */
@AutoConfiguration
@ConditionalOnClass(ConsulRegistrationCustomizer.class)
@ConditionalOnMeshEnabled
@EnableConfigurationProperties(MeshProperties.class)
public class MeshConsulRegistrationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "meshConsulRegistrationCustomizer")
	ConsulRegistrationCustomizer meshConsulRegistrationCustomizer(MeshProperties properties) {
		Map<String, String> metadata = MeshMetadata.of(properties.getInstance().getWeight(),
				properties.getInstance().getZone(), properties.getInstance().getVersion());
		return (registration) -> {
			Map<String, String> meta = registration.getService().getMeta();
			Map<String, String> merged = (meta != null) ? new HashMap<>(meta) : new HashMap<>();
			merged.putAll(metadata);
			registration.getService().setMeta(merged);
		};
	}

}
