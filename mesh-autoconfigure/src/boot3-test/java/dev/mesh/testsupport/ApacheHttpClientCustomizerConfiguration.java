package dev.mesh.testsupport;

import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

import org.springframework.boot.autoconfigure.http.client.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * An application's customizer of Boot 3.5's Apache HttpClient builder, which records
 * that it was applied.
 */
@Configuration(proxyBeanMethods = false)
public class ApacheHttpClientCustomizerConfiguration {

	/** Whether the customizer has run on a client. */
	public static volatile boolean applied;

	@Bean
	ClientHttpRequestFactoryBuilderCustomizer<HttpComponentsClientHttpRequestFactoryBuilder> apacheCustomizer() {
		return (builder) -> builder.withHttpClientCustomizer((HttpClientBuilder client) -> applied = true);
	}

}
