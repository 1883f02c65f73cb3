package dev.mesh.loadbalancer;

import java.util.List;

import dev.mesh.discovery.MeshInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.mesh.loadbalancer.TestInstances.counts;
import static dev.mesh.loadbalancer.TestInstances.picks;
import static dev.mesh.loadbalancer.TestInstances.weighted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

/**
 * Pickers built with explicit effective weights
 * ({@link InstancePickers#create(LoadBalancerPolicy, List, int[])}) follow those weights,
 * draining rule included, and never the instances' own.
 */
class ExplicitWeightsTests {

	@Test
	void weightedRoundRobinFollowsTheEffectiveWeightsInNginxOrder() {
		InstancePicker picker = InstancePickers.create(LoadBalancerPolicy.WEIGHTED_ROUND_ROBIN, weighted(1, 1, 1),
				new int[] { 5, 1, 1 });
		assertThat(picks(picker, 7)).isEqualTo("a a b a c a a");
	}

	@ParameterizedTest
	@EnumSource(value = LoadBalancerPolicy.class, names = { "WEIGHTED_RANDOM", "LEAST_REQUEST", "PEAK_EWMA" })
	void randomPickersShareByTheEffectiveWeights(LoadBalancerPolicy policy) {
		InstancePicker picker = InstancePickers.create(policy, weighted(1, 1, 1), new int[] { 60, 30, 10 });
		long[] counts = counts(picker, 100_000);
		assertThat(counts[0] / 100_000.0).isCloseTo(0.6, within(0.02));
		assertThat(counts[1] / 100_000.0).isCloseTo(0.3, within(0.02));
		assertThat(counts[2] / 100_000.0).isCloseTo(0.1, within(0.02));
	}

	@ParameterizedTest
	@EnumSource(LoadBalancerPolicy.class)
	void drainsWhatTheEffectiveWeightsDrainAndNotWhatTheInstancesSay(LoadBalancerPolicy policy) {
		List<MeshInstance> instances = weighted(0, 1, 1);
		InstancePicker picker = InstancePickers.create(policy, instances, new int[] { 2, 0, 1 });
		long[] counts = counts(picker, 1_000);
		assertThat(counts[0]).isPositive();
		assertThat(counts[1]).isZero();
		assertThat(counts[2]).isPositive();
		InstanceFilter notA = (instance) -> !instance.id().equals("a");
		for (int i = 0; i < 50; i++) {
			assertThat(picker.pick(notA).id()).as("c has an effective weight, b is draining").isEqualTo("c");
		}
		InstanceFilter onlyB = (instance) -> instance.id().equals("b");
		assertThat(picker.pick(onlyB).id()).as("draining b when nothing else is accepted").isEqualTo("b");
	}

	@ParameterizedTest
	@EnumSource(LoadBalancerPolicy.class)
	void usesEveryInstanceEquallyWhenEveryEffectiveWeightIsZero(LoadBalancerPolicy policy) {
		InstancePicker picker = InstancePickers.create(policy, weighted(5, 1, 3), new int[] { 0, 0, 0 });
		long[] counts = counts(picker, 3_000);
		for (long count : counts) {
			assertThat(count).isBetween(800L, 1_200L);
		}
	}

	@Test
	void doesNotKeepTheCallersArray() {
		int[] weights = { 1, 1 };
		InstancePicker picker = InstancePickers.create(LoadBalancerPolicy.WEIGHTED_ROUND_ROBIN, weighted(1, 1),
				weights);
		weights[1] = 0;
		assertThat(picks(picker, 4)).isEqualTo("a b a b");
	}

	@Test
	void rejectsWeightsThatDoNotMatchTheInstances() {
		assertThatIllegalArgumentException()
			.isThrownBy(
					() -> InstancePickers.create(LoadBalancerPolicy.WEIGHTED_RANDOM, weighted(1, 1), new int[] { 1 }))
			.withMessage("weights: 1 values (expected: one per instance, 2)");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> InstancePickers.create(LoadBalancerPolicy.WEIGHTED_RANDOM, weighted(1), new int[] { -1 }))
			.withMessage("weight: -1 (expected: >= 0)");
	}

}
