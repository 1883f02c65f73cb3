package dev.mesh.client;

import java.lang.reflect.Field;

import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.util.ReflectionUtils;
import org.springframework.web.client.RestClient;

/**
 * Reads the request factory set on a {@code RestClient.Builder}, which the builder has no
 * getter for: Spring's builder keeps it in its {@code requestFactory} field, read here by
 * reflection. A builder of another kind, or a Spring version that renamed the field,
 * reads as none set, and then the mesh uses the service's own transport.
 */
final class BuilderRequestFactory {

	private static final Field FIELD = field();

	private BuilderRequestFactory() {
	}

	/**
	 * @return the factory set on the builder, or {@code null}
	 */
	static ClientHttpRequestFactory of(RestClient.Builder builder) {
		if (FIELD == null || !FIELD.getDeclaringClass().isInstance(builder)) {
			return null;
		}
		return (ClientHttpRequestFactory) ReflectionUtils.getField(FIELD, builder);
	}

	private static Field field() {
		try {
			Class<?> type = Class.forName("org.springframework.web.client.DefaultRestClientBuilder", false,
					RestClient.class.getClassLoader());
			Field field = ReflectionUtils.findField(type, "requestFactory", ClientHttpRequestFactory.class);
			if (field != null) {
				ReflectionUtils.makeAccessible(field);
			}
			return field;
		}
		catch (ClassNotFoundException | RuntimeException ex) {
			return null;
		}
	}

}
