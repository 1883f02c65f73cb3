package dev.mesh.client;

import java.util.ArrayList;
import java.util.List;

import dev.mesh.testsupport.RawHttpServer;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

/**
 * A real client application whose {@code @MeshClient("inventory")} finds its instances,
 * often {@link RawHttpServer}s, through Spring Cloud's simple discovery.
 */
final class RawInstances {

	private RawInstances() {
	}

	static ConfigurableApplicationContext start(List<RawHttpServer> instances, String... extra) {
		List<String> properties = new ArrayList<>(
				List.of("spring.cloud.consul.enabled=false", "spring.main.banner-mode=off"));
		for (int i = 0; i < instances.size(); i++) {
			String prefix = "spring.cloud.discovery.client.simple.instances.inventory[" + i + "].";
			properties.add(prefix + "instance-id=" + instances.get(i).instance("inventory").getInstanceId());
			properties.add(prefix + "uri=" + instances.get(i).instance("inventory").getUri());
			properties.add(prefix + "metadata.weight=1");
		}
		properties.addAll(List.of(extra));
		return new SpringApplicationBuilder(ClientApplication.class).web(WebApplicationType.NONE)
			.run(properties.stream().map((property) -> "--" + property).toArray(String[]::new));
	}

	static RestClient inventory(ConfigurableApplicationContext context) {
		return context.getBean("inventory", RestClient.class);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ClientApplication {

		@Bean
		@MeshClient("inventory")
		RestClient inventory(RestClient.Builder builder) {
			return builder.build();
		}

	}

}
