package dev.mesh.security;

import dev.mesh.discovery.RedactedUris;

import org.springframework.web.client.RestClientException;

/**
 * Thrown when a mesh call needs a client-credentials token and none can be had: the token
 * endpoint failed, or did not answer within the call's deadline, and no unexpired token
 * is cached. The call is not sent, so no request ever leaves without a token.
 */
public class TokenUnavailableException extends RestClientException {

	/**
	 * @param registrationId the client registration
	 * @param serviceId the service the token is for
	 * @param cause why the token endpoint gave no token
	 */
	public TokenUnavailableException(String registrationId, String serviceId, Throwable cause) {
		this(registrationId, serviceId,
				"the token endpoint failed (" + cause.getMessage() + ") and no unexpired token is cached", cause);
	}

	/**
	 * @param registrationId the client registration
	 * @param serviceId the service the token is for
	 * @param reason why there is no token, completing "No access token for ...: ";
	 * cleaned by {@link RedactedUris#inText(String)} (no URL credentials or query, no
	 * control characters, bounded)
	 * @param cause the underlying failure, or {@code null}
	 */
	public TokenUnavailableException(String registrationId, String serviceId, String reason, Throwable cause) {
		super("No access token for service '" + serviceId + "' from client registration '" + registrationId + "': "
				+ RedactedUris.inText(reason), cause);
	}

}
