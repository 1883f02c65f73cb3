package dev.mesh.benchmarks;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Closed-loop load: a number of threads each make calls one after another for a while,
 * recording the latency of every call (successful or not) and whether it succeeded.
 */
final class LoadRun {

	/** One call; returning normally is a success, throwing is a failure. */
	@FunctionalInterface
	interface Call {

		void call() throws Exception;

	}

	/** What a run measured. */
	record Result(String name, long calls, long failures, double seconds, long[] sortedLatencies) {

		double throughput() {
			return this.calls / this.seconds;
		}

		double successRate() {
			return (this.calls == 0) ? 0 : 100.0 * (this.calls - this.failures) / this.calls;
		}

		/**
		 * @return the latency at a percentile (0-100) in microseconds
		 */
		double percentileMicros(double percentile) {
			return percentile(this.sortedLatencies, percentile) / 1_000.0;
		}

		/**
		 * @return the value at a percentile (0-100) of sorted values, or NaN when there
		 * are none
		 */
		static double percentile(long[] sorted, double percentile) {
			if (sorted.length == 0) {
				return Double.NaN;
			}
			int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
			return sorted[Math.max(0, Math.min(index, sorted.length - 1))];
		}

		@Override
		public String toString() {
			return String.format(Locale.ROOT, "| %s | %d | %.2f%% | %.0f | %.0f | %.0f | %.0f |", this.name, this.calls,
					successRate(), throughput(), percentileMicros(50), percentileMicros(99), percentileMicros(99.9));
		}

		static String header() {
			return "| client | calls | success | calls/s | p50 µs | p99 µs | p99.9 µs |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |";
		}

	}

	private LoadRun() {
	}

	static Result run(String name, int threads, Duration duration, Call call) throws InterruptedException {
		long durationNanos = duration.toNanos();
		long[][] latencies = new long[threads][];
		int[] counts = new int[threads];
		long[] failures = new long[threads];
		CountDownLatch start = new CountDownLatch(1);
		AtomicBoolean unexpected = new AtomicBoolean();
		Thread[] workers = new Thread[threads];
		for (int t = 0; t < threads; t++) {
			int worker = t;
			latencies[t] = new long[1 << 16];
			workers[t] = new Thread(() -> {
				try {
					start.await();
				}
				catch (InterruptedException ex) {
					return;
				}
				long end = System.nanoTime() + durationNanos;
				long[] mine = latencies[worker];
				int count = 0;
				long failed = 0;
				for (long now = System.nanoTime(); now < end;) {
					try {
						call.call();
					}
					catch (Exception ex) {
						failed++;
					}
					catch (Throwable ex) {
						unexpected.set(true);
						failed++;
					}
					long done = System.nanoTime();
					if (count == mine.length) {
						mine = Arrays.copyOf(mine, mine.length * 2);
					}
					mine[count++] = done - now;
					now = done;
				}
				latencies[worker] = mine;
				counts[worker] = count;
				failures[worker] = failed;
			}, "load-" + name + "-" + t);
			workers[t].start();
		}
		long started = System.nanoTime();
		start.countDown();
		for (Thread worker : workers) {
			worker.join();
		}
		double seconds = (System.nanoTime() - started) / 1e9;
		int total = 0;
		long failed = 0;
		for (int t = 0; t < threads; t++) {
			total += counts[t];
			failed += failures[t];
		}
		long[] all = new long[total];
		for (int t = 0, at = 0; t < threads; t++) {
			System.arraycopy(latencies[t], 0, all, at, counts[t]);
			at += counts[t];
		}
		Arrays.sort(all);
		if (unexpected.get()) {
			System.err.println("warning: " + name + " saw errors other than exceptions");
		}
		return new Result(name, total, failed, seconds, all);
	}

}
