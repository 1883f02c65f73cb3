package dev.mesh.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The drain time in effect: twice the refresh interval by default, capped at the shutdown
 * phase's timeout; a configured one is taken as it is, or refused when longer than the
 * phase timeout.
 */
class DrainTimesTests {

	private static final Duration PHASE = Duration.ofSeconds(30);

	@Test
	void defaultsToTwiceTheRefreshInterval() {
		assertThat(DrainTimes.resolve(null, Duration.ofSeconds(1), PHASE)).isEqualTo(Duration.ofSeconds(2));
		assertThat(DrainTimes.resolve(null, Duration.ofMillis(700), PHASE)).isEqualTo(Duration.ofMillis(1400));
	}

	@Test
	void theDefaultIsCappedAtThePhaseTimeout() {
		assertThat(DrainTimes.resolve(null, Duration.ofSeconds(20), PHASE)).isEqualTo(PHASE);
		assertThat(DrainTimes.resolve(null, Duration.ofSeconds(1), Duration.ofMillis(1500)))
			.isEqualTo(Duration.ofMillis(1500));
		assertThat(DrainTimes.resolve(null, Duration.ofDays(365L * 1_000_000), PHASE)).as("no overflow")
			.isEqualTo(PHASE);
	}

	@Test
	void aConfiguredDrainTimeIsTakenAsItIsUpToThePhaseTimeout() {
		assertThat(DrainTimes.resolve(Duration.ZERO, Duration.ofSeconds(1), PHASE)).isZero();
		assertThat(DrainTimes.resolve(Duration.ofSeconds(5), Duration.ofSeconds(1), PHASE))
			.isEqualTo(Duration.ofSeconds(5));
		assertThat(DrainTimes.resolve(PHASE, Duration.ofSeconds(1), PHASE)).isEqualTo(PHASE);
	}

	@Test
	void aConfiguredDrainTimeLongerThanThePhaseTimeoutIsRefused() {
		assertThatExceptionOfType(DrainTimeTooLongException.class)
			.isThrownBy(() -> DrainTimes.resolve(Duration.ofSeconds(31), Duration.ofSeconds(1), PHASE))
			.satisfies((ex) -> {
				assertThat(ex.getDrainTime()).isEqualTo(Duration.ofSeconds(31));
				assertThat(ex.getPhaseTimeout()).isEqualTo(PHASE);
			});
	}

}
