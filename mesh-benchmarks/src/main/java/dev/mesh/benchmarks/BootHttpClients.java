package dev.mesh.benchmarks;

import java.lang.reflect.Method;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.SpringBootVersion;
import org.springframework.core.SpringVersion;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.web.client.RestClient;

/**
 * What the benchmarks take from Spring Boot's HTTP client support that Boot 4 renamed, so
 * the same sources run on both lines: on Boot 3.5 in mesh-benchmarks, on Boot 4 in
 * mesh-benchmarks-boot4 (which compiles this module's transport harness). The line is
 * told by the class path, once.
 */
final class BootHttpClients {

	/** Boot 4's {@code RestClientBuilderConfigurer} (module spring-boot-restclient). */
	private static final String BOOT_4_CONFIGURER = "org.springframework.boot.restclient.autoconfigure.RestClientBuilderConfigurer";

	/** Boot 3.5's {@code RestClientBuilderConfigurer}. */
	private static final String BOOT_3_CONFIGURER = "org.springframework.boot.autoconfigure.web.client.RestClientBuilderConfigurer";

	/** Whether Spring Boot 4 is on the class path (else it is 3.5). */
	static final boolean BOOT_4 = ClassUtils.isPresent(BOOT_4_CONFIGURER, BootHttpClients.class.getClassLoader());

	/**
	 * The property that chooses the request factory of every RestClient from Boot's
	 * builder ({@code http-components}, {@code jdk}, {@code simple}, {@code jetty},
	 * {@code reactor}): {@code spring.http.clients.imperative.factory} on Boot 4,
	 * {@code spring.http.client.factory} on Boot 3.5. (Boot 4 no longer binds the old
	 * name: given it, every client silently stays on the default.)
	 */
	static final String FACTORY_PROPERTY = BOOT_4 ? "spring.http.clients.imperative.factory"
			: "spring.http.client.factory";

	private BootHttpClients() {
	}

	/**
	 * A RestClient builder as Boot's own {@code RestClient.Builder} bean makes it: Boot's
	 * {@code RestClientBuilderConfigurer} applied to {@link RestClient#builder()} (the
	 * request factory of {@link #FACTORY_PROPERTY}, message converters, the
	 * {@code http.client.requests} observation and every {@code RestClientCustomizer}).
	 * The configurer is found by name, as its package differs between the lines; this
	 * runs once per client made, never per call.
	 * @param beanFactory the application's bean factory
	 * @return a new builder
	 */
	static RestClient.Builder restClientBuilder(BeanFactory beanFactory) {
		Class<?> type = ClassUtils.resolveClassName(BOOT_4 ? BOOT_4_CONFIGURER : BOOT_3_CONFIGURER,
				BootHttpClients.class.getClassLoader());
		Method configure = ReflectionUtils.findMethod(type, "configure", RestClient.Builder.class);
		return (RestClient.Builder) ReflectionUtils.invokeMethod(configure, beanFactory.getBean(type),
				RestClient.builder());
	}

	/**
	 * @return the line's versions, for the benchmarks' output
	 */
	static String versions() {
		return "Spring Boot " + SpringBootVersion.getVersion() + ", Spring Framework " + SpringVersion.getVersion()
				+ ", Java " + System.getProperty("java.version");
	}

}
