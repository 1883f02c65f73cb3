package dev.mesh.client;

import java.net.http.HttpClient;

/**
 * Makes the transport of each service's mesh client: the Spring Boot line builds it with
 * Boot's {@code ClientHttpRequestFactoryBuilder} and {@code spring.http.client.*}
 * settings, so a mesh client runs on the HTTP client library the application chose.
 */
@FunctionalInterface
public interface MeshTransports {

	/**
	 * @param serviceId the service whose instances the transport sends to
	 * @param policy the settings of the service's client ({@code connect-timeout},
	 * {@code ssl-bundle}, ...)
	 * @return a new transport, owned by the mesh
	 * @throws IllegalStateException when a setting cannot be applied, with a message
	 * naming it
	 */
	MeshTransport create(String serviceId, ClientPolicy policy);

	/**
	 * @return transports on the JDK's {@code HttpClient} with the policy's connect
	 * timeout and the JVM's default TLS, for a mesh client factory made without Spring
	 * Boot; an {@code ssl-bundle} cannot apply
	 */
	static MeshTransports jdk() {
		return (serviceId, policy) -> {
			if (policy.transport().sslBundle() != null) {
				throw new IllegalStateException(
						"mesh.clients." + serviceId + ".ssl-bundle needs Spring Boot's SSL bundles");
			}
			HttpClient client = HttpClient.newBuilder()
				.connectTimeout(policy.connectTimeout())
				.followRedirects(HttpClient.Redirect.NEVER)
				.version(HttpClient.Version.HTTP_1_1)
				.build();
			return new MeshTransport("jdk", new JdkSyncRequestFactory(client, policy.maxResponseSize().toBytes(),
					policy.transport().bufferResponse()), true, true);
		};
	}

}
