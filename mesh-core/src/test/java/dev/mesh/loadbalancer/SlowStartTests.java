package dev.mesh.loadbalancer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.mesh.discovery.MeshInstance;
import dev.mesh.discovery.MeshInstanceFactory;
import dev.mesh.testsupport.SettableClock;
import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.DefaultServiceInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ramp shape of {@link SlowStart}, with a fixed clock: weights are in hundredths of a
 * registry weight.
 */
class SlowStartTests {

	private static final Instant STARTED = Instant.parse("2025-06-01T10:00:00Z");

	private static final SlowStartPolicy LINEAR_100S = new SlowStartPolicy(true, Duration.ofSeconds(100), 10, 1.0);

	@Test
	void rampsLinearlyFromTheMinimumAtStartToTheFullWeightAtTheEndOfTheWindow() {
		MeshInstance instance = instance("a", 2, STARTED.toString(), null);
		assertThat(weightAt(LINEAR_100S, instance, 0)).as("start: the 10% floor").isEqualTo(20);
		assertThat(weightAt(LINEAR_100S, instance, 5)).as("5% of the window is still below the floor").isEqualTo(20);
		assertThat(weightAt(LINEAR_100S, instance, 25)).isEqualTo(50);
		assertThat(weightAt(LINEAR_100S, instance, 50)).as("mid-window").isEqualTo(100);
		assertThat(weightAt(LINEAR_100S, instance, 99)).isEqualTo(198);
		assertThat(weightAt(LINEAR_100S, instance, 100)).as("end").isEqualTo(200);
		assertThat(weightAt(LINEAR_100S, instance, 10_000)).isEqualTo(200);
	}

	@Test
	void holdsTheConfiguredMinimumWeight() {
		MeshInstance instance = instance("a", 4, STARTED.toString(), null);
		SlowStartPolicy floor30 = new SlowStartPolicy(true, Duration.ofSeconds(100), 30, 1.0);
		assertThat(weightAt(floor30, instance, 0)).isEqualTo(120);
		assertThat(weightAt(floor30, instance, 29)).isEqualTo(120);
		assertThat(weightAt(floor30, instance, 40)).isEqualTo(160);
		SlowStartPolicy noFloor = new SlowStartPolicy(true, Duration.ofSeconds(100), 0, 1.0);
		assertThat(weightAt(noFloor, instance("b", 1, STARTED.toString(), null), 0))
			.as("a positive weight never ramps below 1 (a hundredth)")
			.isEqualTo(1);
	}

	@Test
	void shapesTheRampWithTheAggression() {
		MeshInstance instance = instance("a", 1, STARTED.toString(), null);
		SlowStartPolicy fast = new SlowStartPolicy(true, Duration.ofSeconds(100), 0, 2.0);
		assertThat(weightAt(fast, instance, 25)).as("(0.25)^(1/2)").isEqualTo(50);
		assertThat(weightAt(fast, instance, 64)).as("(0.64)^(1/2)").isEqualTo(80);
		SlowStartPolicy slow = new SlowStartPolicy(true, Duration.ofSeconds(100), 0, 0.5);
		assertThat(weightAt(slow, instance, 50)).as("(0.5)^2").isEqualTo(25);
	}

	@Test
	void usesTheWarmupTheInstancePublishesInsteadOfTheClientsWindow() {
		MeshInstance instance = instance("a", 1, STARTED.toString(), "10s");
		assertThat(weightAt(LINEAR_100S, instance, 5)).isEqualTo(50);
		assertThat(weightAt(LINEAR_100S, instance, 10)).isEqualTo(100);
		MeshInstance noWarmup = instance("b", 1, STARTED.toString(), "0s");
		assertThat(weightAt(LINEAR_100S, noWarmup, 0)).as("warmup 0s: no ramp").isEqualTo(100);
		MeshInstance longWarmup = instance("c", 1, STARTED.toString(), "PT5H");
		assertThat(weightAt(LINEAR_100S, longWarmup, 1800)).as("capped at 1h").isEqualTo(50);
	}

	@Test
	void givesAClientThatStartsLaterTheWeightTheInstancesAgeCallsFor() {
		MeshInstance instance = instance("a", 1, STARTED.toString(), null);
		SlowStart lateClient = new SlowStart(LINEAR_100S, clockAt(STARTED.plus(Duration.ofHours(3))));
		SlowStart.Weights weights = lateClient.weigh(List.of(instance));
		assertThat(weights.weights()).containsExactly(100);
		assertThat(weights.warming()).isFalse();
		assertThat(weights.step()).isNull();
	}

	@Test
	void doesNotRampAReDiscoveredInstanceAgain() {
		MeshInstance seen = instance("a", 1, STARTED.toString(), null);
		assertThat(weightAt(LINEAR_100S, seen, 80)).isEqualTo(80);
		MeshInstance rediscovered = instance("a", 1, STARTED.toString(), null);
		assertThat(rediscovered).isNotSameAs(seen);
		assertThat(weightAt(LINEAR_100S, rediscovered, 80)).as("same start time, same weight").isEqualTo(80);
	}

	@Test
	void doesNotRampInstancesWithoutAReadableStartTime() {
		assertThat(weightAt(LINEAR_100S, instance("a", 3, null, null), 0)).isEqualTo(300);
		assertThat(weightAt(LINEAR_100S, instance("b", 3, "garbage", null), 0)).isEqualTo(300);
		assertThat(weightAt(LINEAR_100S, instance("c", 3, STARTED.toString(), "garbage"), 0)).isEqualTo(300);
	}

