package dev.mesh.resilience;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which answers say an instance is overloaded, and for how long it asks to be avoided,
 * hostile {@code Retry-After} values included.
 */
class OverloadRuleTests {

	private static final long SECOND = 1_000_000_000L;

	private final Clock wall = Clock.fixed(Instant.parse("2026-12-05T12:00:00Z"), ZoneOffset.UTC);

	private final OverloadRule rule = new OverloadRule(
			new OverloadPolicy(true, Duration.ofSeconds(1), Duration.ofSeconds(30)), this.wall);

	@Test
	void shouldSeeNoOverloadWhenTheRulesAreOff() {
		OverloadRule off = new OverloadRule(OverloadPolicy.DEFAULTS, this.wall);
		assertThat(off.enabled()).isFalse();
		assertThat(off.avoidNanos(429, retryAfter("5"))).isEqualTo(-1);
		assertThat(off.avoidNanos(503, retryAfter("5"))).isEqualTo(-1);
	}

	@Test
	void shouldAvoidA429ForTheTimeItAsksOrTheAvoidTime() {
		assertThat(this.rule.avoidNanos(429, retryAfter("5"))).isEqualTo(5 * SECOND);
		assertThat(this.rule.avoidNanos(429, new HttpHeaders())).isEqualTo(SECOND);
		assertThat(this.rule.avoidNanos(429, retryAfter("0"))).as("never less than avoid-time").isEqualTo(SECOND);
	}

	@Test
	void shouldCountA503AsOverloadOnlyWithRetryAfter() {
		assertThat(this.rule.avoidNanos(503, retryAfter("2"))).isEqualTo(2 * SECOND);
		assertThat(this.rule.avoidNanos(503, new HttpHeaders())).as("a plain 503 stays a failure").isEqualTo(-1);
		assertThat(this.rule.avoidNanos(503, retryAfter("soon"))).as("present but unreadable").isEqualTo(SECOND);
	}

	@Test
	void shouldSeeNoOverloadInOtherStatuses() {
		for (int status : new int[] { 200, 400, 404, 428, 430, 500, 502, 504 }) {
			assertThat(this.rule.avoidNanos(status, retryAfter("5"))).as("status %d", status).isEqualTo(-1);
		}
	}

	@Test
	void shouldReadAnHttpDate() {
		String inTenSeconds = DateTimeFormatter.RFC_1123_DATE_TIME
			.format(Instant.parse("2026-12-05T12:00:10Z").atZone(ZoneOffset.UTC));
		assertThat(this.rule.avoidNanos(429, retryAfter(inTenSeconds))).isEqualTo(10 * SECOND);
		String past = DateTimeFormatter.RFC_1123_DATE_TIME
			.format(Instant.parse("2026-12-05T11:00:00Z").atZone(ZoneOffset.UTC));
		assertThat(this.rule.avoidNanos(429, retryAfter(past))).isEqualTo(SECOND);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "99999999999999999999999 | 30", "9223372036854775807 | 30", "31 | 30",
			"'Fri, 31 Dec 9999 23:59:59 GMT' | 30", "-5 | 1", "1.5 | 1", "'5, 6' | 1", "0x10 | 1", "'' | 1" })
	void shouldKeepAHostileRetryAfterWithinTheLimits(String value, long seconds) {
		assertThat(this.rule.avoidNanos(429, retryAfter(value))).isEqualTo(seconds * SECOND);
	}

	@Test
	void shouldNeverAvoidLongerThanTheMaximumEvenWithoutRetryAfter() {
		OverloadRule rule = new OverloadRule(new OverloadPolicy(true, Duration.ofMinutes(5), Duration.ofSeconds(2)),
				this.wall);
		assertThat(rule.avoidNanos(429, new HttpHeaders())).isEqualTo(2 * SECOND);
	}

	@Test
	void shouldTreatADurationTooLongForNanosecondsAsForEver() {
		OverloadRule rule = new OverloadRule(
				new OverloadPolicy(true, Duration.ofSeconds(Long.MAX_VALUE), Duration.ofSeconds(Long.MAX_VALUE)),
				this.wall);
		assertThat(rule.avoidNanos(429, new HttpHeaders())).isEqualTo(Long.MAX_VALUE);
		assertThat(rule.avoidNanos(429, retryAfter("99999999999999999999"))).as("never less than avoid-time")
			.isEqualTo(Long.MAX_VALUE);
		OverloadRule longMax = new OverloadRule(
				new OverloadPolicy(true, Duration.ofSeconds(1), Duration.ofSeconds(Long.MAX_VALUE)), this.wall);
		assertThat(longMax.avoidNanos(429, retryAfter("99999999999999999999")))
			.isEqualTo(RetryAfter.MAX_MILLIS * 1_000_000L);
	}

	private static HttpHeaders retryAfter(String value) {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.RETRY_AFTER, value);
		return headers;
	}

}
