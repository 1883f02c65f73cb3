package dev.mesh.loadbalancer;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import dev.mesh.discovery.MeshInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.mesh.loadbalancer.TestInstances.counts;
import static dev.mesh.loadbalancer.TestInstances.instance;
import static dev.mesh.loadbalancer.TestInstances.picks;
import static dev.mesh.loadbalancer.TestInstances.weighted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Tests for {@link InstancePickers} and the rules every picker follows.
 */
class InstancePickersTests {

	@Test
	void createsThePickerOfEachPolicy() {
		List<MeshInstance> instances = weighted(1, 2);
		assertThat(InstancePickers.create(LoadBalancerPolicy.WEIGHTED_ROUND_ROBIN, instances))
			.isInstanceOf(SmoothWeightedRoundRobinPicker.class);
		assertThat(InstancePickers.create(LoadBalancerPolicy.WEIGHTED_RANDOM, instances))
			.isInstanceOf(WeightedRandomPicker.class);
		assertThat(InstancePickers.create(LoadBalancerPolicy.ROUND_ROBIN, instances))
			.isInstanceOf(RoundRobinPicker.class);
		assertThat(InstancePickers.create(LoadBalancerPolicy.LEAST_REQUEST, instances))
			.isInstanceOf(LeastRequestPicker.class);
		assertThat(InstancePickers.create(LoadBalancerPolicy.PEAK_EWMA, instances)).isInstanceOf(PeakEwmaPicker.class);
	}

	@Test
	void rejectsMissingArguments() {
		assertThatNullPointerException().isThrownBy(() -> InstancePickers.create(null, List.of()))
			.withMessage("policy");
		assertThatNullPointerException().isThrownBy(() -> InstancePickers.create(LoadBalancerPolicy.ROUND_ROBIN, null))
			.withMessage("instances");
	}

	@ParameterizedTest
	@EnumSource(LoadBalancerPolicy.class)
	void picksNullFromAnEmptyList(LoadBalancerPolicy policy) {
		InstancePicker picker = InstancePickers.create(policy, List.of());
		assertThat(picker.pick(InstanceFilter.ALL)).isNull();
		assertThat(picker.instances()).isEmpty();
	}

	@ParameterizedTest
	@EnumSource(LoadBalancerPolicy.class)
	void neverPicksADrainingInstanceWhileOthersHaveWeight(LoadBalancerPolicy policy) {
		InstancePicker picker = InstancePickers.create(policy, weighted(3, 0, 1));
		long[] counts = counts(picker, 1_000);
		assertThat(counts[0]).isPositive();
		assertThat(counts[1]).isZero();
		assertThat(counts[2]).isPositive();
	}

	@ParameterizedTest
	@EnumSource(LoadBalancerPolicy.class)
	void picksEveryInstanceWhenAllAreDraining(LoadBalancerPolicy policy) {
		InstancePicker picker = InstancePickers.create(policy, weighted(0, 0, 0));
		long[] counts = counts(picker, 3_000);
		for (long count : counts) {
			assertThat(count).isBetween(800L, 1_200L);
		}
	}

	@Test
	void rotatesEvenlyOverAllDrainingInstances() {
		InstancePicker picker = InstancePickers.create(LoadBalancerPolicy.WEIGHTED_ROUND_ROBIN, weighted(0, 0, 0));
		assertThat(picks(picker, 6)).isEqualTo("a b c a b c");
	}

	@ParameterizedTest
	@EnumSource(LoadBalancerPolicy.class)
	void skipsInstancesTheFilterRejects(LoadBalancerPolicy policy) {
		InstancePicker picker = InstancePickers.create(policy, weighted(5, 3, 1));
		InstanceFilter onlyC = (instance) -> instance.id().equals("c");
		for (int i = 0; i < 100; i++) {
			assertThat(picker.pick(onlyC).id()).isEqualTo("c");
		}
	}

	@ParameterizedTest
	@EnumSource(LoadBalancerPolicy.class)
	void picksNullWhenTheFilterAcceptsNone(LoadBalancerPolicy policy) {
		InstancePicker picker = InstancePickers.create(policy, weighted(5, 0, 1));
		assertThat(picker.pick((instance) -> false)).isNull();
	}

	@ParameterizedTest
	@EnumSource(LoadBalancerPolicy.class)
	void picksADrainingInstanceOnlyWhenTheFilterRejectsAllOthers(LoadBalancerPolicy policy) {
		InstancePicker picker = InstancePickers.create(policy, weighted(2, 0, 1, 0));
		InstanceFilter notA = (instance) -> !instance.id().equals("a");
		for (int i = 0; i < 100; i++) {
			assertThat(picker.pick(notA).id()).isEqualTo("c");
		}
		InstanceFilter drainingOnly = (instance) -> instance.weight() == 0;
		List<String> picked = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			picked.add(picker.pick(drainingOnly).id());
		}
		assertThat(picked).containsOnly("b", "d").contains("b", "d");
	}

	@ParameterizedTest
	@EnumSource(LoadBalancerPolicy.class)
	void keepsPickingFromItsOwnListAfterTheListChanges(LoadBalancerPolicy policy) {
		List<MeshInstance> instances = new ArrayList<>(weighted(1, 1));
		InstancePicker before = InstancePickers.create(policy, instances);
		before.pick(InstanceFilter.ALL);
		instances.add(instance("c", 1));
		instances.remove(0);
		InstancePicker after = InstancePickers.create(policy, instances);
		assertThat(before.instances()).extracting(MeshInstance::id).containsExactly("a", "b");
		assertThat(after.instances()).extracting(MeshInstance::id).containsExactly("b", "c");
		for (int i = 0; i < 100; i++) {
			assertThat(before.pick(InstanceFilter.ALL).id()).isIn("a", "b");
			assertThat(after.pick(InstanceFilter.ALL).id()).isIn("b", "c");
		}
	}

	@ParameterizedTest
	@EnumSource(LoadBalancerPolicy.class)
	void allocatesNothingWhenPicking(LoadBalancerPolicy policy) {
		assumeThat(ManagementFactory.getThreadMXBean()).isInstanceOf(com.sun.management.ThreadMXBean.class);
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		assumeThat(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled()).isTrue();
		InstancePicker picker = InstancePickers.create(policy, weighted(5, 0, 3, 1, 2));
		InstanceFilter notA = (instance) -> instance != picker.instances().get(0);
		long thread = Thread.currentThread().getId();
		pickMany(picker, notA, 20_000);
		long before = threads.getThreadAllocatedBytes(thread);
		pickMany(picker, notA, 100_000);
		long allocated = threads.getThreadAllocatedBytes(thread) - before;
		// A few hundred bytes of slack for the measurement itself; one allocation per
		// pick would be >= 1.6 MB.
		assertThat(allocated).isLessThan(1_000);
	}

	private static void pickMany(InstancePicker picker, InstanceFilter filter, int count) {
		for (int i = 0; i < count; i++) {
			picker.pick(InstanceFilter.ALL);
			picker.pick(filter);
		}
	}

}
