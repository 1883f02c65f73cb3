package dev.mesh.security;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;

/**
 * Turns a validated token into an authentication named after the caller's client id
 * ({@code azp}, else {@code client_id}, else {@code sub}), with one {@code SCOPE_<scope>}
 * authority per granted scope. A token that names no caller is refused as invalid.
 */
final class MeshJwtAuthenticationConverter implements Converter<Jwt, AbstractAuthenticationToken> {

	private final JwtGrantedAuthoritiesConverter authorities = new JwtGrantedAuthoritiesConverter();

	@Override
	public AbstractAuthenticationToken convert(Jwt jwt) {
		String clientId = MeshCaller.clientId(jwt);
		if (clientId == null) {
			throw new InvalidBearerTokenException("The token names no caller (expected: claim azp, client_id or sub)");
		}
		return new JwtAuthenticationToken(jwt, this.authorities.convert(jwt), clientId);
	}

}
