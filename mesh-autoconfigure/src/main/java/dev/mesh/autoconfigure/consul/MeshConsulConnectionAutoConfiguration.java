package dev.mesh.autoconfigure.consul;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.cloud.consul.ConsulProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration for pointing Spring Cloud Consul at {@link ConsulConnectionDetails},
 * when a bean of that type exists (for example from a
 * {@code @ServiceConnection ConsulContainer}).
 */
@AutoConfiguration
@ConditionalOnClass(ConsulProperties.class)
public class MeshConsulConnectionAutoConfiguration {

	@Bean
	static ConsulConnectionDetailsPostProcessor meshConsulConnectionDetailsPostProcessor(
			ObjectProvider<ConsulConnectionDetails> connectionDetails) {
		return new ConsulConnectionDetailsPostProcessor(connectionDetails);
	}

}
