package dev.mesh.security;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * Token sources for the pipeline's unit tests: they fetch on the calling thread from a
 * supplier, and replace a rejected token as soon as it is a millisecond old.
 */
public final class DirectTokenSources {

	private DirectTokenSources() {
	}

	/**
	 * @param fetcher what a token request returns or throws
	 * @param clock the wall clock of token ages and expiry
	 * @return a token source of service {@code inventory}
	 */
	public static ServiceTokenSource of(Supplier<OAuth2AccessToken> fetcher, Clock clock) {
		return new ServiceTokenSource("inventory", "mesh", "http://idp/token", fetcher, Runnable::run, clock,
				new TokenPolicy(true, "mesh", List.of(), Duration.ofSeconds(60), Duration.ofSeconds(1),
						Duration.ofSeconds(5), Duration.ofMillis(1)));
	}

}
