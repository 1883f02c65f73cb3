package dev.mesh.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.mesh.client.MeshClient;
import dev.mesh.sample.auth.AuthApplication;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.web.client.RestClientBuilderConfigurer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.cloud.client.circuitbreaker.CircuitBreaker;
import org.springframework.cloud.client.circuitbreaker.CircuitBreakerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

/**
 * Call overhead on loopback: the same GET to the same one-instance server through
 * <ol>
 * <li>a plain RestClient to the server's fixed URL (the floor);</li>
 * <li>a RestClient from Spring Boot's builder to the same URL, observed as
 * {@code http.client.requests} with tracing, as any Boot application's client is (so the
 * next rows show what the mesh adds to that);</li>
 * <li>a {@code @MeshClient} RestClient (discovery cache, pick, retry rule and budget,
 * outlier detection, deadline header, call and attempt timers, attempt spans), without a
 * token;</li>
 * <li>the same with a client-credentials token from the sample authorization server
 * (mesh-sample-auth, started in-process), cached as the mesh caches it;</li>
 * <li>the mesh client without a token in an application context of its own where Boot's
 * observation of the call ({@code http.client.requests}) and each attempt's timer
 * ({@code mesh.client.requests}) and span are switched off by property: what the mesh's
 * own logic costs (its call timer stays on);</li>
 * <li>the mesh client without a token in a context of its own where only its attempts are
 * neither timed nor traced: observed as the RestClient from Boot's builder is, so the two
 * differ by the mesh's own work;</li>
 * <li>a Spring Cloud {@code @LoadBalanced} RestClient (round robin) inside a Spring Cloud
 * CircuitBreaker (resilience4j, defaults: circuit breaker plus time limiter, which runs
 * the call on another thread).</li>
 * </ol>
 * All use the JDK HTTP client (the mesh's contexts pinned to it,
 * {@link BenchmarkApplication#JDK_TRANSPORT}). Per transport, and against the fastest
 * plain client, see {@link TransportOverhead}. Latency is measured with the clients
 * interleaved call by call ({@link InterleavedRun}), so the machine's drift hits them
 * alike, together with the CPU time each call takes on the calling thread; throughput is
 * measured with each client alone in a closed loop, in two rounds of opposite order.
 * Arguments: seconds of the latency run (default 20; warm-up half of it, each throughput
 * run half of it), client threads (default 2).
 */
public final class CallOverhead {

	static final String TOKEN_SERVICE = "bench-token";

	static final String UNOBSERVED = BenchmarkApplication.UNOBSERVED_CLIENT;

	static final String ATTEMPTS_UNOBSERVED = BenchmarkApplication.ATTEMPTS_UNOBSERVED_CLIENT;

	static final String OBSERVED = "RestClient from Boot's builder (observed)";

	private CallOverhead() {
	}

	public static void main(String[] args) throws Exception {
		int seconds = (args.length > 0) ? Integer.parseInt(args[0]) : 20;
		int threads = (args.length > 1) ? Integer.parseInt(args[1]) : 2;
		Report report = run(Duration.ofSeconds(seconds), threads);
		System.out.println(report.latencyTable());
		System.out.println();
		System.out.println(report.throughputTable());
	}

