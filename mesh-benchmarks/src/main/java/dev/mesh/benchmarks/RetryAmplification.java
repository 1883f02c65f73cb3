package dev.mesh.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.mesh.resilience.RetryBudget;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

/**
 * Retry amplification: three instances that all answer 503 to every request, open-loop
 * load at a fixed rate, the client's defaults (3 attempts, retry on 503). Counts calls
 * and the attempts the servers got, once with the default retry budget (20% of calls plus
 * 10 per second over a 10 s window) and once with the budget effectively off
 * ({@code ratio=1}, {@code min-per-second=1000000}), which shows the up-to-3× the budget
 * prevents. Two bounds are printed: issue 7's {@code 1.2 × calls + 10/s × seconds}, and
 * the one the budget actually keeps, {@code 1.2 × calls + 100} per started
 * {@value RetryBudget#WINDOW_SECONDS} s window (the allowance of 10 per second is granted
 * per sliding window and may be used at once). Arguments: seconds per row (default 20),
 * calls per second (default 100).
 */
public final class RetryAmplification {

	/** One measured row. */
	record Row(String client, OpenLoop.Result calls, long attempts, double seconds) {

		/**
		 * @return {@code 1.2 × calls + 10/s × seconds}: the target of issue 7
		 */
		long bound() {
			return (long) Math.floor(1.2 * this.calls.calls() + 10 * this.seconds);
		}

		/**
		 * @return {@code 1.2 × calls + 100 × windows}: what the budget promises, the
		 * run's seconds rounded up to whole {@value RetryBudget#WINDOW_SECONDS} s windows
		 * (each window has its own allowance of 10 per second, usable at once, so even a
		 * run of one second may use 100)
		 */
		long windowedBound() {
			long windows = Math.max(1, (long) Math.ceil(this.seconds / RetryBudget.WINDOW_SECONDS));
			return (long) Math.floor(1.2 * this.calls.calls()) + 10L * RetryBudget.WINDOW_SECONDS * windows;
		}

		@Override
		public String toString() {
			return String.format(Locale.ROOT, "| %s | %d | %.1f | %d | %.2f | %d | %d | %.2f%% |", this.client,
					this.calls.calls(), this.seconds, this.attempts, (double) this.attempts / this.calls.calls(),
					bound(), windowedBound(), this.calls.successRate());
		}

		static String header() {
			return "| client | calls | seconds | attempts (server-side) | attempts/call | 1.2 × calls + 10/s × seconds | 1.2 × calls + 100 per started 10 s window | calls succeeded |\n"
					+ "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";
		}

	}

	private RetryAmplification() {
	}

	public static void main(String[] args) throws Exception {
		int seconds = (args.length > 0) ? Integer.parseInt(args[0]) : 20;
		int rate = (args.length > 1) ? Integer.parseInt(args[1]) : 100;
		run(Duration.ofSeconds(seconds), rate);
	}

	static List<Row> run(Duration duration, int rate) throws Exception {
		List<LoopbackServer> servers = List.of(LoopbackServer.start("bench-1"), LoopbackServer.start("bench-2"),
				LoopbackServer.start("bench-3"));
		try {
			servers.forEach((server) -> server.failEvery(1));
			System.out.println(Row.header());
			List<Row> rows = new ArrayList<>();
			rows.add(measure(servers, "retry budget (defaults: ratio 0.2, 10/s)", duration, rate));
			rows.add(measure(servers, "no budget (ratio 1, 1000000/s)", duration, rate,
					"mesh.clients.bench.retry.budget.ratio=1",
					"mesh.clients.bench.retry.budget.min-per-second=1000000"));
			return rows;
		}
		finally {
			servers.forEach(LoopbackServer::close);
		}
	}

	private static Row measure(List<LoopbackServer> servers, String name, Duration duration, int rate,
			String... properties) throws Exception {
		ConfigurableApplicationContext context = BenchmarkApplication.start(servers, properties);
		try {
			RestClient client = context.getBean("meshClient", RestClient.class);
			LoadRun.Call call = () -> client.get().uri("/api/stock/1").retrieve().body(String.class);
			long before = served(servers);
			OpenLoop.Result calls = OpenLoop.run(name, rate, duration, call, List.of());
			Row row = new Row(name, calls, served(servers) - before, calls.seconds());
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
