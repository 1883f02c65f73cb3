package dev.mesh.client;

import org.springframework.web.client.RestClientException;

/**
 * Thrown by a mesh client when discovery knows no instance of its service that can take
 * the request.
 */
public class NoInstanceAvailableException extends RestClientException {

	private final String serviceId;

	/**
	 * @param serviceId the service that has no available instance
	 * @param detail why, for example "no instances registered"
	 */
	public NoInstanceAvailableException(String serviceId, String detail) {
		super("No instance of service '" + serviceId + "' is available: " + detail);
		this.serviceId = serviceId;
	}

	/**
	 * @return the service that has no available instance
	 */
	public String getServiceId() {
		return this.serviceId;
	}

}
