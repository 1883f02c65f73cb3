package dev.mesh.resilience;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retry-After values a hostile (or merely unusual) instance may send.
 */
class RetryAfterAttackTests {

	private final Clock clock = Clock.fixed(Instant.parse("1994-11-06T08:49:00Z"), ZoneOffset.UTC);

	private final OverloadRule rule = new OverloadRule(
			new OverloadPolicy(true, Duration.ofSeconds(1), Duration.ofSeconds(30)), this.clock);

	/** RFC 9110: delay-seconds = 1*DIGIT; leading zeros change nothing. */
	@Test
	void leadingZerosDoNotChangeTheNumberOfSeconds() {
		assertThat(RetryAfter.millis("000000000000000005", this.clock)).isEqualTo(5_000);
		assertThat(RetryAfter.millis("0000000000000000005", this.clock)).isEqualTo(5_000);
		assertThat(this.rule.avoidNanos(429, headers("0000000000000000005"))).isEqualTo(5_000_000_000L);
	}

	/**
	 * RFC 9110 5.6.7: "A recipient that parses a timestamp value in an HTTP header field
	 * MUST accept all three HTTP-date formats."
	 */
	@Test
	void everyHttpDateFormatIsRead() {
		assertThat(RetryAfter.millis("Sun, 06 Nov 1994 08:49:37 GMT", this.clock)).isEqualTo(37_000);
		assertThat(RetryAfter.millis("Sunday, 06-Nov-94 08:49:37 GMT", this.clock)).isEqualTo(37_000);
		assertThat(RetryAfter.millis("Sun Nov  6 08:49:37 1994", this.clock)).isEqualTo(37_000);
	}

	@Test
	void hostileValuesStayWithinTheLimits() {
		for (String value : new String[] { "-5", "+5", "5.5", "1e9", "\u0665", "5\u00a0", "\u2003", "",
				"99999999999999999999999999999", "Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 0001 00:00:00 GMT",
				"Sun, 06 Nov 1994 08:49:37 +9999", "0x10", "5, 10" }) {
			long nanos = this.rule.avoidNanos(429, headers(value));
			assertThat(nanos).as(value).isBetween(0L, 30_000_000_000L);
			assertThat(this.rule.avoidNanos(503, headers(value))).as(value).isBetween(0L, 30_000_000_000L);
		}
	}

	private static HttpHeaders headers(String retryAfter) {
		HttpHeaders headers = new HttpHeaders();
		headers.add(HttpHeaders.RETRY_AFTER, retryAfter);
		return headers;
	}

}
