package dev.mesh.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mesh built for one Spring Boot line refuses to start on the other with a message
 * naming the starter that fits, and starts on its own.
 */
class BootLineCheckTests {

	@Test
	void shouldNameTheBoot4StarterWhenTheBoot35OneRunsOnBoot4() {
		assertThat(BootLineCheck.failure(3, 4, "4.0.7")).contains("dev.mesh:mesh-starter")
			.contains("Spring Boot 3.5")
			.contains("runs Spring Boot 4.0.7")
			.contains("depend on dev.mesh:mesh-boot4-starter instead");
	}

	@Test
	void shouldNameTheBoot35StarterWhenTheBoot4OneRunsOnBoot35() {
		assertThat(BootLineCheck.failure(4, 3, "3.5.16")).contains("dev.mesh:mesh-boot4-starter")
			.contains("Spring Boot 4.0")
			.contains("runs Spring Boot 3.5.16")
			.contains("depend on dev.mesh:mesh-starter instead");
	}

	@Test
	void shouldNameTheRunningLineWhenBootsVersionIsUnknown() {
		assertThat(BootLineCheck.failure(3, 4, null)).contains("runs Spring Boot 4.x");
	}

	@Test
	void shouldLetEachLineRunOnItself() {
		assertThat(BootLineCheck.failure(3, 3, "3.5.16")).isNull();
		assertThat(BootLineCheck.failure(4, 4, "4.0.7")).isNull();
	}

	@Test
	void shouldStartOnTheLineItWasBuiltFor() {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Empty.class)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "mesh.enabled=false")
			.run()) {
			assertThat(context.isActive()).isTrue();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Empty {

	}

}
