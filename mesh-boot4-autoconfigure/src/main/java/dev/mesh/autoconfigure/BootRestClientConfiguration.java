package dev.mesh.autoconfigure;

import dev.mesh.client.MeshClientFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.client.support.RestClientHttpServiceGroupConfigurer;

/**
 * Tells the mesh which request factory on Boot's {@code RestClient.Builder} is Boot's,
 * not the application's, on Spring Boot 4 (whose {@code RestClient} support lives in
 * {@code spring-boot-restclient}); and makes HTTP service groups whose interfaces are
 * annotated {@code @MeshClient} mesh clients ({@link MeshHttpServiceGroups}). Imported by
 * {@link MeshClientAutoConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(RestClientCustomizer.class)
class BootRestClientConfiguration {

	@Bean
	RestClientCustomizer meshBootDefaultRequestFactory(ObjectProvider<MeshClientFactory> factory) {
		return (builder) -> factory.ifAvailable((meshClients) -> meshClients.bootDefaultOf(builder));
	}

	/** HTTP service groups whose interfaces are {@code @MeshClient}s. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(RestClientHttpServiceGroupConfigurer.class)
	static class HttpServiceGroupsConfiguration {

		@Bean
		static RestClientHttpServiceGroupConfigurer meshHttpServiceGroups(ObjectProvider<MeshClientFactory> clients,
				Environment environment) {
			return new MeshHttpServiceGroups(clients, environment);
		}

		@Bean
		static RestClientHttpServiceGroupConfigurer meshHttpServiceGroupPipelines(
				ObjectProvider<MeshClientFactory> clients) {
			return new MeshHttpServiceGroups.Pipelines(clients);
		}

	}

}
