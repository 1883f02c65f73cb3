package dev.mesh.security;

import java.util.regex.Pattern;

import org.springframework.web.client.RestClientException;

/**
 * Thrown when a mesh call needs a client-credentials token and none can be had: the token endpoint
 * failed, or did not answer within the call's deadline, and no unexpired token is cached. The call is
 * not sent, so no request ever leaves without a token.
 */
public class TokenUnavailableException extends RestClientException {

	/**
	 * The user info of any URI in a text ({@code http://user:password@}), which Spring's messages repeat:
	 * up to the last {@code @} before the path, so a password with a literal {@code @} goes whole.
	 */
	private static final Pattern USER_INFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^/?#\\s\"']*@");

	/**
	 * @param registrationId the client registration
	 * @param serviceId the service the token is for
	 * @param cause why the token endpoint gave no token
	 */
	public TokenUnavailableException(String registrationId, String serviceId, Throwable cause) {
		this(registrationId, serviceId, "the token endpoint failed (" + cause.getMessage() + ") and no unexpired token is cached",
				cause);
	}

	/**
	 * @param registrationId the client registration
	 * @param serviceId the service the token is for
	 * @param reason why there is no token, completing "No access token for ...: "; the user info of any URI
	 * in it is removed
	 * @param cause the underlying failure, or {@code null}
	 */
	public TokenUnavailableException(String registrationId, String serviceId, String reason, Throwable cause) {
		super("No access token for service '" + serviceId + "' from client registration '" + registrationId + "': "
				+ withoutUserInfo(reason), cause);
	}

	/**
	 * @param text a message that may contain URIs, or {@code null}
	 * @return the text with the user info ({@code user:password@}) of every URI in it removed
	 */
	static String withoutUserInfo(String text) {
		return (text != null) ? USER_INFO.matcher(text).replaceAll("$1") : null;
	}

}
