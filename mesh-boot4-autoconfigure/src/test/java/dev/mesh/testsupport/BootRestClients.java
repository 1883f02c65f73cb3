package dev.mesh.testsupport;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.restclient.autoconfigure.RestClientBuilderConfigurer;
import org.springframework.web.client.RestClient;

/**
 * A {@code RestClient.Builder} configured the way Spring Boot 4 configures its own
 * (message converters, observations, customizers), for tests whose builder bean replaces
 * Boot's.
 */
public final class BootRestClients {

	private BootRestClients() {
	}

	/**
	 * @param beanFactory the application's bean factory
	 * @return a new builder configured by Boot's {@code RestClientBuilderConfigurer}
	 */
	public static RestClient.Builder configuredBuilder(BeanFactory beanFactory) {
		return beanFactory.getBean(RestClientBuilderConfigurer.class).configure(RestClient.builder());
	}

}
