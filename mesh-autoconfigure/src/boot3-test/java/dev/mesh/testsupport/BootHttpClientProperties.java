package dev.mesh.testsupport;

/**
 * The names of Spring Boot 3.5's HTTP client properties (Boot 4 renamed them to
 * {@code spring.http.clients.*}).
 */
public final class BootHttpClientProperties {

	/** The property that picks the HTTP client library. */
	public static final String FACTORY = "spring.http.client.factory";

	/** The prefix of the other settings: connect-timeout, read-timeout, redirects, ssl.bundle. */
	public static final String PREFIX = "spring.http.client.";

	private BootHttpClientProperties() {
	}

}
