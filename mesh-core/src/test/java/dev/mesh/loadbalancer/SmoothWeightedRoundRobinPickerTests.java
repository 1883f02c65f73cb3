package dev.mesh.loadbalancer;

import java.util.List;
import java.util.concurrent.CountDownLatch;

import dev.mesh.discovery.MeshInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.mesh.loadbalancer.TestInstances.counts;
import static dev.mesh.loadbalancer.TestInstances.picks;
import static dev.mesh.loadbalancer.TestInstances.weighted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link SmoothWeightedRoundRobinPicker}.
 */
class SmoothWeightedRoundRobinPickerTests {

	@Test
	void picksFiveOneOneInNginxOrder() {
		InstancePicker picker = new SmoothWeightedRoundRobinPicker(weighted(5, 1, 1));
		assertThat(picks(picker, 14)).isEqualTo("a a b a c a a a a b a c a a");
	}

	@Test
	void picksThreeOneInNginxOrder() {
		// (3,1) a -> (-1,1); (2,2) a, first wins the tie -> (-2,2); (1,3) b -> (1,-1);
		// (4,0) a -> (0,0)
		InstancePicker picker = new SmoothWeightedRoundRobinPicker(weighted(3, 1));
		assertThat(picks(picker, 8)).isEqualTo("a a b a a a b a");
	}

	@Test
	void picksOneTwoThreeInNginxOrder() {
		// (1,2,3) c; (2,4,0) b; (3,0,3) a, first wins the tie; (-2,2,6) c; (-1,4,3) b;
		// (0,0,6) c
		InstancePicker picker = new SmoothWeightedRoundRobinPicker(weighted(1, 2, 3));
		assertThat(picks(picker, 6)).isEqualTo("c b a c b c");
	}

	@Test
	void picksTheSameOrderForWeightsWithACommonDivisor() {
		InstancePicker picker = new SmoothWeightedRoundRobinPicker(weighted(500, 100, 100));
		assertThat(picks(picker, 7)).isEqualTo("a a b a c a a");
	}

	static List<int[]> weightSets() {
		return List.of(new int[] { 1, 2, 3 }, new int[] { 5, 1, 1 }, new int[] { 6, 4, 2 }, new int[] { 1 },
				new int[] { 10_000, 1 }, new int[] { 10_000, 9_999, 9_998 }, new int[] { 10_000, 3, 0, 7 },
				new int[] { 7, 7, 7, 7, 7 }, new int[] { 9_973, 9_967, 9_949, 9_941, 9_931, 9_929 });
	}

	@ParameterizedTest
	@MethodSource("weightSets")
	void givesEachInstanceExactlyItsWeightOverFullCycles(int[] weights) {
		SmoothWeightedRoundRobinPicker picker = new SmoothWeightedRoundRobinPicker(weighted(weights));
		long gcd = 0;
		long total = 0;
		for (int weight : weights) {
			gcd = java.math.BigInteger.valueOf(gcd).gcd(java.math.BigInteger.valueOf(weight)).longValue();
			total += weight;
		}
		assertThat(picker.cycleLength()).isEqualTo(total / gcd);
		long[] counts = counts(picker, 3 * picker.cycleLength());
		for (int i = 0; i < weights.length; i++) {
			assertThat(counts[i]).as("picks of instance %s", i).isEqualTo(3 * weights[i] / gcd);
		}
	}

	@Test
	void keepsLongCyclesWithinTheCapWithSharesCloseToWeights() {
		int[] weights = { 10_000, 9_999, 9_998, 9_997, 9_991, 9_973, 9_967, 1 };
		SmoothWeightedRoundRobinPicker picker = new SmoothWeightedRoundRobinPicker(weighted(weights));
		assertThat(picker.cycleLength()).isLessThanOrEqualTo(SmoothWeightedCycle.MAX_LENGTH);
		long[] counts = counts(picker, picker.cycleLength());
		double total = 69_926;
		for (int i = 0; i < weights.length - 1; i++) {
			assertThat((double) counts[i] / picker.cycleLength()).isCloseTo(weights[i] / total, within(0.0005));
		}
		assertThat(counts[weights.length - 1]).as("the lightest instance keeps at least one pick").isOne();
	}

