package dev.mesh.client;

import java.net.http.HttpClient;

import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;

/**
 * The HTTP client library one service's mesh client sends its attempts with, as a Spring
 * {@link ClientHttpRequestFactory} that follows no redirects itself.
 *
 * @param name what it is, for messages and the {@code /actuator/mesh} endpoint
 * ({@code http-components}, {@code jdk}, {@code simple}, {@code jetty}, {@code reactor},
 * or the class of a factory the application set)
 * @param factory the request factory
 * @param followRedirects whether the mesh follows redirects to the same instance (the
 * application's {@code spring.http.client.redirects}); a redirect to another host is
 * never followed
 * @param owned whether the mesh made the factory and closes it with the application
 * context, as opposed to a factory the application set on its builder, which stays the
 * application's
 */
public record MeshTransport(String name, ClientHttpRequestFactory factory, boolean followRedirects, boolean owned) {

	/**
	 * @param factory a request factory Spring Boot built for a service
	 * @param policy the service's settings
	 * @return the factory the mesh sends with: the same, except that Spring's JDK factory
	 * is replaced by one driving the same JDK client synchronously (see
	 * {@link JdkSyncRequestFactory} for why)
	 */
	public static ClientHttpRequestFactory direct(ClientHttpRequestFactory factory, ClientPolicy policy) {
		if (factory instanceof JdkClientHttpRequestFactory jdk) {
			HttpClient client = JdkSyncRequestFactory.clientOf(jdk);
			if (client != null) {
				return (new JdkSyncRequestFactory(client, policy.maxResponseSize().toBytes(),
						policy.transport().bufferResponse()))
					.withReadTimeout(JdkSyncRequestFactory.readTimeoutOf(jdk));
			}
		}
		return factory;
	}

}
