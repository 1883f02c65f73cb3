package dev.mesh.client;

import org.springframework.web.client.RestClientException;

/**
 * Thrown when a mesh call cannot start because its deadline (its own {@code timeout}, or
 * what is left of the deadline of the request being handled) has already passed.
 */
public class DeadlineExceededException extends RestClientException {

	/**
	 * @param serviceId the called service
	 * @param detail what ran out
	 */
	public DeadlineExceededException(String serviceId, String detail) {
		super("Call to service '" + serviceId + "' not started: " + detail);
	}

}