	@Test
	void keepsEveryWeightedInstanceInTheCycleWhenScalingDown() {
		SmoothWeightedRoundRobinPicker picker = new SmoothWeightedRoundRobinPicker(weighted(1000, 1, 1), 100);
		assertThat(picker.cycleLength()).isLessThanOrEqualTo(100);
		long[] counts = counts(picker, picker.cycleLength());
		assertThat(counts[0]).isGreaterThanOrEqualTo(90);
		assertThat(counts[1]).isOne();
		assertThat(counts[2]).isOne();
	}

	@Test
	void takesTheNextPositionFromTheCounterWhenTheFilterRejectsTheInstanceInTurn() {
		InstancePicker picker = new SmoothWeightedRoundRobinPicker(weighted(5, 1, 1));
		InstanceFilter notA = (instance) -> !instance.id().equals("a");
		// cycle a a b a c a a; rejected positions are used up, so b and c alternate by
		// their equal weights
		assertThat(picks(picker, 7, notA)).isEqualTo("b c b c b c b");
	}

	@Test
	void sharesARejectedInstancesPicksByTheOthersWeightsNotWithItsNeighbour() {
		InstancePicker picker = new SmoothWeightedRoundRobinPicker(weighted(3, 1, 2));
		InstanceFilter notA = (instance) -> !instance.id().equals("a");
		long[] counts = new long[3];
		for (int i = 0; i < 600; i++) {
			counts[picker.pick(notA).id().charAt(0) - 'a']++;
		}
		// 1,200 positions are 200 cycles: b 200 and c 400, whatever follows a in the
		// cycle
		assertThat(counts).containsExactly(0, 200, 400);
	}

	@Test
	void keepsExactTotalsWhenEightThreadsPickAtOnce() throws InterruptedException {
		SmoothWeightedRoundRobinPicker picker = new SmoothWeightedRoundRobinPicker(weighted(5, 1, 1));
		long[] totals = pickConcurrently(picker, 8, 70_000);
		// 560,000 picks = 80,000 cycles of 7
		assertThat(totals).containsExactly(400_000, 80_000, 80_000);
	}

	@Test
	void buildsAndPicksOverAThousandInstancesWithSharesCloseToWeights() {
		int[] weights = new int[1000];
		long total = 0;
		for (int i = 0; i < weights.length; i++) {
			weights[i] = 1 + (int) ((i * 7_919L) % 10_000);
			total += weights[i];
		}
		SmoothWeightedRoundRobinPicker picker = new SmoothWeightedRoundRobinPicker(weighted(weights));
		int length = picker.cycleLength();
		assertThat(length).isBetween(60_000, SmoothWeightedCycle.MAX_LENGTH);
		long[] counts = counts(picker, 2 * length);
		for (int i = 0; i < weights.length; i++) {
			double share = (double) counts[i] / (2 * length);
			assertThat(counts[i]).as("picks of instance %s", i).isPositive();
			assertThat(share).as("share of instance %s", i).isCloseTo((double) weights[i] / total, within(0.0001));
		}
	}

	/**
	 * Picks from several threads released together by a start gate.
	 * @return how often each instance was picked, over all threads, in list order
	 */
	static long[] pickConcurrently(InstancePicker picker, int threads, int picksPerThread) throws InterruptedException {
		List<MeshInstance> instances = picker.instances();
		long[][] perThread = new long[threads][instances.size()];
		CountDownLatch start = new CountDownLatch(1);
		Thread[] workers = new Thread[threads];
		for (int t = 0; t < threads; t++) {
			long[] counts = perThread[t];
			workers[t] = new Thread(() -> {
				try {
					start.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
				for (int i = 0; i < picksPerThread; i++) {
					counts[instances.indexOf(picker.pick(InstanceFilter.ALL))]++;
				}
			}, "picker-test-" + t);
			workers[t].start();
		}
		start.countDown();
		for (Thread worker : workers) {
			worker.join();
		}
		long[] totals = new long[instances.size()];
		for (long[] counts : perThread) {
			for (int i = 0; i < counts.length; i++) {
				totals[i] += counts[i];
			}
		}
		return totals;
	}

}
