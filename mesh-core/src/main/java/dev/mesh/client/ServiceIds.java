package dev.mesh.client;

import java.util.regex.Pattern;

/**
 * What a {@code @MeshClient} value may be: a bare service id as registries name services
 * (letters, digits, {@code .}, {@code -} and {@code _}, starting with a letter or digit),
 * so that it can never smuggle a scheme, user, port, path, query or fragment into the
 * URIs the mesh builds from it.
 */
public final class ServiceIds {

	private static final Pattern SERVICE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

	private ServiceIds() {
	}

	/**
	 * @param value a {@code @MeshClient} value
	 * @return why it is no service id, or {@code null} when it is one
	 */
	public static String problem(String value) {
		if (value == null || value.isBlank()) {
			return "the service name is blank";
		}
		if (!SERVICE_ID.matcher(value).matches()) {
			return "the service name must be a bare service id (letters, digits, '.', '-' and '_', starting "
					+ "with a letter or digit), without spaces, scheme, user, port, path, query or fragment";
		}
		return null;
	}

}
