package dev.mesh.sample.auth;

import java.util.List;
import java.util.UUID;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;

/**
 * Registers the clients of {@code mesh-auth.clients}: client-credentials grant only,
 * secret sent with HTTP Basic or in the form body, self-contained (JWT) access tokens
 * valid for {@code mesh-auth.token-ttl}. Secrets are encoded once at startup
 * ({@code {bcrypt}} by default) and never kept in raw form.
 */
@Configuration(proxyBeanMethods = false)
class RegisteredClientConfiguration {

	@Bean
	PasswordEncoder passwordEncoder() {
		return PasswordEncoderFactories.createDelegatingPasswordEncoder();
	}

	@Bean
	RegisteredClientRepository registeredClientRepository(AuthProperties properties, PasswordEncoder passwordEncoder) {
		TokenSettings tokenSettings = TokenSettings.builder()
			.accessTokenFormat(OAuth2TokenFormat.SELF_CONTAINED)
			.accessTokenTimeToLive(properties.tokenTtl())
			.build();
		List<RegisteredClient> clients = properties.clients()
			.stream()
			.map((client) -> registeredClient(client, passwordEncoder, tokenSettings))
			.toList();
		return new InMemoryRegisteredClientRepository(clients);
	}

	private static RegisteredClient registeredClient(AuthProperties.Client client, PasswordEncoder passwordEncoder,
			TokenSettings tokenSettings) {
		return RegisteredClient.withId(UUID.randomUUID().toString())
			.clientId(client.clientId())
			.clientSecret(passwordEncoder.encode(client.clientSecret()))
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
			.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
			.scopes((scopes) -> scopes.addAll(client.scopes()))
			.tokenSettings(tokenSettings)
			.build();
	}

}
