package dev.mesh.security;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * The service that made the current request, as its validated token says. Declare a
 * controller method parameter of this type to receive it; it is {@code null} when the
 * request carried no validated token (a public path, or a service that runs open because
 * no issuer is configured).
 *
 * @param clientId the caller's client id: the token's {@code azp} claim, else
 * {@code client_id}, else {@code sub}
 * @param scopes the scopes granted to the token (claim {@code scope}, else {@code scp})
 */
public record MeshCaller(String clientId, Set<String> scopes) {

	public MeshCaller {
		Assert.hasText(clientId, "clientId: empty (expected: the caller's client id)");
		scopes = Collections.unmodifiableSet(new LinkedHashSet<>(scopes));
	}

	/**
	 * @param scope a scope such as {@code inventory.write}
	 * @return whether the caller's token was granted it
	 */
	public boolean hasScope(String scope) {
		return this.scopes.contains(scope);
	}

	/**
	 * Reads the caller from a token's claims.
	 * @param jwt a validated token
	 * @return the caller
	 * @throws IllegalArgumentException if the token has none of {@code azp},
	 * {@code client_id} and {@code sub}
	 */
	public static MeshCaller of(Jwt jwt) {
		String clientId = clientId(jwt);
		Assert.isTrue(clientId != null, "The token names no caller (expected: claim azp, client_id or sub)");
		return new MeshCaller(clientId, scopes(jwt));
	}

	/**
	 * @return the caller of the request being handled on this thread, from Spring
	 * Security's context, or {@code null} when it carries no validated token
	 */
	public static MeshCaller current() {
		return Callers.of(SecurityContextHolder.getContext().getAuthentication());
	}

	static String clientId(Jwt jwt) {
		for (String claim : new String[] { "azp", "client_id", "sub" }) {
			Object value = jwt.getClaims().get(claim);
			if (value instanceof String text && StringUtils.hasText(text)) {
				return text;
			}
		}
		return null;
	}

	private static Set<String> scopes(Jwt jwt) {
		for (String claim : new String[] { "scope", "scp" }) {
			Object value = jwt.getClaims().get(claim);
			if (value instanceof String text) {
				return StringUtils.commaDelimitedListToSet(text.trim().replaceAll("\\s+", ","));
			}
			if (value instanceof Collection<?> values) {
				Set<String> scopes = new LinkedHashSet<>();
				values.forEach((scope) -> scopes.add(String.valueOf(scope)));
				return scopes;
			}
		}
		return Set.of();
	}

}
