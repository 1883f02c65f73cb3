package dev.mesh.benchmarks;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import dev.mesh.observability.AttemptTracer;
import dev.mesh.observability.MeshOutcome;

import org.springframework.http.HttpHeaders;

/**
 * Every attempt the client made, per instance, as the client saw it: installed as the
 * mesh client's {@link AttemptTracer} (see
 * {@link BenchmarkApplication#start(List, AttemptTracer, String...)}), it is told of each
 * attempt's instance and outcome, so it sees refused connections and timeouts that the
 * server never sees. Records counts, outcomes and the time of the last attempt (from
 * {@link System#nanoTime()}), which is what the failover benchmark needs. After
 * {@link #mark()} it also counts the attempts that started from then on, and which of
 * those failed: an attempt is put on one side of the mark when it starts, so an attempt
 * in flight at the mark that fails afterwards is not counted as a failure after it.
 */
final class AttemptLog implements AttemptTracer {

	/** Attempts of one instance. */
	static final class Instance {

		final LongAdder attempts = new LongAdder();

		final LongAdder attemptsSinceMark = new LongAdder();

		final LongAdder failuresSinceMark = new LongAdder();

		final AtomicLong lastStartNanos = new AtomicLong();

		final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();

		long attempts() {
			return this.attempts.sum();
		}

		/**
		 * @return attempts that started at or after {@link AttemptLog#mark()}
		 */
		long attemptsSinceMark() {
			return this.attemptsSinceMark.sum();
		}

		/**
		 * @return how many of {@link #attemptsSinceMark()} failed (never more than them)
		 */
		long failuresSinceMark() {
			return this.failuresSinceMark.sum();
		}

		long lastStartNanos() {
			return this.lastStartNanos.get();
		}

		/**
		 * @return attempts by outcome tag ({@code SUCCESS}, {@code CONNECT_FAILURE}, ...)
		 */
		Map<String, Long> outcomes() {
			Map<String, Long> counts = new TreeMap<>();
			this.outcomes.forEach((outcome, count) -> counts.put(outcome, count.sum()));
			return counts;
		}

	}

	private final Map<String, Instance> instances = new ConcurrentHashMap<>();

	private volatile long markNanos = Long.MAX_VALUE;

	/**
	 * @return the attempts of all these servers' instances so far
	 */
	long attempts(List<LoopbackServer> servers) {
		return servers.stream().mapToLong((server) -> instance(server.id()).attempts()).sum();
	}

	/**
	 * @return the attempts of an instance so far (zeros if it had none)
	 */
	Instance instance(String id) {
		return this.instances.computeIfAbsent(id, (key) -> new Instance());
	}

	/**
	 * Starts counting attempts since now; call once per log.
	 * @return the mark, from {@link System#nanoTime()}
	 */
	long mark() {
		long now = System.nanoTime();
		this.markNanos = now;
		return now;
	}

	@Override
	public AttemptSpan start(HttpHeaders headers, String serviceId, String instanceId, String method, int attempt) {
		long now = System.nanoTime();
		Instance instance = instance(instanceId);
		instance.attempts.increment();
		instance.lastStartNanos.accumulateAndGet(now, Math::max);
		// decided once, here, so that a failure is counted after the mark only for an
		// attempt counted there
		boolean sinceMark = now >= this.markNanos;
		if (sinceMark) {
			instance.attemptsSinceMark.increment();
		}
		return (status, outcome, error) -> {
			instance.outcomes.computeIfAbsent(outcome, (key) -> new LongAdder()).increment();
			boolean failed = !MeshOutcome.SUCCESS.equals(outcome) && !MeshOutcome.CLIENT_ERROR.equals(outcome);
			if (failed && sinceMark) {
				instance.failuresSinceMark.increment();
			}
		};
	}

}
