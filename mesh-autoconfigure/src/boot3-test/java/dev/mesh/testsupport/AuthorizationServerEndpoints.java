package dev.mesh.testsupport;

import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configurers.OAuth2AuthorizationServerConfigurer;

/**
 * Spring Authorization Server's endpoints on a filter chain (the configurer moved into
 * Spring Security 7 on Boot 4; this is Boot 3.5's).
 */
final class AuthorizationServerEndpoints {

	private AuthorizationServerEndpoints() {
	}

	/**
	 * @param http the chain to serve the authorization server's endpoints, and only them
	 * @return the same chain
	 */
	static HttpSecurity apply(HttpSecurity http) throws Exception {
		OAuth2AuthorizationServerConfigurer authorizationServer = OAuth2AuthorizationServerConfigurer
			.authorizationServer();
		return http.securityMatcher(authorizationServer.getEndpointsMatcher())
			.with(authorizationServer, Customizer.withDefaults());
	}

}
