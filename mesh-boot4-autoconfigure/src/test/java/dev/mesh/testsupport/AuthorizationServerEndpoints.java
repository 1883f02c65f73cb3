package dev.mesh.testsupport;

import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.authorization.OAuth2AuthorizationServerConfigurer;

/**
 * Spring Authorization Server's endpoints on a filter chain (Spring Security 7, where the
 * authorization server's configurer now lives).
 */
final class AuthorizationServerEndpoints {

	private AuthorizationServerEndpoints() {
	}

	/**
	 * @param http the chain to serve the authorization server's endpoints, and only them
	 * @return the same chain
	 */
	static HttpSecurity apply(HttpSecurity http) throws Exception {
		OAuth2AuthorizationServerConfigurer authorizationServer = new OAuth2AuthorizationServerConfigurer();
		return http.securityMatcher(authorizationServer.getEndpointsMatcher())
			.with(authorizationServer, Customizer.withDefaults());
	}

}
