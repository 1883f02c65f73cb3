package dev.mesh.client;

import java.lang.reflect.Field;

import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.util.ReflectionUtils;

/**
 * Looks into the real connection pool of a service's {@code http-components} transport,
 * so a test can assert that no exchange left a connection leased. Apache's client has no
 * getter for its connection manager, so its field is read by reflection (test code only).
 */
final class TransportPools {

	private TransportPools() {
	}

	/**
	 * @param context a client application
	 * @param serviceId the service
	 * @return the connections of the service's pool leased now, or {@code -1} when its
	 * transport is no {@code http-components} one
	 */
	static int leased(ConfigurableApplicationContext context, String serviceId) {
		PoolingHttpClientConnectionManager pool = pool(context, serviceId);
		return (pool != null) ? pool.getTotalStats().getLeased() : -1;
	}

	/**
	 * @return the pool's stats as text, for messages
	 */
	static String stats(ConfigurableApplicationContext context, String serviceId) {
		PoolingHttpClientConnectionManager pool = pool(context, serviceId);
		return (pool != null) ? pool.getTotalStats().toString() : "no pool";
	}

	private static PoolingHttpClientConnectionManager pool(ConfigurableApplicationContext context, String serviceId) {
		MeshClientFactory factory = context.getBean(MeshClientFactory.class);
		if (!(factory.route(serviceId)
			.requestFactory()
			.transport()
			.factory() instanceof HttpComponentsClientHttpRequestFactory httpComponents)) {
			return null;
		}
		CloseableHttpClient client = (CloseableHttpClient) httpComponents.getHttpClient();
		Field field = ReflectionUtils.findField(client.getClass(), "connManager");
		ReflectionUtils.makeAccessible(field);
		return (PoolingHttpClientConnectionManager) ReflectionUtils.getField(field, client);
	}

}
