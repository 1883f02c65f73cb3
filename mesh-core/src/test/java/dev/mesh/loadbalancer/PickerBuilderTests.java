package dev.mesh.loadbalancer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import dev.mesh.discovery.MeshClock;
import dev.mesh.discovery.MeshInstance;
import dev.mesh.discovery.MeshInstanceFactory;
import dev.mesh.testsupport.TestInstances;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link PickerBuilder} builds for a list: which picker, from which weights, and
 * when the weights are due again.
 */
class PickerBuilderTests {

	private static final Instant NOW = Instant.parse("2025-06-01T10:00:00Z");

	private static final SlowStartPolicy SLOW_START = new SlowStartPolicy(true, Duration.ofSeconds(100), 10, 1.0);

	private final MutableClock clock = new MutableClock(NOW);

	@Test
	void shouldBuildThePolicysPickerFromTheRegistryWeightsWithoutSlowStartOrZoneAffinity() {
		PickerBuilder builder = builder(LoadBalancerPolicy.ROUND_ROBIN, ZoneAffinityPolicy.DEFAULTS,
				SlowStartPolicy.DEFAULTS);
		List<MeshInstance> instances = List.of(instance("a1", "a", null), instance("b1", "b", null));
		PickerBuilder.Built built = builder.build(instances, InstanceFilter.ALL);
		assertThat(built.picker()).isNotInstanceOf(ZoneAffinityPicker.class);
		assertThat(built.instances()).isSameAs(instances);
		assertThat(built.weights()).isNull();
		assertThat(built.warming()).isFalse();
		assertThat(built.reweighAtMillis()).isEqualTo(PickerBuilder.NEVER);
		assertThat(picks(built, 4)).containsExactly("a1", "b1", "a1", "b1");
		assertThat(builder.due(built)).isFalse();
		assertThat(builder.reweigh(built, InstanceFilter.ALL)).isSameAs(built);
	}

	@Test
	void shouldBuildAZoneAffinityPickerThatDecidesByTheGivenFilter() {
		PickerBuilder builder = builder(LoadBalancerPolicy.ROUND_ROBIN, new ZoneAffinityPolicy(true, 70, "a"),
				SlowStartPolicy.DEFAULTS);
		List<MeshInstance> instances = List.of(instance("a1", "a", null), instance("b1", "b", null));
		PickerBuilder.Built all = builder.build(instances, InstanceFilter.ALL);
		assertThat(all.picker()).isInstanceOfSatisfying(ZoneAffinityPicker.class,
				(zoned) -> assertThat(zoned.localInUse()).isTrue());
		assertThat(picks(all, 2)).containsExactly("a1", "a1");
		PickerBuilder.Built noneLocal = builder.build(instances, (instance) -> !"a".equals(instance.zone()));
		assertThat(noneLocal.picker()).isInstanceOfSatisfying(ZoneAffinityPicker.class,
				(zoned) -> assertThat(zoned.localInUse()).isFalse());
	}

	@Test
	void shouldNotPreferAZoneWhenThisInstanceHasNone() {
		PickerBuilder builder = builder(LoadBalancerPolicy.ROUND_ROBIN, new ZoneAffinityPolicy(true, 70, null),
				SlowStartPolicy.DEFAULTS);
		PickerBuilder.Built built = builder.build(List.of(instance("a1", "a", null)), InstanceFilter.ALL);
		assertThat(built.picker()).isNotInstanceOf(ZoneAffinityPicker.class);
	}

