package dev.mesh.autoconfigure;

import dev.mesh.discovery.InstanceWeight;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Binds {@link MeshProperties}, each {@code mesh.clients.<service>} over
 * {@code mesh.client-defaults}, and holds this instance's {@link InstanceWeight}.
 * Imported by every mesh auto-configuration that reads the properties, so inheritance
 * holds whichever of them is active.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MeshProperties.class)
class MeshPropertiesConfiguration {

	/**
	 * This instance's weight: {@code mesh.instance.weight} until an operator changes it
	 * at run time through the {@code mesh} endpoint.
	 */
	@Bean
	@ConditionalOnMissingBean
	InstanceWeight meshInstanceWeight(MeshProperties properties) {
		return new InstanceWeight(properties.getInstance().getWeight());
	}

	@Bean
	static ClientDefaultsBindHandler.Advisor meshClientDefaultsBindHandlerAdvisor() {
		return new ClientDefaultsBindHandler.Advisor();
	}

}
