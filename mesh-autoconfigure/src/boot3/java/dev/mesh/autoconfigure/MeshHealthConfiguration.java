package dev.mesh.autoconfigure;

import dev.mesh.client.MeshClientFactory;
import dev.mesh.discovery.InstanceWeight;
import dev.mesh.observability.MeshHealthIndicator;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code mesh} health contributor on Spring Boot 3.5, imported by
 * {@link MeshObservabilityAutoConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(HealthIndicator.class)
class MeshHealthConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "meshHealthIndicator")
	@ConditionalOnEnabledHealthIndicator("mesh")
	MeshHealthIndicator meshHealthIndicator(MeshClientFactory clients, MeshProperties properties,
			ObjectProvider<Registration> registration, InstanceWeight weight) {
		return new MeshHealthIndicator(MeshObservabilityAutoConfiguration.healthReport(clients, properties, registration, weight));
	}

}
