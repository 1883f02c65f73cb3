package dev.mesh.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.autoconfigure.web.client.RestClientBuilderConfigurer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

/**
 * What a client costs the calling thread, with the least noise this machine allows: one
 * thread calls the same loopback server through a plain RestClient, a RestClient from
 * Boot's builder (observed) and a {@code @MeshClient}, in rounds of a fixed number of
 * calls per client, the clients in turn, and reports each client's median over the rounds
 * of the caller's CPU time per call. The mesh client does all of its own work on the
 * calling thread, so the differences are what each layer costs; with one caller the HTTP
 * client's and the server's threads never compete with it for a core.
 *
 * <p>
 * Two more mesh clients, each in its own application context with parts of its telemetry
 * switched off by property, split what the mesh client costs into its own logic
 * (balancing, retry and ejection bookkeeping, deadline, call timer: nothing observed) and
 * its observing: Boot's {@code http.client.requests} observation of the call
 * ({@code management.observations.enable.*}), and each attempt's
 * {@code mesh.client.requests} timer and span ({@code management.metrics.enable.*},
 * {@code mesh.tracing.attempt-spans}). Arguments: rounds (default 30; the first third are
 * warm-up), calls per client per round (default 1000).
 */
public final class CallCpu {

	static final String ATTEMPTS_UNOBSERVED = BenchmarkApplication.ATTEMPTS_UNOBSERVED_CLIENT;

	static final String UNOBSERVED = BenchmarkApplication.UNOBSERVED_CLIENT;

	private CallCpu() {
	}

	public static void main(String[] args) throws Exception {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 30;
		int calls = (args.length > 1) ? Integer.parseInt(args[1]) : 1000;
		System.out.println(table(run(rounds, calls)));
	}

	/**
	 * Runs the rounds.
	 * @param rounds rounds; the first third are not counted
	 * @param calls calls per client per round
	 * @return each client's median caller CPU per call, in µs, in the order plain,
	 * observed, mesh, mesh with attempts not observed, mesh with nothing observed
	 */
	static Map<String, Double> run(int rounds, int calls) throws Exception {
		try (LoopbackServer server = LoopbackServer.start("bench-1");
				ConfigurableApplicationContext context = BenchmarkApplication.start(List.of(server),
						BenchmarkApplication.JDK_TRANSPORT);
				ConfigurableApplicationContext attemptsUnobserved = BenchmarkApplication.start(List.of(server),
						BenchmarkApplication.JDK_TRANSPORT, BenchmarkApplication.ATTEMPTS_UNTRACED,
						BenchmarkApplication.ATTEMPTS_UNTIMED);
				ConfigurableApplicationContext unobserved = BenchmarkApplication.start(List.of(server),
						BenchmarkApplication.JDK_TRANSPORT, BenchmarkApplication.ATTEMPTS_UNTRACED,
						BenchmarkApplication.ATTEMPTS_UNTIMED, BenchmarkApplication.CALLS_UNOBSERVED)) {
			Map<String, RestClient> clients = new LinkedHashMap<>();
			clients.put("plain RestClient",
					RestClient.builder()
						.requestFactory(BenchmarkApplication.jdkRequestFactory())
						.baseUrl(server.uri())
						.build());
			clients.put("RestClient from Boot's builder (observed)",
					context.getBean(RestClientBuilderConfigurer.class)
						.configure(RestClient.builder())
						.requestFactory(BenchmarkApplication.jdkRequestFactory())
						.baseUrl(server.uri())
						.build());
			clients.put("@MeshClient", context.getBean("meshClient", RestClient.class));
			clients.put(ATTEMPTS_UNOBSERVED, attemptsUnobserved.getBean("meshClient", RestClient.class));
			clients.put(UNOBSERVED, unobserved.getBean("meshClient", RestClient.class));
			ThreadMXBean threads = ManagementFactory.getThreadMXBean();
			Map<String, List<Double>> perRound = new LinkedHashMap<>();
			for (int round = 0; round < rounds; round++) {
				for (Map.Entry<String, RestClient> client : clients.entrySet()) {
					long before = threads.getCurrentThreadCpuTime();
					for (int i = 0; i < calls; i++) {
						client.getValue().get().uri("/api/stock/1").retrieve().body(String.class);
					}
					double micros = (threads.getCurrentThreadCpuTime() - before) / 1e3 / calls;
					if (round >= rounds / 3) {
						perRound.computeIfAbsent(client.getKey(), (name) -> new ArrayList<>()).add(micros);
					}
				}
			}
			Map<String, Double> medians = new LinkedHashMap<>();
			perRound
				.forEach((name, values) -> medians.put(name, values.stream().sorted().toList().get(values.size() / 2)));
			return medians;
		}
	}

	static String table(Map<String, Double> medians) {
		double plain = medians.values().iterator().next();
		StringBuilder table = new StringBuilder(
				"| client | caller CPU per call, median µs | − plain µs |\n| --- | ---: | ---: |\n");
		medians.forEach((name, micros) -> table
			.append(String.format(Locale.ROOT, "| %s | %.1f | %+.1f |%n", name, micros, micros - plain)));
		return table.toString().stripTrailing();
	}

}
