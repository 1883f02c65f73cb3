package dev.mesh.security;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2ClientCredentialsGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

/**
 * Creates the {@link ServiceTokenSource} of each called service. Every target gets its
 * own registration, derived from the configured one ({@code <registration>@<service>})
 * with the target's scopes, and its own cached token: a token requested for one service
 * is never attached to calls to another. Tokens are requested with Spring Security's
 * client-credentials token response client, built with the client's
 * {@code oauth2.connect-timeout} and {@code oauth2.read-timeout}, or with the
 * application's own
 * {@code OAuth2AccessTokenResponseClient<OAuth2ClientCredentialsGrantRequest>} when it
 * defines one (its timeouts then apply). Token requests run on daemon threads named
 * {@code mesh-token-*}, stopped by {@link #close()}.
 */
public final class ServiceTokenSources implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(ServiceTokenSources.class);

	private final ClientRegistrationRepository configured;

	private final OAuth2AccessTokenResponseClient<OAuth2ClientCredentialsGrantRequest> applicationTokenClient;

	private final Clock clock;

	private final TokenResponseClients tokenClients;

	private final ExecutorService executor;

	private final AtomicBoolean warnedNoRegistrations = new AtomicBoolean();

	private final AtomicBoolean loggedApplicationTokenClient = new AtomicBoolean();

	/**
	 * @param configured the application's client registrations, or {@code null} when it
	 * has none
	 * @param clock the clock of token lifetimes
	 */
	public ServiceTokenSources(ClientRegistrationRepository configured, Clock clock) {
		this(configured, null, clock);
	}

	/**
	 * @param configured the application's client registrations, or {@code null} when it
	 * has none
	 * @param applicationTokenClient the application's own token response client, used as
	 * it is, or {@code null} for one built from each client's timeouts
	 * @param clock the clock of token lifetimes
	 */
	public ServiceTokenSources(ClientRegistrationRepository configured,
			OAuth2AccessTokenResponseClient<OAuth2ClientCredentialsGrantRequest> applicationTokenClient, Clock clock) {
		this.configured = configured;
		this.applicationTokenClient = applicationTokenClient;
		this.clock = clock;
		CustomizableThreadFactory threads = new CustomizableThreadFactory("mesh-token-");
		threads.setDaemon(true);
		// At most one token request per service is in flight, so the threads are bounded
		// by the services
		// called; idle ones end after a minute.
		this.executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
				threads);
		this.tokenClients = new TokenResponseClients(this.executor);
	}

	/**
	 * @param serviceId the called service
	 * @param policy the client's token policy
	 * @return the service's token source, or {@code null} when its calls carry no token
	 * @throws MissingClientRegistrationException when a token is required but cannot be
	 * configured
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
				logger
					.warn("Mesh clients send calls without OAuth2 tokens: no OAuth2 client registration is configured."
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
			throw new MissingClientRegistrationException(serviceId, registrationId, "uses grant type '"
					+ base.getAuthorizationGrantType().getValue() + "' instead of client_credentials");
		}
		ClientRegistration target = ClientRegistration.withClientRegistration(base)
			.registrationId(registrationId + "@" + serviceId)
			.scope(policy.scopes().isEmpty() ? base.getScopes() : policy.scopes())
			.build();
		OAuth2AccessTokenResponseClient<OAuth2ClientCredentialsGrantRequest> client = tokenClient(policy);
		OAuth2ClientCredentialsGrantRequest grant = new OAuth2ClientCredentialsGrantRequest(target);
		return new ServiceTokenSource(serviceId, registrationId, endpoint(target.getProviderDetails().getTokenUri()),
				() -> {
					OAuth2AccessTokenResponse response = client.getTokenResponse(grant);
					return (response != null) ? response.getAccessToken() : null;
				}, this.executor, this.clock, policy);
	}

	private OAuth2AccessTokenResponseClient<OAuth2ClientCredentialsGrantRequest> tokenClient(TokenPolicy policy) {
		if (this.applicationTokenClient == null) {
			return this.tokenClients.create(policy.connectTimeout(), policy.readTimeout());
		}
		if (this.loggedApplicationTokenClient.compareAndSet(false, true)) {
			logger.info(
					"Mesh clients request tokens with the application's OAuth2AccessTokenResponseClient bean: its timeouts "
							+ "apply, not mesh.*.oauth2.connect-timeout / read-timeout");
		}
		return this.applicationTokenClient;
	}

	/** The token endpoint without user info or query, for messages. */
	private static String endpoint(String tokenUri) {
		try {
			URI uri = new URI(tokenUri);
			return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
		}
		catch (URISyntaxException | RuntimeException ex) {
			return "of the registration";
		}
	}

	/** Stops the token request threads and the HTTP clients of token requests. */
	@Override
	public void close() {
		this.executor.shutdownNow();
		this.tokenClients.close();
	}

}
