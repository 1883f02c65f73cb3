package dev.mesh.security;

/**
 * Thrown at startup when a mesh client must attach OAuth2 tokens but the client
 * registration it names is not configured.
 */
public class MissingClientRegistrationException extends RuntimeException {

	private final String serviceId;

	private final String registrationId;

	/**
	 * @param serviceId the called service
	 * @param registrationId the missing registration
	 * @param problem what is wrong, for example "is not configured"
	 */
	public MissingClientRegistrationException(String serviceId, String registrationId, String problem) {
		super("Mesh client for service '" + serviceId + "' needs OAuth2 client registration '" + registrationId
				+ "', which " + problem);
		this.serviceId = serviceId;
		this.registrationId = registrationId;
	}

	/**
	 * @return the called service
	 */
	public String getServiceId() {
		return this.serviceId;
	}

	/**
	 * @return the missing registration
	 */
	public String getRegistrationId() {
		return this.registrationId;
	}

}
