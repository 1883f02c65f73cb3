package dev.mesh.resilience;

import java.time.Duration;
import java.util.Objects;

/**
 * Whether a client keeps away from an instance that answered it is overloaded
 * ({@code mesh.clients.<service>.overload.*}): a 429, or a 503 with {@code Retry-After}.
 *
 * @param enabled whether such answers count as overload: the instance is avoided for the
 * time it asked, the answer counts as neither success nor failure, and a 429 may be
 * retried on another instance as a 503 may
 * @param avoidTime the shortest an instance is avoided, and how long when its answer
 * gives no usable {@code Retry-After}
 * @param maxAvoidTime the longest an instance is avoided, whatever it asked
 */
public record OverloadPolicy(boolean enabled, Duration avoidTime, Duration maxAvoidTime) {

	/** Off: 429 and 503 count as they always did. */
	public static final OverloadPolicy DEFAULTS = new OverloadPolicy(false, Duration.ofSeconds(1),
			Duration.ofSeconds(30));

	/** Checks the times are given. */
	public OverloadPolicy {
		Objects.requireNonNull(avoidTime, "avoidTime");
		Objects.requireNonNull(maxAvoidTime, "maxAvoidTime");
	}

}
