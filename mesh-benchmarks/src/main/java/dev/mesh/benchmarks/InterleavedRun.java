package dev.mesh.benchmarks;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Measures several clients in the same moments: every thread calls each client in turn, one call each,
 * starting from a different client every round, and records each call's latency under its client. A
 * noisy machine (other processes, GC, CPU frequency) then slows every client alike, so the differences
 * between clients stay visible even when the absolute numbers drift; measuring clients one after
 * another, the drift between runs was larger than the differences.
 */
final class InterleavedRun {

	/** A client under measurement. */
	record Client(String name, LoadRun.Call call) {
	}

	private InterleavedRun() {
	}

	/**
	 * Runs the clients interleaved.
	 * @param threads calling threads, each going round all clients
	 * @param duration how long to run
	 * @param clients the clients
	 * @return one result per client, in the given order
	 */
	static List<LoadRun.Result> run(int threads, Duration duration, List<Client> clients) throws InterruptedException {
		int count = clients.size();
		long[][][] latencies = new long[threads][count][];
		int[][] calls = new int[threads][count];
		long[][] failures = new long[threads][count];
		CountDownLatch start = new CountDownLatch(1);
		Thread[] workers = new Thread[threads];
		long durationNanos = duration.toNanos();
		for (int t = 0; t < threads; t++) {
			int worker = t;
			for (int c = 0; c < count; c++) {
				latencies[t][c] = new long[1 << 14];
			}
			workers[t] = new Thread(() -> {
				try {
					start.await();
				}
				catch (InterruptedException ex) {
					return;
				}
				long end = System.nanoTime() + durationNanos;
				for (int round = worker; System.nanoTime() < end; round++) {
					for (int step = 0; step < count; step++) {
						int c = (round + step) % count;
						long started = System.nanoTime();
						try {
							clients.get(c).call().call();
						}
						catch (Exception ex) {
							failures[worker][c]++;
						}
						long took = System.nanoTime() - started;
						long[] mine = latencies[worker][c];
						if (calls[worker][c] == mine.length) {
							mine = Arrays.copyOf(mine, mine.length * 2);
							latencies[worker][c] = mine;
						}
						mine[calls[worker][c]++] = took;
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
		LoadRun.Result[] results = new LoadRun.Result[count];
		for (int c = 0; c < count; c++) {
			int total = 0;
			long failed = 0;
			for (int t = 0; t < threads; t++) {
				total += calls[t][c];
				failed += failures[t][c];
			}
			long[] all = new long[total];
			for (int t = 0, at = 0; t < threads; t++) {
				System.arraycopy(latencies[t][c], 0, all, at, calls[t][c]);
				at += calls[t][c];
			}
			Arrays.sort(all);
			results[c] = new LoadRun.Result(clients.get(c).name(), total, failed, seconds, all);
		}
		return List.of(results);
	}

}
