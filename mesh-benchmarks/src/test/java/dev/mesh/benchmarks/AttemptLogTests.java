package dev.mesh.benchmarks;

import dev.mesh.observability.AttemptTracer.AttemptSpan;
import dev.mesh.observability.MeshOutcome;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * Tests for {@link AttemptLog}: the failover benchmark's "attempts after the kill, of
 * them failed" must count each attempt on the side of the kill where it started.
 */
class AttemptLogTests {

	private final AttemptLog log = new AttemptLog();

	@Test
	void anAttemptInFlightAtTheMarkThatFailsAfterItCountsOnNeitherSide() {
		AttemptSpan inFlight = start("bench-1");
		this.log.mark();
		stop(inFlight, MeshOutcome.CONNECT_FAILURE);
		AttemptSpan after = start("bench-1");
		stop(after, MeshOutcome.CONNECT_FAILURE);
		stop(start("bench-1"), MeshOutcome.SUCCESS);

		AttemptLog.Instance instance = this.log.instance("bench-1");
		assertThat(instance.attempts()).isEqualTo(3);
		assertThat(instance.attemptsSinceMark()).isEqualTo(2);
		assertThat(instance.failuresSinceMark()).isEqualTo(1);
		assertThat(instance.outcomes()).containsEntry(MeshOutcome.CONNECT_FAILURE, 2L)
			.containsEntry(MeshOutcome.SUCCESS, 1L);
	}

	@Test
	void withoutAMarkNothingCountsAsSinceIt() {
		stop(start("bench-2"), MeshOutcome.CONNECT_FAILURE);

		assertThat(this.log.instance("bench-2").outcomes()).containsExactly(entry(MeshOutcome.CONNECT_FAILURE, 1L));
		assertThat(this.log.instance("bench-2").attemptsSinceMark()).isZero();
		assertThat(this.log.instance("bench-2").failuresSinceMark()).isZero();
	}

	private AttemptSpan start(String instanceId) {
		return this.log.start(new HttpHeaders(), "bench", instanceId, "GET", 1);
	}

	private static void stop(AttemptSpan attempt, String outcome) {
		attempt.end("0", outcome, null);
	}

}
