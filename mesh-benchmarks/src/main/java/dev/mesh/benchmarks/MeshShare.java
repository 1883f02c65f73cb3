package dev.mesh.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

/**
 * Where a mesh call's time goes on one transport, in four clients to the same loopback
 * server:
 * <ol>
 * <li>{@link #BARE}: a plain {@code RestClient.builder()} on the transport as Boot builds
 * it, unobserved;</li>
 * <li>{@link #BOOT}: a RestClient from Boot's builder in a Boot application, as any
 * service's plain client is: Boot's {@code http.client.requests} observation (timer and
 * span, 10% sampling) on;</li>
 * <li>{@link #MESH_UNOBSERVED}: a {@code @MeshClient} with every observation off (the
 * mesh's own work and the transport's);</li>
 * <li>{@link #MESH}: a {@code @MeshClient} with Boot's defaults, in the same application
 * as {@link #BOOT};</li>
 * <li>{@link #SIMPLE}: for reference, the fastest plain client of
 * {@link TransportOverhead} here.</li>
 * </ol>
 * Unlike {@link TransportOverhead}, which switches client on every call among fifteen
 * clients on five HTTP libraries (which makes the shared call sites of RestClient
 * megamorphic and the caches cold for whichever client has the most code), this runs each
 * client for a block of calls in turn, on one thread, rotating every {@link #BLOCK}, so
 * the clients still share the machine's moments but each block runs as a service's single
 * client would. Throughput: each client alone on two threads, several rounds, the last
 * two reported (the first ones run while the JIT is still compiling). Arguments: seconds
 * of measured latency (default 30, plus half as much warm-up), throughput rounds (default
 * 6), transport (default {@code http-components}).
 */
public final class MeshShare {

	static final String BARE = "plain RestClient.builder(), unobserved";

	static final String BOOT = "RestClient from Boot's builder (observed)";

	static final String MESH_UNOBSERVED = "@MeshClient, nothing observed";

	static final String MESH = "@MeshClient, Boot's defaults";

	/**
	 * The fastest plain client of {@link TransportOverhead} on this machine, for
	 * reference.
	 */
	static final String SIMPLE = "plain RestClient.builder() on simple (HttpURLConnection), unobserved";

	/** How long each client runs before the next one's turn. */
	static final Duration BLOCK = Duration.ofMillis(125);

	private MeshShare() {
	}

	public static void main(String[] args) throws Exception {
		int seconds = (args.length > 0) ? Integer.parseInt(args[0]) : 30;
		int rounds = (args.length > 1) ? Integer.parseInt(args[1]) : 6;
		String transport = (args.length > 2) ? args[2] : "http-components";
		System.out.println(run(Duration.ofSeconds(seconds), rounds, Duration.ofSeconds(3), transport).table());
		System.exit(0);
	}

	/**
	 * What a run measured: latency per client (blocks) and the throughput of its last two
	 * rounds alone.
	 */
	record Report(String transport, Map<String, LoadRun.Result> latency, Map<String, double[]> throughput) {

		String table() {
			LoadRun.Result bare = this.latency.get(BARE);
			LoadRun.Result boot = this.latency.get(BOOT);
			StringBuilder table = new StringBuilder("Transport: " + this.transport + "\n\n"
					+ "| client | calls | p50 µs | p99 µs | p99.9 µs | p50 / p99 − plain µs | p50 / p99 − Boot's µs "
					+ "| calls/s (2 threads, last 2 rounds) | vs plain | vs Boot's |\n"
					+ "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
			for (Map.Entry<String, LoadRun.Result> row : this.latency.entrySet()) {
				LoadRun.Result result = row.getValue();
				double calls = mean(this.throughput.get(row.getKey()));
				table.append(String.format(Locale.ROOT,
						"| %s | %d | %.0f | %.0f | %.0f | %+.0f / %+.0f | %+.0f / %+.0f | %.0f | %.1f%% | %.1f%% |%n",
						row.getKey(), result.calls(), result.percentileMicros(50), result.percentileMicros(99),
						result.percentileMicros(99.9), result.percentileMicros(50) - bare.percentileMicros(50),
						result.percentileMicros(99) - bare.percentileMicros(99),
						result.percentileMicros(50) - boot.percentileMicros(50),
						result.percentileMicros(99) - boot.percentileMicros(99), calls,
						100 * calls / mean(this.throughput.get(BARE)), 100 * calls / mean(this.throughput.get(BOOT))));
			}
			return table.toString().stripTrailing();
		}

		private static double mean(double[] values) {
			return Arrays.stream(values).average().orElse(Double.NaN);
		}

	}

