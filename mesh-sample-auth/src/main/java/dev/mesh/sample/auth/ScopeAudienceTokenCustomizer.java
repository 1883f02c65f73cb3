package dev.mesh.sample.auth;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.stereotype.Component;

/**
 * Shapes the claims of every access token for the mesh. The audience ({@code aud}) is the
 * set of services the granted scopes are for: a scope {@code <service>.<permission>}
 * names service {@code <service>}, so {@code inventory.read inventory.write} gives
 * {@code aud ["inventory"]}; scopes without a dot name no service. With no such scope the
 * {@code aud} claim is left out (the server's default audience, the client id itself, is
 * never used). The {@code client_id} claim carries the client id, like {@code sub}.
 */
@Component
class ScopeAudienceTokenCustomizer implements OAuth2TokenCustomizer<JwtEncodingContext> {

	static final String CLIENT_ID_CLAIM = "client_id";

	@Override
	public void customize(JwtEncodingContext context) {
		if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
			return;
		}
		List<String> audience = audience(context.getAuthorizedScopes());
		context.getClaims().claims((claims) -> {
			claims.remove(JwtClaimNames.AUD);
			if (!audience.isEmpty()) {
				claims.put(JwtClaimNames.AUD, audience);
			}
			claims.put(CLIENT_ID_CLAIM, context.getRegisteredClient().getClientId());
		});
	}

	/**
	 * Services named by the given scopes, sorted, each once.
	 * @param scopes the authorized scopes
	 * @return the audience; empty when no scope names a service
	 */
	static List<String> audience(Collection<String> scopes) {
		Set<String> services = new TreeSet<>();
		for (String scope : scopes) {
			int dot = scope.indexOf('.');
			if (dot > 0) {
				services.add(scope.substring(0, dot));
			}
		}
		return new ArrayList<>(services);
	}

}
