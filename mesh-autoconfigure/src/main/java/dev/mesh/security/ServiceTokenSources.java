package dev.mesh.security;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;

/**
 * Creates the {@link ServiceTokenSource} of each called service. Every target gets its own
 * registration, derived from the configured one ({@code <registration>@<service>}) with the target's
 * scopes, and its own stored token: a token requested for one service is never attached to calls to
 * another.
 */
public final class ServiceTokenSources {

	private static final Log logger = LogFactory.getLog(ServiceTokenSources.class);

	private final ClientRegistrationRepository configured;

	private final Clock clock;

	private final Map<String, ClientRegistration> targets = new ConcurrentHashMap<>();

	private final InMemoryOAuth2AuthorizedClientService authorizedClients;

	private final AtomicBoolean warnedNoRegistrations = new AtomicBoolean();

	/**
	 * @param configured the application's client registrations, or {@code null} when it has none
	 * @param clock the clock
	 */
	public ServiceTokenSources(ClientRegistrationRepository configured, Clock clock) {
		this.configured = configured;
		this.clock = clock;
		this.authorizedClients = new InMemoryOAuth2AuthorizedClientService(this.targets::get);
	}

	/**
	 * @param serviceId the called service
	 * @param policy the client's token policy
	 * @return the service's token source, or {@code null} when its calls carry no token
	 * @throws MissingClientRegistrationException when a token is required but cannot be configured
	 */
	public ServiceTokenSource forService(String serviceId, TokenPolicy policy) {
		if (Boolean.FALSE.equals(policy.enabled())) {
			return null;
		}
		String registrationId = policy.registrationId();
		if (this.configured == null) {
			if (Boolean.TRUE.equals(policy.enabled())) {
				throw new MissingClientRegistrationException(serviceId, registrationId, "is not configured");
			}
			if (this.warnedNoRegistrations.compareAndSet(false, true)) {
				logger.warn("Mesh clients send calls without OAuth2 tokens: no OAuth2 client registration is configured."
						+ " Configure spring.security.oauth2.client.registration." + registrationId
						+ ".* (client_credentials) to authenticate service-to-service calls.");
			}
			return null;
		}
		ClientRegistration base = this.configured.findByRegistrationId(registrationId);
		if (base == null) {
			throw new MissingClientRegistrationException(serviceId, registrationId, "is not configured");
		}
		if (!AuthorizationGrantType.CLIENT_CREDENTIALS.equals(base.getAuthorizationGrantType())) {
			throw new MissingClientRegistrationException(serviceId, registrationId,
					"uses grant type '" + base.getAuthorizationGrantType().getValue() + "' instead of client_credentials");
		}
		String targetId = registrationId + "@" + serviceId;
		ClientRegistration target = ClientRegistration.withClientRegistration(base)
			.registrationId(targetId)
			.scope(policy.scopes().isEmpty() ? base.getScopes() : policy.scopes())
			.build();
		this.targets.put(targetId, target);
		OAuth2AuthorizedClientProvider provider = OAuth2AuthorizedClientProviderBuilder.builder()
			.clientCredentials((credentials) -> credentials.clockSkew(policy.refreshBeforeExpiry()).clock(this.clock))
			.build();
		AuthorizedClientServiceOAuth2AuthorizedClientManager manager = new AuthorizedClientServiceOAuth2AuthorizedClientManager(
				this.targets::get, this.authorizedClients);
		manager.setAuthorizedClientProvider(provider);
		return new ServiceTokenSource(serviceId, registrationId, targetId, manager,
				() -> this.authorizedClients.removeAuthorizedClient(targetId, serviceId), this.clock,
				policy.refreshBeforeExpiry().toMillis());
	}

}
