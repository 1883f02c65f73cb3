package dev.mesh.loadbalancer;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import dev.mesh.discovery.InstanceState;
import dev.mesh.discovery.MeshInstance;
import org.junit.jupiter.api.Test;

import static dev.mesh.loadbalancer.LeastRequestPickerTests.inFlight;
import static dev.mesh.loadbalancer.TestInstances.counts;
import static dev.mesh.loadbalancer.TestInstances.picks;
import static dev.mesh.loadbalancer.TestInstances.weighted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link PeakEwmaPicker} and the peak-EWMA estimate of {@link InstanceState}, on an injected
 * clock.
 */
class PeakEwmaPickerTests {

	private static final long MS = 1_000_000L;

	private static final long TAU = InstanceState.PEAK_EWMA_DECAY_NANOS;

	private final AtomicLong clock = new AtomicLong(1_000 * MS);

	@Test
	void estimateJumpsToASlowerSampleAtOnce() {
		InstanceState state = weighted(1).get(0).state();
		assertThat(state.peakEwmaNanos(this.clock.get())).isEqualTo(-1.0);
		record(state, 10 * MS);
		record(state, 10 * MS);
		record(state, 200 * MS);
		assertThat(state.peakEwmaNanos(this.clock.get())).isEqualTo(200.0 * MS);
	}

	@Test
	void estimateDecaysByElapsedTimeNotBySampleCount() {
		InstanceState state = weighted(1).get(0).state();
		record(state, 100 * MS);
		// A thousand fast samples at the same instant do not move it: no time has passed.
		for (int i = 0; i < 1_000; i++) {
			record(state, 10 * MS);
		}
		assertThat(state.peakEwmaNanos(this.clock.get())).isEqualTo(100.0 * MS);
		// One time constant later, unsampled, it has fallen to 1/e.
		this.clock.addAndGet(TAU);
		assertThat(state.peakEwmaNanos(this.clock.get())).isCloseTo(100.0 * MS / Math.E, within(1.0));
		// A fast sample then moves it (1 - 1/e) of the way from the undecayed value.
		record(state, 10 * MS);
		double expected = 100.0 * MS / Math.E + 10.0 * MS * (1 - 1 / Math.E);
		assertThat(state.peakEwmaNanos(this.clock.get())).isCloseTo(expected, within(1.0));
	}

	@Test
	void failedAttemptsRaiseTheEstimateButNeverLowerIt() {
		InstanceState state = weighted(1).get(0).state();
		state.recordFailedLatency(2 * MS, this.clock.get());
		assertThat(state.peakEwmaNanos(this.clock.get())).as("first sample").isEqualTo(2.0 * MS);
		record(state, 50 * MS);
		this.clock.addAndGet(TAU);
		// A 503 or a refused connection a time constant later, 1 ms fast, leaves the decayed estimate alone,
		state.recordFailedLatency(1 * MS, this.clock.get());
		assertThat(state.peakEwmaNanos(this.clock.get())).isCloseTo(50.0 * MS / Math.E, within(1.0));
		// while an attempt that timed out after 1 s raises it to 1 s at once.
		state.recordFailedLatency(1_000 * MS, this.clock.get());
		assertThat(state.peakEwmaNanos(this.clock.get())).isEqualTo(1_000.0 * MS);
	}

	@Test
	void avoidsASlowInstance() {
		List<MeshInstance> instances = weighted(1, 1, 1, 1);
		record(instances.get(0).state(), 500 * MS);
		for (int i = 1; i < 4; i++) {
			record(instances.get(i).state(), 10 * MS);
		}
		SplittableRandom random = new SplittableRandom(7);
		InstancePicker picker = new PeakEwmaPicker(instances, () -> random);
		long[] counts = counts(picker, 3_000);
		// Two distinct candidates: the slow one could only win against itself.
		assertThat(counts[0]).isZero();
		assertThat(counts[1] + counts[2] + counts[3]).isEqualTo(3_000);
	}

	@Test
	void probesASlowInstanceAgainOnceItsEstimateHasDecayed() {
		List<MeshInstance> instances = weighted(1, 1);
		record(instances.get(0).state(), 500 * MS);
		this.clock.addAndGet(3 * TAU);
		record(instances.get(1).state(), 30 * MS);
		ScriptedRandom random = new ScriptedRandom(0, 0);
		InstancePicker picker = new PeakEwmaPicker(instances, () -> random);
		// a: 500 ms × e^-3 = 24.9 ms < b: 30 ms
		assertThat(picks(picker, 1)).isEqualTo("a");
	}

	@Test
	void multipliesLatencyByRequestsInFlightPlusOnePerUnitOfWeight() {
		List<MeshInstance> instances = weighted(1, 1, 2);
		record(instances.get(0).state(), 10 * MS);
		record(instances.get(1).state(), 30 * MS);
		record(instances.get(2).state(), 30 * MS);
		inFlight(instances.get(0), 3);
		inFlight(instances.get(2), 1);
		ScriptedRandom random = new ScriptedRandom(0, 0, 1, 1, 0, 1);
		InstancePicker picker = new PeakEwmaPicker(instances, () -> random);
		// costs a: 10 × 4 / 1 = 40, b: 30 × 1 / 1 = 30, c: 30 × 2 / 2 = 30
		// a-b: b; b-c: equal cost, b has fewer in flight per unit of weight (0 / 1 < 1 / 2); a-c: c
		assertThat(picks(picker, 3)).isEqualTo("b b c");
	}

	@Test
	void newInstanceBorrowsTheOtherCandidatesEstimate() {
		List<MeshInstance> instances = weighted(1, 1);
		record(instances.get(0).state(), 10 * MS);
		ScriptedRandom random = new ScriptedRandom(1, 0);
		InstancePicker picker = new PeakEwmaPicker(instances, () -> random);
		// Nothing in flight: equal cost and load, so the first drawn (the new b) wins.
		assertThat(picks(picker, 1)).isEqualTo("b");
		inFlight(instances.get(1), 1);
		assertThat(picks(picker, 1)).isEqualTo("a");
		inFlight(instances.get(0), 2);
		assertThat(picks(picker, 1)).isEqualTo("b");
	}

	@Test
	void newInstanceWinsATieWithAMeasuredOneWhicheverIsDrawnFirst() {
		List<MeshInstance> instances = weighted(1, 1);
		record(instances.get(0).state(), 1000 * MS);
		ScriptedRandom random = new ScriptedRandom(0, 0);
		InstancePicker picker = new PeakEwmaPicker(instances, () -> random);
		// a (measured slow) drawn first, b (new) borrows its estimate: equal cost and load, b is measured next
		assertThat(picks(picker, 1)).isEqualTo("b");
		// with a call in flight, the new b costs twice the slow a until it has a sample of its own
		inFlight(instances.get(1), 1);
		assertThat(picks(picker, 1)).isEqualTo("a");
	}

	private void record(InstanceState state, long latencyNanos) {
		state.recordLatency(latencyNanos, this.clock.get());
	}

}
