package dev.mesh.security;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * The client-credentials token of one called service, obtained through Spring Security's
 * {@link OAuth2AuthorizedClientManager} and cached until shortly before it expires. Only one caller
 * requests a new token at a time; the others wait for it (one token request at expiry, not one per
 * caller). If the token endpoint fails, the cached token is used for as long as it is valid, and after
 * that {@link #token()} throws {@link TokenUnavailableException}.
 */
public final class ServiceTokenSource {

	private static final Log logger = LogFactory.getLog(ServiceTokenSource.class);

	private final String serviceId;

	private final String registrationId;

	private final String authorizedRegistrationId;

	private final OAuth2AuthorizedClientManager manager;

	private final Runnable evict;

	private final Clock clock;

	private final long refreshBeforeExpiryMillis;

	private final Object refreshLock = new Object();

	private final LongAdder requests = new LongAdder();

	private final LongAdder failures = new LongAdder();

	private volatile OAuth2AccessToken current;

	private volatile Instant lastRefresh;

	/**
	 * @param serviceId the called service
	 * @param registrationId the client registration the user configured
	 * @param authorizedRegistrationId the registration id the manager knows this target by
	 * @param manager obtains tokens (client credentials)
	 * @param evict removes the manager's stored token for this target
	 * @param clock the clock
	 * @param refreshBeforeExpiryMillis how long before expiry a token is replaced
	 */
	public ServiceTokenSource(String serviceId, String registrationId, String authorizedRegistrationId,
			OAuth2AuthorizedClientManager manager, Runnable evict, Clock clock, long refreshBeforeExpiryMillis) {
		this.serviceId = serviceId;
		this.registrationId = registrationId;
		this.authorizedRegistrationId = authorizedRegistrationId;
		this.manager = manager;
		this.evict = evict;
		this.clock = clock;
		this.refreshBeforeExpiryMillis = refreshBeforeExpiryMillis;
	}

	/**
	 * @return a token to attach, never {@code null}
	 * @throws TokenUnavailableException if none can be had
	 */
	public OAuth2AccessToken token() {
		OAuth2AccessToken token = this.current;
		if (token != null && !dueForRefresh(token)) {
			return token;
		}
		synchronized (this.refreshLock) {
			token = this.current;
			if (token != null && !dueForRefresh(token)) {
				return token;
			}
			return refresh(token);
		}
	}

	private OAuth2AccessToken refresh(OAuth2AccessToken cached) {
		this.requests.increment();
		try {
			OAuth2AuthorizedClient client = this.manager.authorize(OAuth2AuthorizeRequest
				.withClientRegistrationId(this.authorizedRegistrationId)
				.principal(this.serviceId)
				.build());
			if (client == null || client.getAccessToken() == null) {
				throw new IllegalStateException("the authorized client manager returned no token");
			}
			this.current = client.getAccessToken();
			this.lastRefresh = this.clock.instant();
			return this.current;
		}
		catch (RuntimeException ex) {
			this.failures.increment();
			if (cached != null && !expired(cached)) {
				logger.warn("Could not refresh the access token for service '" + this.serviceId + "' (registration '"
						+ this.registrationId + "'); using the cached token until it expires at " + cached.getExpiresAt()
						+ ": " + ex.getMessage());
				return cached;
			}
			throw new TokenUnavailableException(this.registrationId, this.serviceId, ex);
		}
	}

	/**
	 * Drops a token the server rejected as invalid, so the next {@link #token()} gets a new one.
	 * @param rejected the rejected token
	 */
	public void invalidate(OAuth2AccessToken rejected) {
		synchronized (this.refreshLock) {
			if (this.current == rejected) {
				this.current = null;
			}
			this.evict.run();
		}
	}

	private boolean dueForRefresh(OAuth2AccessToken token) {
		Instant expiresAt = token.getExpiresAt();
		return expiresAt != null && !this.clock.instant().isBefore(expiresAt.minusMillis(this.refreshBeforeExpiryMillis));
	}

	private boolean expired(OAuth2AccessToken token) {
		Instant expiresAt = token.getExpiresAt();
		return expiresAt != null && !this.clock.instant().isBefore(expiresAt);
	}

	/** @return the called service */
	public String serviceId() {
		return this.serviceId;
	}

	/** @return the client registration the user configured */
	public String registrationId() {
		return this.registrationId;
	}

	/** @return token requests made so far (successful or not) */
	public long requestCount() {
		return this.requests.sum();
	}

	/** @return token requests that failed */
	public long failureCount() {
		return this.failures.sum();
	}

	/** @return when the cached token expires, or {@code null} when none is cached */
	public Instant expiresAt() {
		OAuth2AccessToken token = this.current;
		return (token != null) ? token.getExpiresAt() : null;
	}

	/** @return when a token was last obtained, or {@code null} */
	public Instant lastRefresh() {
		return this.lastRefresh;
	}

}
