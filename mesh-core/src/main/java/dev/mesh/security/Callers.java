package dev.mesh.security;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.Jwt;

/** Finds the caller of a request in its authentication. */
final class Callers {

	private Callers() {
	}

	/**
	 * @param authentication the request's authentication, possibly {@code null} or
	 * anonymous
	 * @return the caller, or {@code null} when the request carries no validated token
	 */
	static MeshCaller of(Authentication authentication) {
		if (authentication != null && authentication.isAuthenticated()
				&& authentication.getPrincipal() instanceof Jwt jwt && MeshCaller.clientId(jwt) != null) {
			return MeshCaller.of(jwt);
		}
		return null;
	}

}