	@Test
	void shouldBuildFromTheEffectiveWeightsWhileAnInstanceWarmsAndSayWhenTheyAreDueAgain() {
		PickerBuilder builder = builder(LoadBalancerPolicy.WEIGHTED_ROUND_ROBIN, ZoneAffinityPolicy.DEFAULTS,
				SLOW_START);
		PickerBuilder.Built built = builder.build(
				List.of(instance("warm", null, null), instance("new", null, NOW.minusSeconds(25))), InstanceFilter.ALL);
		assertThat(built.weights().weights()).containsExactly(100, 25);
		assertThat(built.warming()).isTrue();
		assertThat(built.reweighAtMillis()).as("one step: 100 s / 20, at most 1 s")
			.isEqualTo(NOW.plusSeconds(1).toEpochMilli());
		assertThat(picks(built, 5)).containsExactly("warm", "warm", "new", "warm", "warm");
		this.clock.set(NOW.plusMillis(999));
		assertThat(builder.due(built)).isFalse();
		this.clock.set(NOW.plusSeconds(1));
		assertThat(builder.due(built)).isTrue();
	}

	@Test
	void shouldKeepThePickerWhenARecomputationChangesNoWeight() {
		PickerBuilder builder = builder(LoadBalancerPolicy.WEIGHTED_ROUND_ROBIN, ZoneAffinityPolicy.DEFAULTS,
				SLOW_START);
		PickerBuilder.Built built = builder.build(List.of(instance("warm", null, null), instance("new", null, NOW)),
				InstanceFilter.ALL);
		this.clock.set(NOW.plusSeconds(5));
		PickerBuilder.Built again = builder.reweigh(built, InstanceFilter.ALL);
		assertThat(again.picker()).as("still at the 10% floor").isSameAs(built.picker());
		assertThat(again.weights().weights()).containsExactly(100, 10);
		assertThat(again.reweighAtMillis()).isEqualTo(NOW.plusSeconds(6).toEpochMilli());
	}

	@Test
	void shouldBuildANewPickerWhenTheWeightsChangeAndStopRecomputingOnceAllAreWarm() {
		PickerBuilder builder = builder(LoadBalancerPolicy.WEIGHTED_ROUND_ROBIN, new ZoneAffinityPolicy(true, 70, "a"),
				SLOW_START);
		PickerBuilder.Built built = builder
			.build(List.of(instance("a1", "a", null), instance("a2", "a", NOW.minusSeconds(25))), InstanceFilter.ALL);
		this.clock.set(NOW.plusSeconds(25));
		PickerBuilder.Built ramped = builder.reweigh(built, (instance) -> false);
		assertThat(ramped.picker()).isNotSameAs(built.picker())
			.isInstanceOfSatisfying(ZoneAffinityPicker.class, (zoned) -> assertThat(zoned.localInUse()).isFalse());
		assertThat(ramped.instances()).isSameAs(built.instances());
		assertThat(ramped.weights().weights()).containsExactly(100, 50);
		this.clock.set(NOW.plusSeconds(75));
		PickerBuilder.Built warm = builder.reweigh(ramped, InstanceFilter.ALL);
		assertThat(warm.warming()).isFalse();
		assertThat(warm.reweighAtMillis()).isEqualTo(PickerBuilder.NEVER);
		assertThat(builder.due(warm)).isFalse();
		assertThat(picks(warm, 4)).as("by the registry weights, 1 and 1").containsExactly("a1", "a2", "a1", "a2");
	}

	private PickerBuilder builder(LoadBalancerPolicy policy, ZoneAffinityPolicy zoneAffinity,
			SlowStartPolicy slowStart) {
		return new PickerBuilder(policy, zoneAffinity, slowStart, MeshClock.of(this.clock, () -> 1_000_000_000L));
	}

	private static List<String> picks(PickerBuilder.Built built, int count) {
		List<String> picked = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			picked.add(built.picker().pick(InstanceFilter.ALL).id());
		}
		return picked;
	}

	private MeshInstance instance(String id, String zone, Instant startedAt) {
		return new MeshInstanceFactory(this.clock).create(TestInstances.inventory(id, zone, startedAt, null));
	}

	/** A wall clock the test moves. */
	private static final class MutableClock extends Clock {

		private volatile Instant now;

		MutableClock(Instant now) {
			this.now = now;
		}

		void set(Instant now) {
			this.now = now;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			throw new UnsupportedOperationException();
		}

	}

}
