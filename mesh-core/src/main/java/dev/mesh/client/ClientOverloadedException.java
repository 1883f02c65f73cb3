package dev.mesh.client;

import org.springframework.web.client.RestClientException;

/**
 * Thrown at once, without sending anything, when a mesh client already has as many calls
 * in flight as its bulkhead allows
 * ({@code mesh.clients.<service>.max-concurrent-requests}).
 */
public class ClientOverloadedException extends RestClientException {

	/**
	 * @param serviceId the called service
	 * @param bulkheadName the resilience4j bulkhead that refused the call
	 * @param maxConcurrentCalls calls it allows in flight
	 */
	public ClientOverloadedException(String serviceId, String bulkheadName, int maxConcurrentCalls) {
		super("Mesh client for service '" + serviceId + "' already has " + maxConcurrentCalls
				+ " calls in flight (resilience4j bulkhead '" + bulkheadName + "'); call rejected");
	}

}
