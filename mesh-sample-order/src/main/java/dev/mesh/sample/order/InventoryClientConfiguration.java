package dev.mesh.sample.order;

import dev.mesh.client.MeshClient;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

/**
 * The mesh client for the "inventory" service. It is built from Boot's
 * {@code RestClient.Builder}, so it keeps Boot's message converters and observations; the
 * mesh decides which instance each call goes to.
 */
@Configuration(proxyBeanMethods = false)
final class InventoryClientConfiguration {

	@Bean
	@MeshClient("inventory")
	RestClient inventoryRestClient(RestClient.Builder builder) {
		return builder.build();
	}

}
