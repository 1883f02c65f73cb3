package dev.mesh.autoconfigure;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Binds {@link MeshProperties}, each {@code mesh.clients.<service>} over
 * {@code mesh.client-defaults}. Imported by every mesh auto-configuration that reads the
 * properties, so inheritance holds whichever of them is active.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MeshProperties.class)
class MeshPropertiesConfiguration {

	@Bean
	static ClientDefaultsBindHandler.Advisor meshClientDefaultsBindHandlerAdvisor() {
		return new ClientDefaultsBindHandler.Advisor();
	}

}
