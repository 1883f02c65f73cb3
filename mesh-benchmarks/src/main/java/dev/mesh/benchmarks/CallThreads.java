package dev.mesh.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import com.sun.management.OperatingSystemMXBean;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * What a call costs beyond the calling thread: one thread calls the same loopback server
 * through each client in turn, in rounds of a fixed number of calls, and each client's
 * medians over the rounds are reported for the caller's CPU, the whole process's CPU (the
 * JDK HTTP client's selector thread and the in-process server included), wall-clock time
 * and context switches of all the process's threads
 * ({@code /proc/self/task/}{@literal *}{@code /status}; Linux only, otherwise reported as
 * NaN; a thread that starts or ends during a round skews that round's count), per call.
 * {@link CallCpu} sees only the caller; this shows work a client hands to other threads,
 * such as a JDK {@code HttpRequest.timeout}, which the JDK client arms by waking its
 * selector thread.
 *
 * <p>
 * Clients: a plain RestClient on the JDK client (no timeout), the same with a read
 * timeout (Spring's JDK factory then sets {@code HttpRequest.timeout}), and the mesh
 * client with nothing observed (its own logic only). Process CPU is counted in the
 * operating system's clock ticks (10 ms on Linux), so a round must last far longer than
 * that. Arguments: rounds (default 30; the first third are warm-up), calls per client per
 * round (default 2000).
 */
public final class CallThreads {

	static final String PLAIN = "plain RestClient";

	static final String PLAIN_WITH_TIMEOUT = "plain RestClient with a read timeout (HttpRequest.timeout)";

	static final String MESH = BenchmarkApplication.UNOBSERVED_CLIENT;

	private static final Path TASKS = Path.of("/proc/self/task");

	private CallThreads() {
	}

	/** One client's medians per call. */
	record Row(String name, double callerCpuMicros, double processCpuMicros, double wallMicros, double switches) {

		@Override
		public String toString() {
			return String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.2f |", this.name, this.callerCpuMicros,
					this.processCpuMicros, this.wallMicros, this.switches);
		}

		static String header() {
			return "| client | caller CPU µs | process CPU µs | wall µs | context switches |\n"
					+ "| --- | ---: | ---: | ---: | ---: |";
		}

	}

	public static void main(String[] args) throws Exception {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 30;
		int calls = (args.length > 1) ? Integer.parseInt(args[1]) : 2000;
		List<Row> rows = run(rounds, calls);
		System.out.println(Row.header());
		rows.forEach(System.out::println);
	}

	static List<Row> run(int rounds, int calls) throws Exception {
		try (LoopbackServer server = LoopbackServer.start("bench-1");
				ConfigurableApplicationContext unobserved = BenchmarkApplication.start(List.of(server),
						BenchmarkApplication.JDK_TRANSPORT, BenchmarkApplication.ATTEMPTS_UNTRACED,
						BenchmarkApplication.ATTEMPTS_UNTIMED, BenchmarkApplication.CALLS_UNOBSERVED)) {
			JdkClientHttpRequestFactory timed = BenchmarkApplication.jdkRequestFactory();
			timed.setReadTimeout(Duration.ofSeconds(10));
			Map<String, RestClient> clients = new LinkedHashMap<>();
			clients.put(PLAIN,
					RestClient.builder()
						.requestFactory(BenchmarkApplication.jdkRequestFactory())
						.baseUrl(server.uri())
						.build());
			clients.put(PLAIN_WITH_TIMEOUT, RestClient.builder().requestFactory(timed).baseUrl(server.uri()).build());
			clients.put(MESH, unobserved.getBean("meshClient", RestClient.class));
			ThreadMXBean threads = ManagementFactory.getThreadMXBean();
			OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
			Map<String, List<double[]>> perRound = new LinkedHashMap<>();
			for (int round = 0; round < rounds; round++) {
				for (Map.Entry<String, RestClient> client : clients.entrySet()) {
					long switches = contextSwitches();
					long process = os.getProcessCpuTime();
					long caller = threads.getCurrentThreadCpuTime();
					long wall = System.nanoTime();
					for (int i = 0; i < calls; i++) {
						client.getValue().get().uri("/api/stock/1").retrieve().body(String.class);
					}
					double[] measured = { (threads.getCurrentThreadCpuTime() - caller) / 1e3 / calls,
							(os.getProcessCpuTime() - process) / 1e3 / calls, (System.nanoTime() - wall) / 1e3 / calls,
							(switches < 0) ? Double.NaN : (double) (contextSwitches() - switches) / calls };
					if (round >= rounds / 3) {
						perRound.computeIfAbsent(client.getKey(), (name) -> new ArrayList<>()).add(measured);
					}
				}
			}
			List<Row> rows = new ArrayList<>();
			perRound.forEach((name, values) -> rows
				.add(new Row(name, median(values, 0), median(values, 1), median(values, 2), median(values, 3))));
			return rows;
		}
	}

	private static double median(List<double[]> values, int column) {
		List<Double> sorted = values.stream().map((value) -> value[column]).sorted().toList();
		return sorted.get(sorted.size() / 2);
	}

	/**
	 * @return voluntary and involuntary context switches of all this process's threads,
	 * or -1 off Linux
	 */
	static long contextSwitches() {
		if (!Files.isDirectory(TASKS)) {
			return -1;
		}
		long sum = 0;
		try (Stream<Path> tasks = Files.list(TASKS)) {
			for (Path task : tasks.toList()) {
				sum += contextSwitches(task.resolve("status"));
			}
		}
		catch (IOException ex) {
			return -1;
		}
		return sum;
	}

	private static long contextSwitches(Path status) {
		try {
			long sum = 0;
			for (String line : Files.readAllLines(status)) {
				if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
					sum += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
				}
			}
			return sum;
		}
		catch (IOException | NumberFormatException ex) {
			// the thread ended while the list was read
			return 0;
		}
	}

}
