package dev.mesh.client;

import org.springframework.web.client.RestClientException;

/**
 * Thrown at once, without sending anything, when the service's resilience4j circuit
 * breaker ({@code mesh-<service>}) is open because too many recent calls failed.
 */
public class CircuitOpenException extends RestClientException {

	/**
	 * @param serviceId the called service
	 * @param circuitBreakerName the circuit breaker that refused the call
	 * @param state its state
	 */
	public CircuitOpenException(String serviceId, String circuitBreakerName, String state) {
		super("Calls to service '" + serviceId + "' are refused: resilience4j circuit breaker '" + circuitBreakerName
				+ "' is " + state);
	}

}
