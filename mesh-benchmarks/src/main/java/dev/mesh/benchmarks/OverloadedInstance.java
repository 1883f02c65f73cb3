package dev.mesh.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

/**
 * An overloaded instance: three instances, one of which answers 429 with
 * {@code Retry-After: 1} to every request above a fixed rate (a rate limiter in front of
 * a smaller machine), open-loop load at a fixed rate through the client's defaults (3
 * attempts). Each load balancer runs once as it is and once with
 * {@code overload.enabled}: the share of calls that succeed, latencies, the attempts the
 * servers got per call and how many of them the limited instance turned away. Arguments:
 * seconds per row (default 20), calls per second (default 150), the limited instance's
 * requests per second (default a fifth of the calls per second).
 */
public final class OverloadedInstance {

	/** One measured row. */
	record Row(String client, OpenLoop.Result calls, long attempts, long turnedAway, long limitedServed) {

		@Override
		public String toString() {
			return String.format(Locale.ROOT, "| %s | %s | %.2f | %d | %d |", this.client, this.calls.cells(),
					(double) this.attempts / this.calls.calls(), this.turnedAway, this.limitedServed);
		}

		static String header() {
			return "| client | calls | success | p50 ms | p99 ms | p99.9 ms | attempts/call | 429s sent by the limited instance | requests it got |\n"
					+ "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";
		}

	}

	private static final Duration WARM_UP = Duration.ofSeconds(2);

	private OverloadedInstance() {
	}

	public static void main(String[] args) throws Exception {
		int seconds = (args.length > 0) ? Integer.parseInt(args[0]) : 20;
		int rate = (args.length > 1) ? Integer.parseInt(args[1]) : 150;
		int limit = (args.length > 2) ? Integer.parseInt(args[2]) : Math.max(1, rate / 5);
		run(Duration.ofSeconds(seconds), rate, limit);
	}

	static List<Row> run(Duration duration, int rate, int limit) throws Exception {
		return run(duration, rate, limit, List.of("round-robin", "peak-ewma"));
	}

	static List<Row> run(Duration duration, int rate, int limit, List<String> balancers) throws Exception {
		List<LoopbackServer> servers = List.of(LoopbackServer.start("bench-1"), LoopbackServer.start("bench-2"),
				LoopbackServer.start("limited"));
		LoopbackServer limited = servers.get(2);
		try {
			limited.limitPerSecond(limit);
			System.out.println(
					"rate " + rate + " calls/s over 3 instances; 'limited' answers 429 above " + limit + " requests/s");
			System.out.println(Row.header());
			List<Row> rows = new ArrayList<>();
			for (String balancer : balancers) {
				rows.add(measure(servers, limited, balancer, duration, rate,
						"mesh.clients.bench.load-balancer=" + balancer));
				rows.add(measure(servers, limited, balancer + " + overload.enabled", duration, rate,
						"mesh.clients.bench.load-balancer=" + balancer, "mesh.clients.bench.overload.enabled=true"));
			}
			return rows;
		}
		finally {
			servers.forEach(LoopbackServer::close);
		}
	}

	private static Row measure(List<LoopbackServer> servers, LoopbackServer limited, String name, Duration duration,
			int rate, String... properties) throws Exception {
		ConfigurableApplicationContext context = BenchmarkApplication.start(servers, properties);
		try {
			RestClient client = context.getBean("meshClient", RestClient.class);
			LoadRun.Call call = () -> client.get().uri("/api/stock/1").retrieve().body(String.class);
			if (duration.compareTo(WARM_UP) > 0) {
				OpenLoop.run(name + "-warm-up", rate, WARM_UP, call, List.of());
			}
			long before = served(servers);
			long turnedAwayBefore = limited.turnedAway();
			long limitedBefore = limited.requests();
			OpenLoop.Result calls = OpenLoop.run(name, rate, duration, call, List.of());
			Row row = new Row(name, calls, served(servers) - before, limited.turnedAway() - turnedAwayBefore,
					limited.requests() - limitedBefore);
			System.out.println(row);
			return row;
		}
		finally {
			context.close();
		}
	}

	private static long served(List<LoopbackServer> servers) {
		return servers.stream().mapToLong(LoopbackServer::requests).sum();
	}

}