	@Test
	void givesAnInstanceThatStartedAgesAgoItsFullWeight() {
		assertThat(weightAt(LINEAR_100S, instance("a", 2, "0001-01-01T00:00:00Z", null), 0)).isEqualTo(200);
	}

	@Test
	void countsAStartTimeInTheFutureAsJustStarted() {
		MeshInstance skewed = instance("a", 1, STARTED.plusSeconds(60).toString(), null);
		assertThat(weightAt(LINEAR_100S, skewed, 0)).isEqualTo(10);
	}

	@Test
	void rampsAnInstanceThatPublishesAFarFutureStartTimeOnlyForOneWindowFromWhenItIsFirstSeen() {
		SettableClock clock = new SettableClock(STARTED);
		MeshInstanceFactory factory = new MeshInstanceFactory(clock.wall());
		SlowStart slowStart = new SlowStart(LINEAR_100S, clock.wall());
		List<MeshInstance> instances = List.of(
				factory.create(new DefaultServiceInstance("a", "inventory", "a.local", 8080, false,
						Map.of("weight", "2", "started-at", "9999-12-31T23:59:59Z"))),
				factory.create(new DefaultServiceInstance("b", "inventory", "b.local", 8080, false,
						Map.of("weight", "2", "started-at", Long.toString(Long.MAX_VALUE)))));
		assertThat(slowStart.weigh(instances).weights()).as("first seen: just started").containsExactly(20, 20);
		clock.set(STARTED.plusSeconds(50));
		assertThat(slowStart.weigh(instances).weights()).containsExactly(100, 100);
		clock.set(STARTED.plusSeconds(100));
		SlowStart.Weights warm = slowStart.weigh(instances);
		assertThat(warm.weights()).as("warm one window after it was first seen").containsExactly(200, 200);
		assertThat(warm.warming()).isFalse();
	}

	@Test
	void keepsDrainingInstancesDrainingAndDoesNothingWhenDisabled() {
		assertThat(weightAt(LINEAR_100S, instance("a", 0, STARTED.toString(), null), 50)).isZero();
		SlowStartPolicy disabled = new SlowStartPolicy(false, Duration.ofSeconds(100), 10, 1.0);
		assertThat(weightAt(disabled, instance("b", 1, STARTED.toString(), null), 0)).isEqualTo(100);
	}

	@Test
	void saysHowSoonToRecomputeWhileAnInstanceWarms() {
		List<MeshInstance> instances = List.of(instance("a", 1, STARTED.toString(), null),
				instance("b", 1, STARTED.toString(), "4s"), instance("c", 1, null, null));
		SlowStart.Weights atStart = new SlowStart(LINEAR_100S, clockAt(STARTED.plusSeconds(2))).weigh(instances);
		assertThat(atStart.weights()).containsExactly(10, 50, 100);
		assertThat(atStart.warming()).isTrue();
		assertThat(atStart.step()).as("a twentieth of the shortest warming window, 4s")
			.isEqualTo(Duration.ofMillis(200));
		assertThat(atStart.effectiveWeight(1)).isEqualTo(0.5);
		SlowStart.Weights later = new SlowStart(LINEAR_100S, clockAt(STARTED.plusSeconds(10))).weigh(instances);
		assertThat(later.step()).as("at most a second").isEqualTo(Duration.ofSeconds(1));
		SlowStartPolicy shortWindow = new SlowStartPolicy(true, Duration.ofSeconds(1), 10, 1.0);
		assertThat(new SlowStart(shortWindow, clockAt(STARTED)).weigh(List.of(instances.get(0))).step())
			.as("at least 100ms")
			.isEqualTo(Duration.ofMillis(100));
	}

	private static int weightAt(SlowStartPolicy policy, MeshInstance instance, long secondsAfterStart) {
		SlowStart slowStart = new SlowStart(policy, clockAt(STARTED.plusSeconds(secondsAfterStart)));
		return slowStart.weigh(List.of(instance)).weights()[0];
	}

	static Clock clockAt(Instant instant) {
		return Clock.fixed(instant, ZoneOffset.UTC);
	}

	static MeshInstance instance(String id, int weight, String startedAt, String warmup) {
		Map<String, String> metadata = new LinkedHashMap<>();
		if (startedAt != null) {
			metadata.put("started-at", startedAt);
		}
		if (warmup != null) {
			metadata.put("warmup", warmup);
		}
		return MeshInstance.of(new DefaultServiceInstance(id, "inventory", id + ".local", 8080, false, metadata),
				weight);
	}

	@Test
	void windowAndAggressionRulesAreTheOnesBothValidationsApply() {
		assertThat(SlowStartPolicy.isValidWindow(Duration.ofMillis(1))).isTrue();
		assertThat(SlowStartPolicy.isValidWindow(Duration.ofHours(1))).isTrue();
		assertThat(SlowStartPolicy.isValidWindow(Duration.ZERO)).isFalse();
		assertThat(SlowStartPolicy.isValidWindow(Duration.ofSeconds(-1))).isFalse();
		assertThat(SlowStartPolicy.isValidWindow(Duration.ofHours(1).plusNanos(1))).isFalse();
		assertThat(SlowStartPolicy.isValidAggression(0.01)).isTrue();
		assertThat(SlowStartPolicy.isValidAggression(100)).isTrue();
		assertThat(SlowStartPolicy.isValidAggression(0)).isFalse();
		assertThat(SlowStartPolicy.isValidAggression(100.5)).isFalse();
		assertThat(SlowStartPolicy.isValidAggression(Double.NaN)).isFalse();
	}

}
