package dev.mesh.client;

/**
 * Gives the {@link ClientPolicy} of each service a mesh client calls.
 */
@FunctionalInterface
public interface ClientPolicies {

	/**
	 * @param serviceId the called service
	 * @return the settings in effect for its client
	 */
	ClientPolicy forService(String serviceId);

}
