package dev.mesh.benchmarks;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop load at a fixed rate: call {@code i} is due at {@code start + i / rate},
 * whether or not earlier calls have returned, and runs on its own pooled thread. Latency
 * is measured from the time a call was due, not from when it actually started, so a
 * stalled client or a late dispatcher shows up in the latencies instead of quietly
 * lowering the rate (no coordinated omission). A closed loop with a few threads would
 * hide a slow instance: its threads wait on it and simply make fewer calls.
 */
final class OpenLoop {

	/**
	 * Something to do at an offset from the start of the run, such as slowing down or
	 * killing a server.
	 */
	record Step(Duration at, Runnable action) {
	}

	/** What a run measured. */
	record Result(String name, int calls, int failures, double seconds, long[] sortedLatencies) {

		double successRate() {
			return (this.calls == 0) ? 0 : 100.0 * (this.calls - this.failures) / this.calls;
		}

		/**
		 * @return the latency at a percentile (0-100) in milliseconds
		 */
		double percentileMillis(double percentile) {
			return LoadRun.Result.percentile(this.sortedLatencies, percentile) / 1e6;
		}

		/**
		 * @return success rate, p50, p99 and p99.9 as Markdown table cells
		 */
		String cells() {
			return String.format(Locale.ROOT, "%d | %.2f%% | %.1f | %.1f | %.1f", this.calls, successRate(),
					percentileMillis(50), percentileMillis(99), percentileMillis(99.9));
		}

	}

	private OpenLoop() {
	}

	/**
	 * Runs calls at a fixed rate for a while, then waits for the last of them to end.
	 * @param name what is measured
	 * @param perSecond calls per second
	 * @param duration how long calls are started
	 * @param call one call; returning normally is a success, throwing an exception a
	 * failure
	 * @param steps actions to run (on another thread) at offsets from the start
	 * @return the measurements
	 */
	static Result run(String name, int perSecond, Duration duration, LoadRun.Call call, List<Step> steps)
			throws InterruptedException {
		int calls = (int) Math.max(1, duration.toNanos() * perSecond / 1_000_000_000L);
		long interval = 1_000_000_000L / perSecond;
		long[] latencies = new long[calls];
		boolean[] failed = new boolean[calls];
		AtomicInteger unexpected = new AtomicInteger();
		CountDownLatch done = new CountDownLatch(calls);
		ExecutorService callers = callers(name);
		Thread stepper = null;
		try {
			long start = System.nanoTime() + 10_000_000L;
			stepper = stepper(name, start, steps);
			for (int i = 0; i < calls; i++) {
				long due = start + i * interval;
				for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
					LockSupport.parkNanos(wait);
				}
				int index = i;
				callers.execute(() -> {
					try {
						call.call();
					}
					catch (Exception ex) {
						failed[index] = true;
					}
					catch (Throwable ex) {
						unexpected.incrementAndGet();
						failed[index] = true;
					}
					latencies[index] = System.nanoTime() - due;
					done.countDown();
				});
			}
			done.await();
			double seconds = (System.nanoTime() - start) / 1e9;
			stepper.join();
			int failures = 0;
			for (boolean f : failed) {
				failures += f ? 1 : 0;
			}
			if (unexpected.get() > 0) {
				System.err.println("warning: " + name + " saw " + unexpected.get() + " errors other than exceptions");
			}
			Arrays.sort(latencies);
			return new Result(name, calls, failures, seconds, latencies);
		}
		finally {
			if (stepper != null) {
				stepper.interrupt();
			}
			callers.shutdownNow();
		}
	}

	/** One thread per call in flight, reused: the rate never waits for a free thread. */
	private static ExecutorService callers(String name) {
		AtomicInteger count = new AtomicInteger();
		return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 10, TimeUnit.SECONDS, new SynchronousQueue<>(), (task) -> {
			Thread thread = new Thread(task, "open-loop-" + name + "-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
	}

	private static Thread stepper(String name, long start, List<Step> steps) {
		List<Step> ordered = steps.stream().sorted((a, b) -> a.at().compareTo(b.at())).toList();
		Thread thread = new Thread(() -> {
			for (Step step : ordered) {
				long due = start + step.at().toNanos();
				for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
					LockSupport.parkNanos(wait);
					if (Thread.interrupted()) {
						return;
					}
				}
				step.action().run();
			}
		}, "open-loop-steps-" + name);
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

}
