package dev.mesh.autoconfigure;

import dev.mesh.client.MeshClientFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.client.RestClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Tells the mesh which request factory on Boot's {@code RestClient.Builder} is Boot's,
 * not the application's, on Spring Boot 3.5 ({@code RestClientCustomizer} moved in Boot
 * 4). Imported by {@link MeshClientAutoConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
class BootRestClientConfiguration {

	@Bean
	RestClientCustomizer meshBootDefaultRequestFactory(ObjectProvider<MeshClientFactory> factory) {
		return (builder) -> factory.ifAvailable((meshClients) -> meshClients.bootDefaultOf(builder));
	}

}
