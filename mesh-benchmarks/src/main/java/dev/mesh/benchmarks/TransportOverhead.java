package dev.mesh.benchmarks;

import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

import com.sun.management.OperatingSystemMXBean;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.util.TimeValue;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.Lifecycle;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * The HTTP transports side by side, plain and under the mesh: the same GET to the same
 * loopback server through unobserved RestClients
 * ({@code RestClient.builder().requestFactory(...)}), one per request factory, each built
 * as Spring Boot's {@link ClientHttpRequestFactoryBuilder} builds it with default
 * settings ({@code spring.http.client.factory} on Boot 3.5,
 * {@code spring.http.clients.imperative.factory} on Boot 4):
 * <ol>
 * <li>{@code simple}: {@code HttpURLConnection};</li>
 * <li>{@code jdk}: the JDK {@code HttpClient} with Boot's settings (HTTP/2 preferred, so
 * the first request on each connection offers an h2c upgrade), without and with a read
 * timeout, and on HTTP/1.1 as the mesh's own transport uses it;</li>
 * <li>{@code http-components}: Apache HttpClient 5 classic, with Boot's default pool and
 * with a tuned pool ({@link #TUNED_POOL});</li>
 * <li>{@code jetty}: the Jetty 12 client;</li>
 * <li>{@code reactor}: Reactor Netty;</li>
 * </ol>
 * and, for each transport in {@link #MESH_TRANSPORTS}, a {@code @MeshClient} in a Boot
 * application of its own ({@link BenchmarkApplication}) with
 * {@link BootHttpClients#FACTORY_PROPERTY} set to it, static discovery to the same
 * server, and Boot's defaults otherwise (metrics and tracing on, as a new user has them).
 * The plain row of the same name is that transport with Boot's default settings, so each
 * pair differs by the mesh alone ({@link Report#meshTable()}). Latency and the calling
 * thread's CPU per call are measured with the clients interleaved call by call
 * ({@link InterleavedRun}); throughput with each client alone in a closed loop
 * ({@link LoadRun}), in two rounds of opposite order, together with the whole process's
 * CPU per call (the in-process server's share is the same for every client; the rest is
 * the work a transport does on its own threads, which the caller's CPU does not see).
 * Arguments: seconds of the latency run (default 20; warm-up half of it, each throughput
 * run a quarter of it), client threads (default 2). The same source runs on Boot 3.5
 * (mesh-benchmarks) and Boot 4 (mesh-benchmarks-boot4); see {@link BootHttpClients}.
 */
public final class TransportOverhead {

	/** What the tuned Apache pool changes, for the tables. */
	static final String TUNED_POOL = "64 per route / 256 total, LAX pool, validate after 2 s idle";

	static final String PATH = "/api/stock/1";

	/**
	 * The {@link BootHttpClients#FACTORY_PROPERTY} values a mesh client is measured on,
	 * the default first.
	 */
	static final List<String> MESH_TRANSPORTS = List.of("http-components", "jdk", "simple", "jetty", "reactor");

	/**
	 * The plain row each mesh row is compared with: the transport as Boot builds it by
	 * default.
	 */
	static final Map<String, String> PLAIN_OF = Map.of("http-components", "http-components, default pool", "jdk", "jdk",
			"simple", "simple (HttpURLConnection)", "jetty", "jetty", "reactor", "reactor");

	/**
	 * The name of the row of a plain RestClient from Boot's builder, observed, on a
	 * transport.
	 */
	static String bootName(String transport) {
		return "Boot's RestClient.Builder on " + transport + " (observed)";
	}

	/** The name of the mesh row of a transport. */
	static String meshName(String transport) {
		return "@MeshClient on " + transport;
	}

	private TransportOverhead() {
	}

	public static void main(String[] args) throws Exception {
		int seconds = (args.length > 0) ? Integer.parseInt(args[0]) : 20;
		int threads = (args.length > 1) ? Integer.parseInt(args[1]) : 2;
		List<String> transports = (args.length > 2) ? List.of(args[2].split(",")) : MESH_TRANSPORTS;
		System.out.println(BootHttpClients.versions());
		Report report = run(Duration.ofSeconds(seconds), threads, transports);
		System.out.println(report.latencyTable());
		System.out.println();
		System.out.println(report.throughputTable());
		System.out.println();
		System.out.println(report.meshTable());
		// The mesh's jetty transport leaves its Jetty HttpClient running when its
		// application context
		// closes (its non-daemon threads keep the JVM alive; reported with this
		// benchmark's run), so the
		// benchmark ends the JVM itself once the tables are out.
		System.exit(0);
	}

	/**
	 * A named request factory; closing it releases its pool and threads where it has any.
	 *
	 * @param name the name in the tables
	 * @param factory the request factory
	 * @param resources what else to close with the factory (such as a client the factory
	 * does not stop because it did not make it), or {@code null}
	 */
	record Transport(String name, ClientHttpRequestFactory factory, AutoCloseable resources) implements AutoCloseable {

		Transport(String name, ClientHttpRequestFactory factory) {
			this(name, factory, null);
		}

		RestClient client(String baseUrl) {
			return RestClient.builder().requestFactory(this.factory).baseUrl(baseUrl).build();
		}

		@Override
		public void close() throws Exception {
			if (this.factory instanceof DisposableBean disposable) {
				disposable.destroy();
			}
			if (this.factory instanceof Lifecycle lifecycle && lifecycle.isRunning()) {
				lifecycle.stop();
			}
			if (this.resources != null) {
				this.resources.close();
			}
		}

	}

	/**
	 * One client run alone: its result and the process's CPU time per call over the run.
	 */
	record Alone(LoadRun.Result result, double processCpuMicros) {
	}

	/**
	 * What a run measured: latency per client (interleaved) and throughput per client
	 * (alone, two rounds).
	 */
	record Report(List<InterleavedRun.Measured> latency, List<Alone> firstRound, List<Alone> secondRound) {

		String latencyTable() {
			double bestP50 = best(plain(), (measured) -> measured.latency().percentileMicros(50));
			double bestP99 = best(plain(), (measured) -> measured.latency().percentileMicros(99));
			StringBuilder table = new StringBuilder("| client | calls | success | p50 µs | p99 µs | p99.9 µs "
					+ "| p50 − best plain µs | p99 − best plain µs | caller CPU p50 µs |\n"
					+ "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
			for (InterleavedRun.Measured measured : this.latency) {
				LoadRun.Result result = measured.latency();
				table.append(String.format(Locale.ROOT,
						"| %s | %d | %.2f%% | %.0f | %.0f | %.0f | %+.0f | %+.0f | %.0f |%n", result.name(),
						result.calls(), result.successRate(), result.percentileMicros(50), result.percentileMicros(99),
						result.percentileMicros(99.9), result.percentileMicros(50) - bestP50,
						result.percentileMicros(99) - bestP99, measured.cpuMicros(50)));
			}
			return table.toString().stripTrailing();
		}

		String throughputTable() {
			double bestMean = 0;
			for (int i = 0; i < this.firstRound.size(); i++) {
				if (!isBarePlainExcluded(this.firstRound.get(i).result().name())) {
					bestMean = Math.max(bestMean, mean(i));
				}
			}
			StringBuilder table = new StringBuilder("| client | calls/s round 1 | calls/s round 2 | mean vs best plain "
					+ "| process CPU µs/call round 1 | round 2 |\n| --- | ---: | ---: | ---: | ---: | ---: |\n");
			for (int i = 0; i < this.firstRound.size(); i++) {
				Alone first = this.firstRound.get(i);
				Alone second = this.secondRound.get(i);
				table.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %+.1f%% | %.0f | %.0f |%n",
						first.result().name(), first.result().throughput(), second.result().throughput(),
						100 * (mean(i) / bestMean - 1), first.processCpuMicros(), second.processCpuMicros()));
			}
			return table.toString().stripTrailing();
		}

		/**
		 * Each mesh row against the plain row on the same transport: the differences in
		 * latency (interleaved), the calling thread's CPU per call (p50, interleaved),
		 * the whole process's CPU per call (alone, mean of the two rounds) and throughput
		 * (alone, mean of the two rounds).
		 */
		String meshTable() {
			List<InterleavedRun.Measured> plain = plain();
			InterleavedRun.Measured fastest = plain.stream()
				.min(Comparator.comparingDouble((measured) -> measured.latency().percentileMicros(50)))
				.orElseThrow();
			StringBuilder table = new StringBuilder(
					"| transport | p50 mesh − plain µs | p99 mesh − plain µs | p99.9 mesh − plain µs "
							+ "| p50 mesh − fastest plain µs | caller CPU p50 plain / mesh µs "
							+ "| process CPU plain / mesh µs/call | throughput mesh / plain |\n"
							+ "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
			for (String transport : MESH_TRANSPORTS) {
				int meshAt = indexOf(meshName(transport));
				int plainAt = indexOf(PLAIN_OF.get(transport));
				if (meshAt < 0 || plainAt < 0) {
					continue;
				}
				LoadRun.Result mesh = this.latency.get(meshAt).latency();
				LoadRun.Result same = this.latency.get(plainAt).latency();
				table.append(String.format(Locale.ROOT,
						"| %s | %+.0f | %+.0f | %+.0f | %+.0f | %.0f / %.0f | %.0f / %.0f | %.1f%% |%n", transport,
						mesh.percentileMicros(50) - same.percentileMicros(50),
						mesh.percentileMicros(99) - same.percentileMicros(99),
						mesh.percentileMicros(99.9) - same.percentileMicros(99.9),
						mesh.percentileMicros(50) - fastest.latency().percentileMicros(50),
						this.latency.get(plainAt).cpuMicros(50), this.latency.get(meshAt).cpuMicros(50),
						processCpu(plainAt), processCpu(meshAt), 100 * mean(meshAt) / mean(plainAt)));
			}
			table.append("fastest plain at p50: ").append(fastest.latency().name());
			for (String transport : MESH_TRANSPORTS) {
				int bootAt = indexOf(bootName(transport));
				if (bootAt >= 0) {
					int plainAt = indexOf(PLAIN_OF.get(transport));
					int meshAt = indexOf(meshName(transport));
					int unobservedAt = indexOf(meshName(transport) + ", nothing observed");
					table.append(String
						.format(Locale.ROOT, "%non %s, p50 (p99): Boot's observed RestClient − plain %+.0f µs (%+.0f); "
								+ "mesh − Boot's observed RestClient %+.0f µs (%+.0f); mesh with nothing observed − plain %+.0f µs (%+.0f)",
								transport, diff(bootAt, plainAt, 50), diff(bootAt, plainAt, 99),
								diff(meshAt, bootAt, 50), diff(meshAt, bootAt, 99), diff(unobservedAt, plainAt, 50),
								diff(unobservedAt, plainAt, 99)));
				}
			}
			return table.toString();
		}

		private double diff(int row, int baseRow, double percentile) {
			return this.latency.get(row).latency().percentileMicros(percentile)
					- this.latency.get(baseRow).latency().percentileMicros(percentile);
		}

		private List<InterleavedRun.Measured> plain() {
			return this.latency.stream().filter((measured) -> !isBarePlainExcluded(measured.latency().name())).toList();
		}

		private int indexOf(String name) {
			for (int i = 0; i < this.latency.size(); i++) {
				if (this.latency.get(i).latency().name().equals(name)) {
					return i;
				}
			}
			return -1;
		}

		private double processCpu(int index) {
			return (this.firstRound.get(index).processCpuMicros() + this.secondRound.get(index).processCpuMicros()) / 2;
		}

		private double mean(int index) {
			return (this.firstRound.get(index).result().throughput()
					+ this.secondRound.get(index).result().throughput()) / 2;
		}

		/**
		 * Whether a row is no bare plain client (a mesh client, or Boot's observed one):
		 * not a "best plain".
		 */
		private static boolean isBarePlainExcluded(String name) {
			return name.startsWith("@MeshClient") || name.startsWith("Boot's");
		}

		private static double best(List<InterleavedRun.Measured> latency,
				ToDoubleFunction<InterleavedRun.Measured> value) {
			return latency.stream().mapToDouble(value).min().orElse(Double.NaN);
		}

	}

	/**
	 * The plain transports, each as Boot's builder makes it with default settings unless
	 * the name says otherwise.
	 */
	static List<Transport> plainTransports() {
		return List.of(new Transport("simple (HttpURLConnection)", new SimpleClientHttpRequestFactory()),
				new Transport("jdk", ClientHttpRequestFactoryBuilder.jdk().build()),
				new Transport("jdk, read timeout 3 s", jdkWithReadTimeout(Duration.ofSeconds(3))),
				new Transport("jdk, HTTP/1.1",
						ClientHttpRequestFactoryBuilder.jdk()
							.withHttpClientCustomizer((builder) -> builder.version(HttpClient.Version.HTTP_1_1))
							.build()),
				new Transport("http-components, default pool",
						ClientHttpRequestFactoryBuilder.httpComponents().build()),
				new Transport("http-components, tuned pool", tunedHttpComponents()), jetty(),
				new Transport("reactor", ClientHttpRequestFactoryBuilder.reactor().build()));
	}

	/**
	 * The JDK client as Boot builds it with a read timeout in its settings: Boot sets the
	 * timeout on Spring's factory, not on the client, on both lines. Given through a
	 * customizer because the settings type differs between the lines (Boot 3.5's
	 * {@code ClientHttpRequestFactorySettings}, Boot 4's {@code HttpClientSettings}).
	 */
	static ClientHttpRequestFactory jdkWithReadTimeout(Duration timeout) {
		return ClientHttpRequestFactoryBuilder.jdk()
			.withCustomizer((factory) -> factory.setReadTimeout(timeout))
			.build();
	}

	/**
	 * Apache HttpClient 5 classic with the pool a service calling a few instances at high
	 * concurrency wants: Boot's default pool allows 5 connections per route (25 in all),
	 * so a 6th concurrent caller to one instance waits for a connection; 64/256 leave
	 * room. The LAX pool takes no pool-wide lock on lease and release (the STRICT default
	 * does, to enforce the total exactly). Validating after 2 s idle is HttpClient's own
	 * default, stated here because 0 (check before every lease) costs a blocking read per
	 * call, and never checking hands out connections the server closed while idle.
	 */
	static ClientHttpRequestFactory tunedHttpComponents() {
		return ClientHttpRequestFactoryBuilder.httpComponents()
			.withConnectionManagerCustomizer((pool) -> pool.setMaxConnPerRoute(64)
				.setMaxConnTotal(256)
				.setPoolConcurrencyPolicy(PoolConcurrencyPolicy.LAX)
				.setConnPoolPolicy(PoolReusePolicy.LIFO))
			.withConnectionConfigCustomizer(
					(connection) -> connection.setValidateAfterInactivity(TimeValue.ofSeconds(2)))
			.build();
	}

	/**
	 * Jetty as Boot builds it with default settings. Spring's factory stops only a Jetty
	 * client it made itself, and Jetty's threads keep the JVM alive, so the client Boot
	 * made is caught here to be stopped with the factory.
	 */
	static Transport jetty() {
		AtomicReference<org.eclipse.jetty.client.HttpClient> made = new AtomicReference<>();
		ClientHttpRequestFactory factory = ClientHttpRequestFactoryBuilder.jetty()
			.withHttpClientCustomizer(made::set)
			.build();
		return new Transport("jetty", factory, () -> {
			if (made.get() != null) {
				made.get().stop();
			}
		});
	}

	/**
	 * @return a client under measurement that GETs {@link #PATH} through the RestClient
	 */
	static InterleavedRun.Client call(String name, RestClient client) {
		return new InterleavedRun.Client(name, () -> client.get().uri(PATH).retrieve().body(String.class));
	}

	static Report run(Duration measure, int threads) throws Exception {
		return run(measure, threads, MESH_TRANSPORTS);
	}

	/**
	 * @param meshTransports the transports to measure a mesh client on
	 * ({@link #MESH_TRANSPORTS} or some)
	 */
	static Report run(Duration measure, int threads, List<String> meshTransports) throws Exception {
		List<Transport> transports = plainTransports();
		List<ConfigurableApplicationContext> contexts = new ArrayList<>();
		try (LoopbackServer server = LoopbackServer.start("bench-1")) {
			List<InterleavedRun.Client> clients = new ArrayList<>();
			for (Transport transport : transports) {
				clients.add(call(transport.name(), transport.client(server.uri())));
			}
			for (String transport : meshTransports) {
				ConfigurableApplicationContext context = BenchmarkApplication.start(List.of(server),
						BenchmarkApplication.TRANSPORT + transport);
				contexts.add(context);
				clients.add(call(meshName(transport), context.getBean("meshClient", RestClient.class)));
				if (transport.equals(meshTransports.get(0))) {
					// what any RestClient from Boot's builder costs on this transport
					// (Boot's call observation
					// included), and the mesh client with nothing observed: the mesh's
					// own share of the gap
					clients.add(call(bootName(transport),
							BootHttpClients.restClientBuilder(context).baseUrl(server.uri()).build()));
					ConfigurableApplicationContext unobserved = BenchmarkApplication.start(List.of(server),
							BenchmarkApplication.TRANSPORT + transport, BenchmarkApplication.ATTEMPTS_UNTRACED,
							BenchmarkApplication.ATTEMPTS_UNTIMED, BenchmarkApplication.CALLS_UNOBSERVED);
					contexts.add(unobserved);
					clients.add(call(meshName(transport) + ", nothing observed",
							unobserved.getBean("meshClient", RestClient.class)));
				}
			}
			return measure(clients, measure, threads);
		}
		finally {
			for (ConfigurableApplicationContext context : contexts) {
				context.close();
			}
			for (Transport transport : transports) {
				transport.close();
			}
		}
	}

	private static Report measure(List<InterleavedRun.Client> clients, Duration measure, int threads)
			throws InterruptedException {
		InterleavedRun.run(threads, measure.dividedBy(2), clients);
		List<InterleavedRun.Measured> latency = InterleavedRun.run(threads, measure, clients);
		Duration alone = measure.dividedBy(4);
		List<Alone> firstRound = new ArrayList<>();
		for (InterleavedRun.Client client : clients) {
			firstRound.add(alone(client, threads, alone));
		}
		List<Alone> secondRound = new ArrayList<>();
		for (int i = clients.size() - 1; i >= 0; i--) {
			secondRound.add(0, alone(clients.get(i), threads, alone));
		}
		return new Report(latency, firstRound, secondRound);
	}

	private static Alone alone(InterleavedRun.Client client, int threads, Duration duration)
			throws InterruptedException {
		OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
		long cpu = os.getProcessCpuTime();
		LoadRun.Result result = LoadRun.run(client.name(), threads, duration, client.call());
		long used = os.getProcessCpuTime() - cpu;
		return new Alone(result, (result.calls() == 0) ? Double.NaN : used / 1e3 / result.calls());
	}

}
