package dev.mesh.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Measures several clients in the same moments: every thread calls each client in turn,
 * one call each, in a new random order every round, and records each call's latency under
 * its client. The order is shuffled, not rotated, so that every client follows every
 * other equally often: a call can be slowed by work the call before it left on other
 * threads (such as a Spring Cloud time limiter's thread), and with a rotated order each
 * client always followed the same one. A noisy machine (other processes, GC, CPU
 * frequency) then slows every client alike, so the differences between clients stay
 * visible even when the absolute numbers drift; measuring clients one after another, the
 * drift between runs was larger than the differences.
 *
 * <p>
 * Besides the latency it records the CPU time each call took on the calling thread, where
 * the mesh client does all its own work (picking, retry rules, observations, token
 * lookup); the HTTP client's selector threads and the server are the same for every
 * client. On a machine where waking a thread costs more than the work (as on a small
 * virtual machine) that is the clearer measure of overhead.
 */
final class InterleavedRun {

	/** A client under measurement. */
	record Client(String name, LoadRun.Call call) {
	}

	/**
	 * What one client measured.
	 *
	 * @param latency the calls' latencies
	 * @param sortedCpuNanos CPU time of each call on the calling thread, sorted
	 */
	record Measured(LoadRun.Result latency, long[] sortedCpuNanos) {

		/**
		 * @return the calling thread's CPU time per call at a percentile (0-100), in
		 * microseconds
		 */
		double cpuMicros(double percentile) {
			return LoadRun.Result.percentile(this.sortedCpuNanos, percentile) / 1_000.0;
		}

	}

	private InterleavedRun() {
	}

	/**
	 * Runs the clients interleaved.
	 * @param threads calling threads, each going round all clients
	 * @param duration how long to run
	 * @param clients the clients
	 * @return one measurement per client, in the given order
	 */
	static List<Measured> run(int threads, Duration duration, List<Client> clients) throws InterruptedException {
		ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
		int count = clients.size();
		long[][][] latencies = new long[threads][count][];
		long[][][] cpuTimes = new long[threads][count][];
		int[][] calls = new int[threads][count];
		long[][] failures = new long[threads][count];
		CountDownLatch start = new CountDownLatch(1);
		Thread[] workers = new Thread[threads];
		long durationNanos = duration.toNanos();
		for (int t = 0; t < threads; t++) {
			int worker = t;
			for (int c = 0; c < count; c++) {
				latencies[t][c] = new long[1 << 14];
				cpuTimes[t][c] = new long[1 << 14];
			}
			workers[t] = new Thread(() -> {
				try {
					start.await();
				}
				catch (InterruptedException ex) {
					return;
				}
				long end = System.nanoTime() + durationNanos;
				int[] order = new int[count];
				Arrays.setAll(order, (index) -> index);
				while (System.nanoTime() < end) {
					shuffle(order);
					for (int c : order) {
						long cpuStarted = cpu.getCurrentThreadCpuTime();
						long started = System.nanoTime();
						try {
							clients.get(c).call().call();
						}
						catch (Exception ex) {
							failures[worker][c]++;
						}
						long took = System.nanoTime() - started;
						long cpuTook = cpu.getCurrentThreadCpuTime() - cpuStarted;
						int at = calls[worker][c]++;
						if (at == latencies[worker][c].length) {
							latencies[worker][c] = Arrays.copyOf(latencies[worker][c], at * 2);
							cpuTimes[worker][c] = Arrays.copyOf(cpuTimes[worker][c], at * 2);
						}
						latencies[worker][c][at] = took;
						cpuTimes[worker][c][at] = cpuTook;
					}
				}
			}, "interleaved-" + t);
			workers[t].start();
		}
		long started = System.nanoTime();
		start.countDown();
		for (Thread worker : workers) {
			worker.join();
		}
		double seconds = (System.nanoTime() - started) / 1e9;
		Measured[] results = new Measured[count];
		for (int c = 0; c < count; c++) {
			int total = 0;
			long failed = 0;
			for (int t = 0; t < threads; t++) {
				total += calls[t][c];
				failed += failures[t][c];
			}
			long[] all = new long[total];
			long[] allCpu = new long[total];
			for (int t = 0, at = 0; t < threads; t++) {
				System.arraycopy(latencies[t][c], 0, all, at, calls[t][c]);
				System.arraycopy(cpuTimes[t][c], 0, allCpu, at, calls[t][c]);
				at += calls[t][c];
			}
			Arrays.sort(all);
			Arrays.sort(allCpu);
			results[c] = new Measured(new LoadRun.Result(clients.get(c).name(), total, failed, seconds, all), allCpu);
		}
		return List.of(results);
	}

	/** Fisher-Yates shuffle. */
	private static void shuffle(int[] order) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		for (int i = order.length - 1; i > 0; i--) {
			int j = random.nextInt(i + 1);
			int swapped = order[i];
			order[i] = order[j];
			order[j] = swapped;
		}
	}

}
