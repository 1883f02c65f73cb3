package dev.mesh.loadbalancer;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import dev.mesh.discovery.InstanceState.AttemptResult;
import dev.mesh.discovery.InstanceState;
import dev.mesh.discovery.MeshInstance;
import org.junit.jupiter.api.Test;

import static dev.mesh.loadbalancer.TestInstances.counts;
import static dev.mesh.loadbalancer.TestInstances.picks;
import static dev.mesh.loadbalancer.TestInstances.weighted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link PeakEwmaPicker} and the peak-EWMA estimate of {@link InstanceState},
 * on an injected clock.
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
		failed(state, 2 * MS);
		assertThat(state.peakEwmaNanos(this.clock.get())).as("first sample").isEqualTo(2.0 * MS);
		record(state, 50 * MS);
		this.clock.addAndGet(TAU);
		// A 503 or a refused connection a time constant later, 1 ms fast, leaves the
		// decayed estimate alone,
		failed(state, 1 * MS);
		assertThat(state.peakEwmaNanos(this.clock.get())).isCloseTo(50.0 * MS / Math.E, within(1.0));
		// while an attempt that timed out after 1 s raises it to 1 s at once.
		failed(state, 1_000 * MS);
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
		InstancePicker picker = new PeakEwmaPicker(instances, () -> random, this.clock::get);
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
		InstancePicker picker = new PeakEwmaPicker(instances, () -> random, this.clock::get);
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
		InstancePicker picker = new PeakEwmaPicker(instances, () -> random, this.clock::get);
		// costs a: 10 × 4 / 1 = 40, b: 30 × 1 / 1 = 30, c: 30 × 2 / 2 = 30
		// a-b: b; b-c: equal cost, b has fewer in flight per unit of weight (0 / 1 < 1 /
		// 2); a-c: c
		assertThat(picks(picker, 3)).isEqualTo("b b c");
	}

	@Test
	void newInstanceBorrowsTheOtherCandidatesEstimate() {
		List<MeshInstance> instances = weighted(1, 1);
		record(instances.get(0).state(), 10 * MS);
		ScriptedRandom random = new ScriptedRandom(1, 0);
		InstancePicker picker = new PeakEwmaPicker(instances, () -> random, this.clock::get);
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
		InstancePicker picker = new PeakEwmaPicker(instances, () -> random, this.clock::get);
		// a (measured slow) drawn first, b (new) borrows its estimate: equal cost and
		// load, b is measured next
		assertThat(picks(picker, 1)).isEqualTo("b");
		// with a call in flight, the new b costs twice the slow a until it has a sample
		// of its own
		inFlight(instances.get(1), 1);
		assertThat(picks(picker, 1)).isEqualTo("a");
	}

	@Test
	void unansweredTimeStartsWhenAnIdleInstanceTakesAnAttemptAndRestartsWhenOneEnds() {
		InstanceState state = weighted(1).get(0).state();
		state.attemptStarted(this.clock.get());
		long firstStarted = this.clock.get();
		this.clock.addAndGet(5 * MS);
		state.attemptStarted(this.clock.get());
		assertThat(state.unansweredSinceNanos()).as("the oldest attempt in flight counts").isEqualTo(firstStarted);
		this.clock.addAndGet(5 * MS);
		state.attemptEnded(AttemptResult.FAILED, 10 * MS, this.clock.get());
		assertThat(state.unansweredSinceNanos()).as("an attempt ended, so none in flight is older")
			.isEqualTo(this.clock.get());
		this.clock.addAndGet(5 * MS);
		state.attemptEnded(AttemptResult.ABORTED, -1, this.clock.get());
		assertThat(state.unansweredSinceNanos()).as("given up counts as ended").isEqualTo(this.clock.get());
		this.clock.addAndGet(5 * MS);
		state.attemptStarted(this.clock.get());
		assertThat(state.unansweredSinceNanos()).as("idle again, then busy").isEqualTo(this.clock.get());
	}

	@Test
	void countsAnAttemptLeftUnansweredLongerThanTheEstimateAsTheLatency() {
		List<MeshInstance> instances = weighted(1, 1);
		record(instances.get(0).state(), 1 * MS);
		record(instances.get(1).state(), 3 * MS);
		ScriptedRandom random = new ScriptedRandom(0, 0);
		InstancePicker picker = new PeakEwmaPicker(instances, () -> random, this.clock::get);
		inFlight(instances.get(0), 1);
		this.clock.addAndGet(MS / 2);
		// a: unanswered for 0.5 ms < its 1 ms estimate, so 1 ms × 2 = 2 < b: 3 ms × 1
		assertThat(picks(picker, 1)).isEqualTo("a");
		this.clock.addAndGet(MS);
		// a: unanswered for 1.5 ms, more than its estimate: 1.5 ms × 2 = 3, a tie with b,
		// and b has less in flight
		assertThat(picks(picker, 1)).isEqualTo("b");
		this.clock.addAndGet(MS);
		// a: 2.5 ms × 2 = 5 > b: 3 ms; on the estimate alone (1 ms × 2) a would still win
		assertThat(picks(picker, 1)).isEqualTo("b");
		// a answers the attempt, slowly: its estimate takes the 2.5 ms, and nothing is in
		// flight any more
		instances.get(0).state().attemptEnded(AttemptResult.SUCCEEDED, 2500 * 1000L, this.clock.get());
		assertThat(picks(picker, 1)).isEqualTo("a");
	}

	@Test
	void takesTheTimeOfThePickFromTheCallerWhenGivenIt() {
		List<MeshInstance> instances = weighted(1, 1);
		record(instances.get(0).state(), 1 * MS);
		record(instances.get(1).state(), 3 * MS);
		inFlight(instances.get(0), 1);
		ScriptedRandom random = new ScriptedRandom(0, 0);
		InstancePicker picker = new PeakEwmaPicker(instances, () -> random, () -> {
			throw new AssertionError("read the clock although given the time");
		});
		assertThat(picker.pick(InstanceFilter.ALL, this.clock.get() + MS / 2).id()).isEqualTo("a");
		assertThat(picker.pick(InstanceFilter.ALL, this.clock.get() + 5 * MS).id()).isEqualTo("b");
	}

	@Test
	void anInstanceThatStopsAnsweringGetsNoMoreCallsOnceItsFirstHasWaitedLongerThanItsEstimate() {
		// 150 calls a second on 11 instances; the others' estimates are spread up to 10
		// ms by earlier spikes,
		// as under real load, while the one that is about to hang looks fastest of all
		List<MeshInstance> instances = weighted(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
		record(instances.get(0).state(), 1 * MS);
		for (int i = 1; i < instances.size(); i++) {
			record(instances.get(i).state(), i * MS);
		}
		SplittableRandom random = new SplittableRandom(11);
		InstancePicker picker = new PeakEwmaPicker(instances, () -> random, this.clock::get);
		int hungCalls = 0;
		for (int call = 0; call < 150; call++) {
			this.clock.addAndGet(6_667_000L);
			MeshInstance picked = picker.pick(InstanceFilter.ALL);
			picked.state().attemptStarted(this.clock.get());
			if (picked == instances.get(0)) {
				// it hangs: no answer within this second, so no sample and no end
				hungCalls++;
			}
			else {
				// the others answer in 1 ms, well before the next call
				picked.state().attemptEnded(AttemptResult.SUCCEEDED, 1 * MS, this.clock.get());
			}
		}
		// On the estimate alone it would cost 1 ms × (in flight + 1) and win against the
		// 10 ms instance until
		// nine calls hang on it.
		assertThat(hungCalls).isEqualTo(1);
	}

	private void inFlight(MeshInstance instance, int count) {
		for (int i = 0; i < count; i++) {
			instance.state().attemptStarted(this.clock.get());
		}
	}

	/** One attempt that succeeds after this long. */
	private void record(InstanceState state, long latencyNanos) {
		state.attemptStarted(this.clock.get());
		state.attemptEnded(AttemptResult.SUCCEEDED, latencyNanos, this.clock.get());
	}

	/** One attempt that fails after this long. */
	private void failed(InstanceState state, long latencyNanos) {
		state.attemptStarted(this.clock.get());
		state.attemptEnded(AttemptResult.FAILED, latencyNanos, this.clock.get());
	}

}