	/**
	 * What a run measured: latency per client (interleaved) and throughput per client
	 * (alone, two rounds).
	 */
	record Report(List<InterleavedRun.Measured> latency, List<LoadRun.Result> firstRound,
			List<LoadRun.Result> secondRound, long tokenRequests) {

		String latencyTable() {
			InterleavedRun.Measured plain = this.latency.get(0);
			InterleavedRun.Measured observed = this.latency.get(1);
			StringBuilder table = new StringBuilder("| client | calls | success | p50 µs | p99 µs | p99.9 µs "
					+ "| p50 − plain µs | p99 − plain µs | p50 − Boot-observed µs | p99 − Boot-observed µs "
					+ "| caller CPU p50 µs | caller CPU − plain µs |\n"
					+ "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
			for (InterleavedRun.Measured measured : this.latency) {
				LoadRun.Result result = measured.latency();
				table.append(String.format(Locale.ROOT,
						"| %s | %d | %.2f%% | %.0f | %.0f | %.0f | %+.0f | %+.0f | %+.0f | %+.0f | %.0f | %+.0f |%n",
						result.name(), result.calls(), result.successRate(), result.percentileMicros(50),
						result.percentileMicros(99), result.percentileMicros(99.9),
						result.percentileMicros(50) - plain.latency().percentileMicros(50),
						result.percentileMicros(99) - plain.latency().percentileMicros(99),
						result.percentileMicros(50) - observed.latency().percentileMicros(50),
						result.percentileMicros(99) - observed.latency().percentileMicros(99), measured.cpuMicros(50),
						measured.cpuMicros(50) - plain.cpuMicros(50)));
			}
			return table.append("token requests to the authorization server: ").append(this.tokenRequests).toString();
		}

		String throughputTable() {
			double plain = mean(0);
			double observed = mean(1);
			StringBuilder table = new StringBuilder("| client | calls/s round 1 | calls/s round 2 | mean vs plain "
					+ "| mean vs Boot-observed |\n| --- | ---: | ---: | ---: | ---: |\n");
			for (int i = 0; i < this.firstRound.size(); i++) {
				table.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %+.1f%% | %+.1f%% |%n",
						this.firstRound.get(i).name(), this.firstRound.get(i).throughput(),
						this.secondRound.get(i).throughput(), 100 * (mean(i) / plain - 1),
						100 * (mean(i) / observed - 1)));
			}
			return table.toString().stripTrailing();
		}

