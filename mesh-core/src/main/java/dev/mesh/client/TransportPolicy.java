package dev.mesh.client;

/**
 * How a mesh client's attempts are sent, beyond the HTTP client library the application
 * chose.
 *
 * @param sslBundle the Spring Boot SSL bundle ({@code spring.ssl.bundle.*}) calls to
 * instances registered as secure are made with (trust, and the key of mutual TLS), or
 * {@code null} for the application's {@code spring.http.client.ssl.bundle}, else the
 * JVM's default trust
 * @param bufferResponse whether a response body is read in full within its attempt
 * (deadline over the whole exchange, {@code max-response-size}, retries on a broken
 * body); when {@code false} it is handed to the caller as a stream once the headers are
 * in
 */
public record TransportPolicy(String sslBundle, boolean bufferResponse) {

	/** The built-in defaults: no bundle of the mesh's own, bodies buffered. */
	public static final TransportPolicy DEFAULTS = new TransportPolicy(null, true);

}
