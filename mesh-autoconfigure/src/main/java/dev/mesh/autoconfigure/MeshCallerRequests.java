package dev.mesh.autoconfigure;

import java.security.Principal;
import java.util.function.Predicate;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Tells requests from mesh callers: authenticated by a JWT that the mesh's own token
 * checks ({@code meshJwtValidator}: issuer, audience of this service, expiry) accept. An
 * end user logged in by the application's own security (a session, HTTP Basic, a token
 * for another audience) is no mesh caller. Without mesh security (no
 * {@code meshJwtValidator} bean) no request is.
 */
final class MeshCallerRequests implements Predicate<HttpServletRequest> {

	/** Spring Security's JWT class: without it, no request is a mesh caller. */
	static final String JWT = "org.springframework.security.oauth2.jwt.Jwt";

	private static final String VALIDATOR = "meshJwtValidator";

	private final BeanFactory beans;

	/**
	 * @param beans where the {@code meshJwtValidator} bean is looked up, on each request
	 * that asks
	 */
	MeshCallerRequests(BeanFactory beans) {
		this.beans = beans;
	}

	@Override
	public boolean test(HttpServletRequest request) {
		Principal principal = request.getUserPrincipal();
		if (!(principal instanceof Authentication authentication) || !authentication.isAuthenticated()
				|| !(authentication.getPrincipal() instanceof Jwt jwt) || !this.beans.containsBean(VALIDATOR)) {
			return false;
		}
		@SuppressWarnings("unchecked")
		OAuth2TokenValidator<Jwt> mesh = this.beans.getBean(VALIDATOR, OAuth2TokenValidator.class);
		return !mesh.validate(jwt).hasErrors();
	}

}