		private double mean(int index) {
			return (this.firstRound.get(index).throughput() + this.secondRound.get(index).throughput()) / 2;
		}

	}

	static Report run(Duration measure, int threads) throws Exception {
		try (LoopbackServer server = LoopbackServer.start("bench-1");
				ConfigurableApplicationContext auth = startAuthorizationServer()) {
			int authPort = ((WebServerApplicationContext) auth).getWebServer().getPort();
			String registration = "spring.security.oauth2.client.registration.mesh.";
			String tokenInstance = "spring.cloud.discovery.client.simple.instances." + TOKEN_SERVICE + "[0].";
			try (ConfigurableApplicationContext context = BenchmarkApplication.start(List.of(server),
					BenchmarkApplication.JDK_TRANSPORT, "spring.main.sources=" + TokenClient.class.getName(),
					tokenInstance + "instance-id=" + server.id(), tokenInstance + "uri=" + server.uri(),
					registration + "client-id=order", registration + "client-secret=order-secret",
					registration + "authorization-grant-type=client_credentials", registration + "scope=inventory.read",
					"spring.security.oauth2.client.provider.mesh.token-uri=http://127.0.0.1:" + authPort
							+ "/oauth2/token",
					"mesh.clients." + BenchmarkApplication.SERVICE + ".oauth2.enabled=false",
					"mesh.clients." + TOKEN_SERVICE + ".oauth2.enabled=true");
					ConfigurableApplicationContext unobservedContext = BenchmarkApplication.start(List.of(server),
							BenchmarkApplication.JDK_TRANSPORT, BenchmarkApplication.ATTEMPTS_UNTRACED,
							BenchmarkApplication.ATTEMPTS_UNTIMED, BenchmarkApplication.CALLS_UNOBSERVED);
					ConfigurableApplicationContext attemptsUnobservedContext = BenchmarkApplication.start(
							List.of(server), BenchmarkApplication.JDK_TRANSPORT, BenchmarkApplication.ATTEMPTS_UNTRACED,
							BenchmarkApplication.ATTEMPTS_UNTIMED)) {
				RestClient plain = RestClient.builder()
					.requestFactory(BenchmarkApplication.jdkRequestFactory())
					.baseUrl(server.uri())
					.build();
				RestClient observed = context.getBean(RestClientBuilderConfigurer.class)
					.configure(RestClient.builder())
					.requestFactory(BenchmarkApplication.jdkRequestFactory())
					.baseUrl(server.uri())
					.build();
				RestClient mesh = context.getBean("meshClient", RestClient.class);
				RestClient meshWithToken = context.getBean("meshTokenClient", RestClient.class);
				RestClient unobserved = unobservedContext.getBean("meshClient", RestClient.class);
				RestClient attemptsUnobserved = attemptsUnobservedContext.getBean("meshClient", RestClient.class);
				RestClient loadBalanced = context.getBean("loadBalancedBuilder", RestClient.Builder.class).build();
				CircuitBreaker breaker = context.getBean(CircuitBreakerFactory.class).create("bench");
				List<InterleavedRun.Client> clients = List.of(
						new InterleavedRun.Client("plain RestClient",
								() -> plain.get().uri("/api/stock/1").retrieve().body(String.class)),
						new InterleavedRun.Client(OBSERVED,
								() -> observed.get().uri("/api/stock/1").retrieve().body(String.class)),
						new InterleavedRun.Client("@MeshClient, no token",
								() -> mesh.get().uri("/api/stock/1").retrieve().body(String.class)),
						new InterleavedRun.Client("@MeshClient with OAuth2 token",
								() -> meshWithToken.get().uri("/api/stock/1").retrieve().body(String.class)),
						new InterleavedRun.Client(UNOBSERVED,
								() -> unobserved.get().uri("/api/stock/1").retrieve().body(String.class)),
						new InterleavedRun.Client(ATTEMPTS_UNOBSERVED,
								() -> attemptsUnobserved.get().uri("/api/stock/1").retrieve().body(String.class)),
						new InterleavedRun.Client("@LoadBalanced + CircuitBreaker",
								() -> breaker.run(() -> loadBalanced.get()
									.uri("http://bench/api/stock/1")
									.retrieve()
									.body(String.class))));
				InterleavedRun.run(threads, measure.dividedBy(2), clients);
				List<InterleavedRun.Measured> latency = InterleavedRun.run(threads, measure, clients);
				Duration alone = measure.dividedBy(2);
				List<LoadRun.Result> firstRound = new ArrayList<>();
				for (InterleavedRun.Client client : clients) {
					firstRound.add(LoadRun.run(client.name(), threads, alone, client.call()));
				}
				List<LoadRun.Result> secondRound = new ArrayList<>();
				for (int i = clients.size() - 1; i >= 0; i--) {
					InterleavedRun.Client client = clients.get(i);
					secondRound.add(0, LoadRun.run(client.name(), threads, alone, client.call()));
				}
				return new Report(latency, firstRound, secondRound, tokenRequests(context));
			}
		}
	}

	private static ConfigurableApplicationContext startAuthorizationServer() {
		return new SpringApplicationBuilder(AuthApplication.class).run("--server.port=0", "--server.address=127.0.0.1",
				"--mesh.enabled=false", "--spring.cloud.consul.enabled=false", "--spring.main.banner-mode=off",
				"--logging.level.root=warn");
	}

	private static long tokenRequests(ConfigurableApplicationContext context) {
		FunctionCounter counter = context.getBean(MeterRegistry.class)
			.find("mesh.oauth2.token.requests")
			.tag("service", TOKEN_SERVICE)
			.functionCounter();
		return (counter != null) ? (long) counter.count() : -1;
	}

	/**
	 * The token-carrying mesh client, added to the benchmark application for this
	 * benchmark only.
	 */
	@Configuration(proxyBeanMethods = false)
	static class TokenClient {

		@Bean
		@MeshClient(TOKEN_SERVICE)
		RestClient meshTokenClient(RestClientBuilderConfigurer configurer) {
			return configurer.configure(RestClient.builder()).build();
		}

	}

}
