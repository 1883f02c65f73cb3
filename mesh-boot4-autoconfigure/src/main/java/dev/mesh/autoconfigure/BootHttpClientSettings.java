package dev.mesh.autoconfigure;

import java.time.Duration;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.http.client.ClientHttpRequestFactory;

/**
 * The application's {@code spring.http.clients.*} settings on Spring Boot 4
 * ({@link HttpClientSettings}), as {@link BootMeshTransports} reads and narrows them for
 * one service.
 */
final class BootHttpClientSettings {

	/** The prefix of the settings' properties. */
	static final String PREFIX = "spring.http.clients";

	private final HttpClientSettings settings;

	private BootHttpClientSettings(HttpClientSettings settings) {
		this.settings = settings;
	}

	/**
	 * @param beanFactory the application's bean factory
	 * @return the application's settings bean, or Boot's defaults when it has none
	 */
	static BootHttpClientSettings of(BeanFactory beanFactory) {
		return new BootHttpClientSettings(
				beanFactory.getBeanProvider(HttpClientSettings.class).getIfAvailable(HttpClientSettings::defaults));
	}

	/**
	 * @return {@code spring.http.clients.connect-timeout}, or {@code null}
	 */
	Duration connectTimeout() {
		return this.settings.connectTimeout();
	}

	/**
	 * @return whether {@code spring.http.clients.redirects} lets redirects be followed
	 */
	boolean followsRedirects() {
		return this.settings.redirects() != HttpRedirects.DONT_FOLLOW;
	}

	/**
	 * @param builder the builder of the application's request factories
	 * @param connectTimeout the service's connect timeout
	 * @param sslBundle the service's SSL bundle, or {@code null} for the application's
	 * @return a request factory on these settings that follows no redirects
	 */
	ClientHttpRequestFactory build(ClientHttpRequestFactoryBuilder<?> builder, Duration connectTimeout,
			SslBundle sslBundle) {
		HttpClientSettings service = this.settings.withRedirects(HttpRedirects.DONT_FOLLOW)
			.withConnectTimeout(connectTimeout);
		return builder.build((sslBundle != null) ? service.withSslBundle(sslBundle) : service);
	}

}
