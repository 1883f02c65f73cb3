package dev.mesh.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.DefaultResourceLoader;

import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The Boot 4 line's mesh on an application that looks like Boot 3.5 (the class Boot 4
 * added is hidden from it) stops before any auto-configuration, naming
 * {@code mesh-starter}.
 */
class BootLineOnBoot35Tests {

	@Test
	void shouldStopWithTheStarterThatFits() {
		FilteredClassLoader boot35 = new FilteredClassLoader(BootLineCheck.BOOT4_MARKER);
		SpringApplicationBuilder application = new SpringApplicationBuilder(Empty.class)
			.resourceLoader(new DefaultResourceLoader(boot35))
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off");
		assertThatIllegalStateException().isThrownBy(application::run)
			.withMessageContaining("(dev.mesh:mesh-boot4-starter) is for Spring Boot 4.0")
			.withMessageContaining("depend on dev.mesh:mesh-starter instead");
	}

	@Configuration(proxyBeanMethods = false)
	static class Empty {

	}

}
