package dev.mesh.client;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Which instances keep their meters: the live ones, and departed ones within the
 * retention, at most a bounded number of them, the oldest departure forgotten first.
 */
class DepartedInstancesTests {

	private static final long SECOND = 1_000_000_000L;

	@Test
	void keepsADepartedInstanceForTheRetentionThenForgetsIt() {
		DepartedInstances departed = new DepartedInstances(Duration.ofSeconds(10), 100);
		departed.listChanged(List.of("a", "b"), 0);
		departed.listChanged(List.of("b"), SECOND);
		assertThat(departed.keep(10 * SECOND)).as("nothing forgotten yet").isNull();
		assertThat(departed.nanosToNextExpiry(10 * SECOND)).isEqualTo(SECOND);
		Predicate<String> keep = departed.keep(11 * SECOND);
		assertThat(keep).isNotNull();
		assertThat(keep.test("a")).isFalse();
		assertThat(keep.test("b")).isTrue();
		assertThat(departed.remembered()).isZero();
		assertThat(departed.nanosToNextExpiry(11 * SECOND)).isEqualTo(-1);
	}

	@Test
	void anInstanceBackWithinTheRetentionIsLiveAgainAndDepartsAfresh() {
		DepartedInstances departed = new DepartedInstances(Duration.ofSeconds(10), 100);
		departed.listChanged(List.of("a"), 0);
		departed.listChanged(List.of(), SECOND);
		departed.listChanged(List.of("a"), 5 * SECOND);
		assertThat(departed.keep(20 * SECOND)).isNull();
		departed.listChanged(List.of(), 20 * SECOND);
		assertThat(departed.keep(29 * SECOND)).isNull();
		assertThat(departed.keep(30 * SECOND).test("a")).isFalse();
	}

	@Test
	void remembersAtMostTheBoundForgettingTheOldestDepartureFirst() {
		DepartedInstances departed = new DepartedInstances(Duration.ofDays(1), 3);
		departed.listChanged(List.of("a", "b", "c", "d", "e"), 0);
		departed.listChanged(List.of("e"), SECOND);
		departed.listChanged(List.of(), 2 * SECOND);
		assertThat(departed.remembered()).isEqualTo(3);
		Predicate<String> keep = departed.keep(3 * SECOND);
		assertThat(List.of("a", "b", "c", "d", "e").stream().filter(keep).toList()).hasSize(3).contains("e");
	}

	@Test
	void aRetentionTooLongForNanosecondsIsForEverAndZeroIsAtOnce() {
		DepartedInstances forEver = new DepartedInstances(Duration.ofSeconds(Long.MAX_VALUE), 100);
		forEver.listChanged(List.of("a"), 0);
		forEver.listChanged(List.of(), SECOND);
		assertThat(forEver.keep(Long.MAX_VALUE / 2)).isNull();
		assertThat(forEver.nanosToNextExpiry(Long.MAX_VALUE / 2)).isPositive();
		DepartedInstances atOnce = new DepartedInstances(Duration.ZERO, 100);
		atOnce.listChanged(List.of("a"), 0);
		atOnce.listChanged(List.of(), SECOND);
		assertThat(atOnce.keep(SECOND).test("a")).isFalse();
		assertThatIllegalArgumentException().isThrownBy(() -> atOnce.retain(Duration.ofNanos(-1)));
	}

	@Test
	void aMeterOfAnInstanceNeitherLiveNorRememberedIsMarkedForRemoval() {
		DepartedInstances departed = new DepartedInstances(Duration.ZERO, 100);
		departed.listChanged(List.of("a"), 0);
		assertThat(departed.meterRegistered("a")).isFalse();
		assertThat(departed.meterRegistered("gone")).isTrue();
		Predicate<String> keep = departed.keep(0);
		assertThat(keep.test("gone")).isFalse();
		assertThat(keep.test("a")).isTrue();
	}

}
