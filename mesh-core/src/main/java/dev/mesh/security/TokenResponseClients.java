package dev.mesh.security;

import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2ClientCredentialsGrantRequest;
import org.springframework.security.oauth2.client.endpoint.RestClientClientCredentialsTokenResponseClient;
import org.springframework.security.oauth2.client.http.OAuth2ErrorResponseErrorHandler;
import org.springframework.security.oauth2.core.http.converter.OAuth2AccessTokenResponseHttpMessageConverter;
import org.springframework.web.client.RestClient;

/**
 * Builds Spring Security's client-credentials token response clients with time limits.
 * Spring Security's own default has none, so a token endpoint that accepts the connection
 * and never answers would hold a token request for ever. The read timeout is the JDK
 * client's request timeout, which Spring applies to the whole answer, body included, so a
 * server trickling bytes cannot stretch it either.
 */
final class TokenResponseClients implements AutoCloseable {

	private final Executor executor;

	/**
	 * One JDK client per connect timeout (the JDK sets that per client); usually just
	 * one.
	 */
	private final Map<Duration, HttpClient> httpClients = new ConcurrentHashMap<>();

	TokenResponseClients(Executor executor) {
		this.executor = executor;
	}

	OAuth2AccessTokenResponseClient<OAuth2ClientCredentialsGrantRequest> create(Duration connectTimeout,
			Duration readTimeout) {
		JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory(
				this.httpClients.computeIfAbsent(connectTimeout, this::httpClient));
		requestFactory.setReadTimeout(readTimeout);
		// The converters and error handler Spring Security's own token response clients
		// are built with.
		RestClient restClient = RestClient.builder().requestFactory(requestFactory).messageConverters((converters) -> {
			converters.clear();
			converters.add(new FormHttpMessageConverter());
			converters.add(new OAuth2AccessTokenResponseHttpMessageConverter());
		}).defaultStatusHandler(new OAuth2ErrorResponseErrorHandler()).build();
		RestClientClientCredentialsTokenResponseClient client = new RestClientClientCredentialsTokenResponseClient();
		client.setRestClient(restClient);
		return client;
	}

	private HttpClient httpClient(Duration connectTimeout) {
		HttpClient.Builder builder = HttpClient.newBuilder()
			.connectTimeout(connectTimeout)
			.version(HttpClient.Version.HTTP_1_1)
			.followRedirects(HttpClient.Redirect.NEVER)
			.executor(this.executor);
		ProxySelector proxies = ProxySelector.getDefault();
		if (proxies != null) {
			// as HttpURLConnection, which Spring Security's default uses: honour the
			// JVM's proxy settings
			builder.proxy(proxies);
		}
		return builder.build();
	}

	/**
	 * Stops the JDK clients at once. {@code HttpClient.shutdownNow()} exists from Java 21
	 * on; on older runtimes an unused client's threads end when it is garbage collected.
	 */
	@Override
	public void close() {
		for (HttpClient client : this.httpClients.values()) {
			try {
				HttpClient.class.getMethod("shutdownNow").invoke(client);
			}
			catch (ReflectiveOperationException ex) {
				// before Java 21
			}
		}
		this.httpClients.clear();
	}

}
