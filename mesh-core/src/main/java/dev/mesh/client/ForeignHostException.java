package dev.mesh.client;

import java.net.URI;

import dev.mesh.discovery.RedactedUris;

import org.springframework.web.client.RestClientException;

/**
 * Thrown when a request through a mesh client names a host other than the client's
 * service: a mesh client talks to its own service only, so its credentials and retries
 * never reach anything else. The message names the refused scheme, host and port, never
 * the URI's user info or query.
 */
public class ForeignHostException extends RestClientException {

	/**
	 * @param serviceId the client's service
	 * @param uri the refused request URI
	 */
	public ForeignHostException(String serviceId, URI uri) {
		super("Mesh client for service '" + serviceId
				+ "' only sends requests to that service (relative URIs or http://" + serviceId
				+ "/...); refused request to " + RedactedUris.origin(uri));
	}

}