	/**
	 * @param measure the measured latency time (warm-up: half of it)
	 * @param rounds the throughput rounds (at least 2)
	 * @param alone each client's time alone per throughput round
	 * @param transport the {@link BootHttpClients#FACTORY_PROPERTY} of every client
	 */
	static Report run(Duration measure, int rounds, Duration alone, String transport) throws Exception {
		List<ConfigurableApplicationContext> contexts = new ArrayList<>();
		try (LoopbackServer server = LoopbackServer.start("share-1");
				TransportOverhead.Transport bare = bare(transport);
				TransportOverhead.Transport simple = bare("simple")) {
			ConfigurableApplicationContext observed = BenchmarkApplication.start(List.of(server),
					BenchmarkApplication.TRANSPORT + transport);
			contexts.add(observed);
			ConfigurableApplicationContext unobserved = BenchmarkApplication.start(List.of(server),
					BenchmarkApplication.TRANSPORT + transport, BenchmarkApplication.ATTEMPTS_UNTRACED,
					BenchmarkApplication.ATTEMPTS_UNTIMED, BenchmarkApplication.CALLS_UNOBSERVED);
			contexts.add(unobserved);
			Map<String, LoadRun.Call> clients = new LinkedHashMap<>();
			clients.put(BARE, call(bare.client(server.uri())));
			clients.put(BOOT, call(BootHttpClients.restClientBuilder(observed).baseUrl(server.uri()).build()));
			clients.put(MESH_UNOBSERVED, call(unobserved.getBean("meshClient", RestClient.class)));
			clients.put(MESH, call(observed.getBean("meshClient", RestClient.class)));
			clients.put(SIMPLE, call(simple.client(server.uri())));
			inBlocks(clients, measure.dividedBy(2));
			Map<String, LoadRun.Result> latency = inBlocks(clients, measure);
			Map<String, double[]> throughput = new LinkedHashMap<>();
			clients.keySet().forEach((name) -> throughput.put(name, new double[2]));
			for (int round = 0; round < Math.max(2, rounds); round++) {
				int kept = round - (Math.max(2, rounds) - 2);
				for (Map.Entry<String, LoadRun.Call> client : clients.entrySet()) {
					LoadRun.Result result = LoadRun.run(client.getKey(), 2, alone, client.getValue());
					if (kept >= 0) {
						throughput.get(client.getKey())[kept] = result.throughput();
					}
				}
			}
			return new Report(transport, latency, throughput);
		}
		finally {
			contexts.forEach(ConfigurableApplicationContext::close);
		}
	}

	/**
	 * The transport as Boot builds it with default settings, for the unobserved plain
	 * client.
	 */
	private static TransportOverhead.Transport bare(String transport) {
		return switch (transport) {
			case "http-components" ->
				new TransportOverhead.Transport(BARE, ClientHttpRequestFactoryBuilder.httpComponents().build());
			case "jdk" -> new TransportOverhead.Transport(BARE, ClientHttpRequestFactoryBuilder.jdk().build());
			case "simple" -> new TransportOverhead.Transport(BARE, ClientHttpRequestFactoryBuilder.simple().build());
			case "jetty" -> TransportOverhead.jetty();
			case "reactor" -> new TransportOverhead.Transport(BARE, ClientHttpRequestFactoryBuilder.reactor().build());
			default -> throw new IllegalArgumentException(
					"Unknown transport '" + transport + "': one of http-components, jdk, simple, jetty, reactor");
		};
	}

	private static LoadRun.Call call(RestClient client) {
		return () -> client.get().uri(TransportOverhead.PATH).retrieve().body(String.class);
	}

	/**
	 * Runs the clients one block at a time, in turn, on one thread, for the given time in
	 * all.
	 */
	private static Map<String, LoadRun.Result> inBlocks(Map<String, LoadRun.Call> clients, Duration total)
			throws InterruptedException {
		Map<String, List<LoadRun.Result>> blocks = new LinkedHashMap<>();
		clients.keySet().forEach((name) -> blocks.put(name, new ArrayList<>()));
		long end = System.nanoTime() + total.toNanos();
		while (System.nanoTime() < end) {
			for (Map.Entry<String, LoadRun.Call> client : clients.entrySet()) {
				blocks.get(client.getKey()).add(LoadRun.run(client.getKey(), 1, BLOCK, client.getValue()));
			}
		}
		Map<String, LoadRun.Result> merged = new LinkedHashMap<>();
		blocks.forEach((name, results) -> merged.put(name, merge(name, results)));
		return merged;
	}

	private static LoadRun.Result merge(String name, List<LoadRun.Result> results) {
		long calls = 0;
		long failures = 0;
		double seconds = 0;
		for (LoadRun.Result result : results) {
			calls += result.calls();
			failures += result.failures();
			seconds += result.seconds();
		}
		long[] latencies = results.stream()
			.flatMapToLong((result) -> Arrays.stream(result.sortedLatencies()))
			.sorted()
			.toArray();
		return new LoadRun.Result(name, calls, failures, seconds, latencies);
	}

}
