package dev.mesh.testsupport;

/**
 * The names of Spring Boot 4's HTTP client properties.
 */
public final class BootHttpClientProperties {

	/** The property that picks the HTTP client library. */
	public static final String FACTORY = "spring.http.clients.imperative.factory";

	/**
	 * The prefix of the other settings: connect-timeout, read-timeout, redirects,
	 * ssl.bundle.
	 */
	public static final String PREFIX = "spring.http.clients.";

	private BootHttpClientProperties() {
	}

}
