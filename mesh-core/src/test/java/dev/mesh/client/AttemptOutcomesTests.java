package dev.mesh.client;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;

import dev.mesh.discovery.InstanceState;
import dev.mesh.discovery.MeshInstance;
import dev.mesh.testsupport.SettableClock;
import org.junit.jupiter.api.Test;

import static dev.mesh.client.RouteTestSupport.instance;
import static dev.mesh.client.RouteTestSupport.route;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The record-outcome step and the {@link Attempt} it ends, on their own: each kind of end
 * lowers the instance's in-flight count once and counts for what it is.
 */
class AttemptOutcomesTests {

	private static final long MS = 1_000_000L;

	private final SettableClock clock = new SettableClock(Instant.parse("2026-12-03T12:00:00Z"));

	private final ServiceRoute route = route(this.clock, "a", "b");

	private final AttemptOutcomes outcomes = new AttemptOutcomes(this.route);

	private final MeshInstance a = instance(this.route, "a");

	@Test
	void aSuccessEndsTheAttemptWithItsLatencyAndResetsTheFailuresInARow() {
		failOnce();
		Attempt attempt = started();
		this.clock.advance(Duration.ofMillis(7));
		attempt.answered(null, this.clock.nanoTime(), false);
		this.outcomes.record(attempt, false, -1, new CallAttempts(this.route, 3));
		InstanceState state = this.a.state();
		assertThat(state.inFlight()).isZero();
		assertThat(state.consecutiveFailures()).isZero();
		assertThat(state.failures()).isEqualTo(1);
		assertThat(state.peakEwmaSampledNanos()).isEqualTo(7.0 * MS);
	}

	@Test
	void theInstancesFaultCountsAgainstItAndTheCallAndEjectsItAtTheFifthInARow() {
		CallAttempts attempts = new CallAttempts(this.route, 3);
		for (int i = 0; i < 5; i++) {
			Attempt attempt = started();
			attempt.failed(new ConnectException("refused"), this.clock.nanoTime(), false);
			this.outcomes.record(attempt, true, -1, attempts);
		}
		assertThat(this.a.state().inFlight()).isZero();
		assertThat(this.a.state().failures()).isEqualTo(5);
		assertThat(attempts.anyFailed()).isTrue();
		assertThat(this.route.outlierDetector().isEjected(this.a, this.clock.nanoTime())).isTrue();
	}

	@Test
	void anAttemptTheCallerEndedCountsForNothingButEndsAndStopsTheCall() {
		CallAttempts attempts = new CallAttempts(this.route, 3);
		attempts.sent();
		Attempt attempt = started();
		this.clock.advance(Duration.ofSeconds(3));
		attempt.failed(new IOException("timed out"), this.clock.nanoTime(), true);
		this.outcomes.record(attempt, true, -1, attempts);
		assertThat(this.a.state().inFlight()).isZero();
		assertThat(this.a.state().failures()).isZero();
		assertThat(this.a.state().peakEwmaSampledNanos()).as("no latency sample").isEqualTo(-1.0);
		assertThat(attempts.aborted()).isTrue();
		assertThat(attempts.anyFailed()).isFalse();
	}

	@Test
	void anAttemptEndsOnceHoweverOftenItIsAbandoned() {
		Attempt other = started();
		Attempt attempt = started();
		assertThat(this.a.state().inFlight()).isEqualTo(2);
		this.outcomes.abandon(attempt);
		this.outcomes.abandon(attempt);
		CallAttempts attempts = new CallAttempts(this.route, 3);
		this.outcomes.record(attempt, true, -1, attempts);
		assertThat(attempt.ended()).isTrue();
		assertThat(attempts.anyFailed()).as("an attempt ended already counts for nothing").isFalse();
		assertThat(this.a.state().inFlight()).as("the other attempt is still in flight").isEqualTo(1);
		assertThat(this.a.state().failures()).isZero();
		this.outcomes.abandon(other);
		assertThat(this.a.state().inFlight()).isZero();
	}

	@Test
	void anOverloadAnswerIsNeitherSuccessNorFailureAndKeepsCallersAwayForTheTimeAsked() {
		failOnce();
		Attempt fast = started();
		this.clock.advance(Duration.ofMillis(9));
		fast.answered(null, this.clock.nanoTime(), false);
		this.outcomes.record(fast, false, -1, new CallAttempts(this.route, 3));
		CallAttempts attempts = new CallAttempts(this.route, 3, null, true);
		failOnce();
		Attempt overloaded = started();
		this.clock.advance(Duration.ofMillis(1));
		overloaded.answered(null, this.clock.nanoTime(), false);
		this.outcomes.record(overloaded, false, Duration.ofSeconds(2).toNanos(), attempts);
		InstanceState state = this.a.state();
		assertThat(state.inFlight()).isZero();
		assertThat(state.consecutiveFailures()).as("not reset, not raised").isEqualTo(1);
		assertThat(state.failures()).isEqualTo(2);
		assertThat(attempts.anyFailed()).isFalse();
		assertThat(state.peakEwmaSampledNanos()).as("a fast 'too busy' does not lower the estimate")
			.isCloseTo(9.0 * MS, org.assertj.core.data.Offset.offset(0.01 * MS));
		assertThat(state.peakEwmaStampNanos()).as("and keeps it from decaying against the others")
			.isEqualTo(this.clock.nanoTime());
		assertThat(state.overloadedAt(this.clock.nanoTime())).isTrue();
		this.clock.advance(Duration.ofMillis(1999));
		assertThat(state.overloadedAt(this.clock.nanoTime())).isTrue();
		this.clock.advance(Duration.ofMillis(1));
		assertThat(state.overloadedAt(this.clock.nanoTime())).isFalse();
	}

	@Test
	void overloadAnswersNeverEjectAnInstance() {
		CallAttempts attempts = new CallAttempts(this.route, 3, null, true);
		for (int i = 0; i < 20; i++) {
			Attempt attempt = started();
			attempt.answered(null, this.clock.nanoTime(), false);
			this.outcomes.record(attempt, false, 0, attempts);
		}
		assertThat(this.route.outlierDetector().isEjected(this.a, this.clock.nanoTime())).isFalse();
		assertThat(this.a.state().failures()).isZero();
	}

	private Attempt started() {
		return new Attempt(this.a, this.clock.nanoTime());
	}

	private void failOnce() {
		Attempt attempt = started();
		attempt.failed(new ConnectException("refused"), this.clock.nanoTime(), false);
		this.outcomes.record(attempt, true, -1, new CallAttempts(this.route, 3));
	}

}
