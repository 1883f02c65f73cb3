package dev.mesh.autoconfigure;

import java.time.Duration;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.ClientHttpRequestFactorySettings;
import org.springframework.boot.http.client.ClientHttpRequestFactorySettings.Redirects;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.http.client.ClientHttpRequestFactory;

/**
 * The application's {@code spring.http.client.*} settings on Spring Boot 3.5
 * ({@link ClientHttpRequestFactorySettings}), as {@link BootMeshTransports} reads and
 * narrows them for one service. Boot 4 renamed the type, so each Boot line has its own.
 */
final class BootHttpClientSettings {

	/** The prefix of the settings' properties. */
	static final String PREFIX = "spring.http.client";

	private final ClientHttpRequestFactorySettings settings;

	private BootHttpClientSettings(ClientHttpRequestFactorySettings settings) {
		this.settings = settings;
	}

	/**
	 * @param beanFactory the application's bean factory
	 * @return the application's settings bean, or Boot's defaults when it has none
	 */
	static BootHttpClientSettings of(BeanFactory beanFactory) {
		return new BootHttpClientSettings(beanFactory.getBeanProvider(ClientHttpRequestFactorySettings.class)
			.getIfAvailable(ClientHttpRequestFactorySettings::defaults));
	}

	/** @return {@code spring.http.client.connect-timeout}, or {@code null} */
	Duration connectTimeout() {
		return this.settings.connectTimeout();
	}

	/** @return whether {@code spring.http.client.redirects} lets redirects be followed */
	boolean followsRedirects() {
		return this.settings.redirects() != Redirects.DONT_FOLLOW;
	}

	/**
	 * @param builder the builder of the application's request factories
	 * @param connectTimeout the service's connect timeout
	 * @param sslBundle the service's SSL bundle, or {@code null} for the application's
	 * @return a request factory on these settings that follows no redirects
	 */
	ClientHttpRequestFactory build(ClientHttpRequestFactoryBuilder<?> builder, Duration connectTimeout,
			SslBundle sslBundle) {
		ClientHttpRequestFactorySettings service = this.settings.withRedirects(Redirects.DONT_FOLLOW)
			.withConnectTimeout(connectTimeout);
		return builder.build((sslBundle != null) ? service.withSslBundle(sslBundle) : service);
	}

}
