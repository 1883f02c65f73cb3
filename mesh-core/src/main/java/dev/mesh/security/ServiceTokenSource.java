package dev.mesh.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import dev.mesh.discovery.RedactedUris;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * The client-credentials token of one called service, cached until shortly before it
 * expires.
 *
 * <p>
 * A token is due for refresh {@code min(refresh-before-expiry, lifetime / 2)} before it
 * expires, so short-lived tokens (and those of a server that leaves out
 * {@code expires_in}, which Spring Security reads as 1s) are still shared by every call
 * in a burst. Token requests run one at a time on a background thread, never on a
 * caller's: callers holding a valid token that is due get it at once and start the
 * refresh; callers with no valid token wait for the request in flight, each at most until
 * its own deadline. If the token endpoint fails, the cached token is used for as long as
 * it is valid; a failed request is not repeated for {@value #FAILURE_BACKOFF_MILLIS} ms,
 * and a caller with no valid token in that time fails at once with
 * {@link TokenUnavailableException}.
 */
public final class ServiceTokenSource {

	/** How long after a failed token request the next one may start. */
	static final long FAILURE_BACKOFF_MILLIS = 1000;

	/**
	 * Longest lifetime a token is cached for, whatever the server says:
	 * {@code expires_in} is the server's number, and one near the end of time must not
	 * overflow {@link Instant} on this source's clock.
	 */
	static final Duration MAX_LIFETIME = Duration.ofDays(3650);

	private static final Log logger = LogFactory.getLog(ServiceTokenSource.class);

	private final String serviceId;

	private final String registrationId;

	private final String tokenEndpoint;

	private final Supplier<OAuth2AccessToken> fetcher;

	private final Executor executor;

	private final Clock clock;

	private final Duration refreshBeforeExpiry;

	private final Duration invalidTokenRefetchInterval;

	private final AtomicReference<Cached> current = new AtomicReference<>();

	/** The token request in flight, if any: at most one per service. */
	private final AtomicReference<CompletableFuture<Cached>> inFlight = new AtomicReference<>();

	private final LongAdder requests = new LongAdder();

	private final LongAdder failures = new LongAdder();

	private volatile Instant lastRefresh;

	private volatile Instant failedUntil;

	private volatile Throwable lastFailure;

	/**
	 * @param serviceId the called service
	 * @param registrationId the client registration the user configured
	 * @param tokenEndpoint the token endpoint, for messages (no credentials)
	 * @param fetcher makes one token request (client credentials) and returns its token,
	 * or throws
	 * @param executor runs token requests, off the callers' threads
	 * @param clock the clock of token lifetimes
	 * @param policy the refresh window and the {@code invalid_token} refetch interval
	 */
	ServiceTokenSource(String serviceId, String registrationId, String tokenEndpoint,
			Supplier<OAuth2AccessToken> fetcher, Executor executor, Clock clock, TokenPolicy policy) {
		this.serviceId = serviceId;
		this.registrationId = registrationId;
		this.tokenEndpoint = tokenEndpoint;
		this.fetcher = fetcher;
		this.executor = executor;
		this.clock = clock;
		this.refreshBeforeExpiry = policy.refreshBeforeExpiry();
		this.invalidTokenRefetchInterval = policy.invalidTokenRefetchInterval();
	}

	/**
	 * Returns the cached token, starting a refresh in the background when it is due;
	 * waits for a token request only when no valid token is cached.
	 * @param maxWaitNanos how long the caller may wait for a token request (its remaining
	 * deadline)
	 * @return a token to attach, never {@code null}
	 * @throws TokenUnavailableException if none can be had within {@code maxWaitNanos}
	 */
	public OAuth2AccessToken token(long maxWaitNanos) {
		Cached cached = this.current.get();
		Instant now = this.clock.instant();
		if (cached != null && now.isBefore(cached.refreshAt())) {
			return cached.token();
		}
		CompletableFuture<Cached> refresh = refresh();
		if (cached != null && now.isBefore(cached.expiresAt())) {
			return cached.token();
		}
		if (refresh == null) {
			throw failedRecently();
		}
		return await(refresh, maxWaitNanos);
	}

	private TokenUnavailableException failedRecently() {
		return new TokenUnavailableException(this.registrationId, this.serviceId,
				"the token endpoint " + this.tokenEndpoint + " failed less than " + FAILURE_BACKOFF_MILLIS + " ms ago ("
						+ message(this.lastFailure) + ") and no unexpired token is cached",
				this.lastFailure);
	}

	/**
	 * Called when a server answered {@code 401 invalid_token} to a token. Makes the token
	 * due for refresh (a new one is requested in the background) unless it was obtained
	 * less than the refetch interval ago: a server rejecting a fresh token is more likely
	 * wrong than the token, and must not make every call fetch one. Until the new token
	 * arrives other calls keep the rejected one, so an instance that rejects tokens
	 * cannot hold up calls to the others.
	 * @param rejected the rejected token
	 * @return {@code true} if the call may be re-sent with {@link #replacement},
	 * {@code false} if the token was kept
	 */
	public boolean invalidate(OAuth2AccessToken rejected) {
		Cached cached = this.current.get();
		if (cached == null || cached.token() != rejected) {
			// already replaced by another call: re-send with the current one
			return true;
		}
		if (this.clock.instant().isBefore(cached.obtainedAt().plus(this.invalidTokenRefetchInterval))) {
			return false;
		}
		this.current.compareAndSet(cached, cached.dueNow());
		return true;
	}

	/**
	 * A token other than one a server rejected, after {@link #invalidate} returned
	 * {@code true}: the current token if it was replaced already, else the one from the
	 * token request in flight.
	 * @param rejected the rejected token
	 * @param maxWaitNanos how long the caller may wait for a token request (its remaining
	 * deadline)
	 * @return the token to re-send with
	 * @throws TokenUnavailableException if none can be had within {@code maxWaitNanos}
	 */
	public OAuth2AccessToken replacement(OAuth2AccessToken rejected, long maxWaitNanos) {
		Cached cached = this.current.get();
		if (cached != null && cached.token() != rejected && this.clock.instant().isBefore(cached.expiresAt())) {
			return cached.token();
		}
		CompletableFuture<Cached> refresh = refresh();
		if (refresh == null) {
			throw failedRecently();
		}
		return await(refresh, maxWaitNanos);
	}

	/**
	 * @return the token request in flight (started now if none was and none failed just
	 * now), or {@code null}
	 */
	private CompletableFuture<Cached> refresh() {
		for (;;) {
			CompletableFuture<Cached> running = this.inFlight.get();
			if (running != null) {
				return running;
			}
			Instant now = this.clock.instant();
			Cached cached = this.current.get();
			if (cached != null && now.isBefore(cached.refreshAt())) {
				// another caller's request completed between our look at the cache and
				// now
				return CompletableFuture.completedFuture(cached);
			}
			Instant failedUntil = this.failedUntil;
			if (failedUntil != null && now.isBefore(failedUntil)) {
				return null;
			}
			CompletableFuture<Cached> started = new CompletableFuture<>();
			if (this.inFlight.compareAndSet(null, started)) {
				try {
					this.executor.execute(() -> fetch(started));
				}
				catch (RejectedExecutionException ex) {
					// the application context is closing
					this.inFlight.set(null);
					started.completeExceptionally(ex);
				}
				return started;
			}
		}
	}

	private void fetch(CompletableFuture<Cached> result) {
		Instant requested = this.clock.instant();
		this.requests.increment();
		try {
			OAuth2AccessToken token = this.fetcher.get();
			if (token == null) {
				throw new IllegalStateException("the token response client returned no token");
			}
			Cached cached = cache(token, requested);
			this.current.set(cached);
			this.lastRefresh = this.clock.instant();
			this.failedUntil = null;
			this.inFlight.set(null);
			result.complete(cached);
		}
		catch (Throwable ex) {
			// Any Throwable: waiting callers must be released, and the next request must
			// be able to start.
			this.failures.increment();
			this.lastFailure = ex;
			this.failedUntil = this.clock.instant().plusMillis(FAILURE_BACKOFF_MILLIS);
			this.inFlight.set(null);
			result.completeExceptionally(ex);
			Cached cached = this.current.get();
			if (cached != null && this.clock.instant().isBefore(cached.expiresAt())) {
				logger.warn("Could not refresh the access token for service '" + this.serviceId + "' (registration '"
						+ this.registrationId + "'); using the cached token until it expires at "
						+ cached.token().getExpiresAt() + ": " + message(ex));
			}
			if (ex instanceof Error error) {
				throw error;
			}
		}
	}

	/**
	 * Times a new token on this source's clock from when it was requested (so the time
	 * the answer took counts against its life): due
	 * {@code min(refresh-before-expiry, lifetime / 2)} before it expires.
	 */
	private Cached cache(OAuth2AccessToken token, Instant requested) {
		if (token.getIssuedAt() == null || token.getExpiresAt() == null) {
			return new Cached(token, requested, Instant.MAX, Instant.MAX);
		}
		Duration lifetime = Duration.between(token.getIssuedAt(), token.getExpiresAt());
		if (lifetime.isNegative()) {
			lifetime = Duration.ZERO;
		}
		else if (lifetime.compareTo(MAX_LIFETIME) > 0) {
			lifetime = MAX_LIFETIME;
		}
		Duration half = lifetime.dividedBy(2);
		Duration ahead = (this.refreshBeforeExpiry.compareTo(half) < 0) ? this.refreshBeforeExpiry : half;
		Instant expiresAt = requested.plus(lifetime);
		return new Cached(token, requested, expiresAt.minus(ahead), expiresAt);
	}

	private OAuth2AccessToken await(CompletableFuture<Cached> refresh, long maxWaitNanos) {
		try {
			return refresh.get(Math.max(0, maxWaitNanos), TimeUnit.NANOSECONDS).token();
		}
		catch (ExecutionException ex) {
			throw new TokenUnavailableException(this.registrationId, this.serviceId, "the token endpoint "
					+ this.tokenEndpoint + " failed (" + message(ex.getCause()) + ") and no unexpired token is cached",
					ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new TokenUnavailableException(this.registrationId, this.serviceId,
					"the token endpoint " + this.tokenEndpoint + " did not answer within the call's deadline ("
							+ TimeUnit.NANOSECONDS.toMillis(Math.max(0, maxWaitNanos))
							+ " ms left); the token request goes on for later calls",
					null);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new TokenUnavailableException(this.registrationId, this.serviceId,
					"interrupted while waiting for the token endpoint " + this.tokenEndpoint, ex);
		}
	}

	private static String message(Throwable ex) {
		return (ex != null) ? RedactedUris.inText(String.valueOf(ex.getMessage())) : "unknown";
	}

	/**
	 * @return the called service
	 */
	public String serviceId() {
		return this.serviceId;
	}

	/**
	 * @return the client registration the user configured
	 */
	public String registrationId() {
		return this.registrationId;
	}

	/**
	 * @return token requests made so far (successful or not)
	 */
	public long requestCount() {
		return this.requests.sum();
	}

	/**
	 * @return token requests that failed
	 */
	public long failureCount() {
		return this.failures.sum();
	}

	/**
	 * @return when the cached token expires, or {@code null} when none is cached
	 */
	public Instant expiresAt() {
		Cached cached = this.current.get();
		return (cached != null) ? cached.token().getExpiresAt() : null;
	}

	/**
	 * @return when a token was last obtained, or {@code null}
	 */
	public Instant lastRefresh() {
		return this.lastRefresh;
	}

	/**
	 * A token and, on this source's clock, when it was requested, is due for refresh and
	 * expires.
	 */
	private record Cached(OAuth2AccessToken token, Instant obtainedAt, Instant refreshAt, Instant expiresAt) {

		Cached dueNow() {
			return new Cached(this.token, this.obtainedAt, Instant.MIN, this.expiresAt);
		}

	}

}
