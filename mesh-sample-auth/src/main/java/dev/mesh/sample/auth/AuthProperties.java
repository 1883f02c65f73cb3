package dev.mesh.sample.auth;

import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * Clients and token settings of the sample authorization server ({@code mesh-auth.*}).
 * Values are checked at startup; a bad one fails startup with a message naming what was
 * expected.
 *
 * @param clients the clients allowed to request tokens with the client-credentials grant
 * @param tokenTtl how long an issued access token is valid
 */
@ConfigurationProperties("mesh-auth")
public record AuthProperties(List<Client> clients, @DefaultValue("5m") Duration tokenTtl) {

	public AuthProperties {
		Assert.notEmpty(clients, "mesh-auth.clients: none (expected: at least one client)");
		Assert.isTrue(!tokenTtl.isNegative() && !tokenTtl.isZero(),
				() -> "mesh-auth.token-ttl: %s (expected: > 0)".formatted(tokenTtl));
		Set<String> ids = new HashSet<>();
		for (Client client : clients) {
			Assert.isTrue(ids.add(client.clientId()),
					() -> "mesh-auth.clients: client-id '%s' is listed twice (expected: unique)"
						.formatted(client.clientId()));
		}
		clients = List.copyOf(clients);
	}

	/**
	 * One client allowed to request tokens.
	 *
	 * @param clientId the client id; it is also the token's {@code sub} and
	 * {@code client_id}
	 * @param clientSecret the raw client secret; it is kept only in encoded form
	 * @param scopes the scopes the client may request, each
	 * {@code <service>.<permission>}
	 */
	public record Client(String clientId, String clientSecret, @DefaultValue Set<String> scopes) {

		public Client {
			Assert.isTrue(StringUtils.hasText(clientId), "mesh-auth.clients[].client-id: empty (expected: text)");
			Assert.isTrue(StringUtils.hasText(clientSecret),
					() -> "mesh-auth.clients[].client-secret of '%s': empty (expected: text)".formatted(clientId));
			scopes = Collections.unmodifiableSet(new LinkedHashSet<>(scopes));
		}

	}

}
