package dev.mesh.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.mesh.observability.ClientSnapshot;
import dev.mesh.observability.MeshClientsView;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

/**
 * Linkerd's "beyond round robin" scenario, scaled down: 11 instances of one service,
 * open-loop load at a fixed rate, a 1 s call timeout, and
 * <ul>
 * <li>{@link Scenario#HEALTHY}: every instance answers at once (the baseline);</li>
 * <li>{@link Scenario#SLOW}: one instance answers after 2 s during the middle third of
 * the run;</li>
 * <li>{@link Scenario#ERRORS}: one instance answers 503 to every 20th request it gets
 * (5%).</li>
 * </ul>
 * Every row is one policy with one client configuration ({@link Client}) in its own
 * client application context, warmed up on healthy instances first, so no row inherits
 * another's estimates or ejections. Arguments: seconds per row (default 20), calls per
 * second (default 150).
 */
public final class SlowInstance {

	static final int INSTANCES = 11;

	static final List<String> POLICIES = List.of("round-robin", "weighted-round-robin", "least-request", "peak-ewma");

	/** What the bad instance does. */
	enum Scenario {

		HEALTHY("all healthy"), SLOW("1 of 11 takes 2 s (middle third)"), ERRORS("1 of 11 answers 5% 503");

		final String label;

		Scenario(String label) {
			this.label = label;
		}

	}

	/** How the client is configured, on top of {@code timeout=1s} and the policy. */
	enum Client {

		/** The balancer alone: one attempt per call, outlier ejection at its default. */
		BALANCER("(a) 1 attempt", "retry.max-attempts=1"),

		/**
		 * The balancer alone with ejection effectively off, so only the picker avoids the
		 * bad instance.
		 */
		BALANCER_NO_EJECTION("(a') 1 attempt, no ejection", "retry.max-attempts=1",
				"outlier.consecutive-failures=1000000"),

		/**
		 * Mesh defaults (3 attempts, budget, ejection) with attempts short enough to fail
		 * over within the call.
		 */
		MESH("(b) defaults, 300 ms/attempt", "per-attempt-timeout=300ms");

		final String label;

		final List<String> properties;

		Client(String label, String... properties) {
			this.label = label;
			this.properties = List.of(properties);
		}

	}

	/** One measured row. */
	record Row(Scenario scenario, String policy, Client client, OpenLoop.Result result, long badAttempts, long attempts,
			long ejections) {

		@Override
		public String toString() {
			return String.format(Locale.ROOT, "| %s | %s | %s | %s | %d | %.3f | %d |", this.scenario.label,
					this.policy, this.client.label, this.result.cells(), this.badAttempts,
					(double) this.attempts / this.result.calls(), this.ejections);
		}

		static String header() {
			return "| scenario | policy | client | calls | success | p50 ms | p99 ms | p99.9 ms | attempts on the bad instance | attempts/call | ejections |\n"
					+ "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";
		}

	}

	/** A row to measure. */
	record Plan(Scenario scenario, String policy, Client client) {
	}

	private SlowInstance() {
	}

	public static void main(String[] args) throws Exception {
		int seconds = (args.length > 0) ? Integer.parseInt(args[0]) : 20;
		int rate = (args.length > 1) ? Integer.parseInt(args[1]) : 150;
		List<Plan> plans = new ArrayList<>();
		for (String policy : POLICIES) {
			plans.add(new Plan(Scenario.HEALTHY, policy, Client.BALANCER));
		}
		for (Scenario scenario : List.of(Scenario.SLOW, Scenario.ERRORS)) {
			for (Client client : Client.values()) {
				if (scenario == Scenario.ERRORS && client == Client.BALANCER_NO_EJECTION) {
					continue; // one 503 in 20 never makes 5 in a row: ejection does not
								// act here
				}
				for (String policy : POLICIES) {
					plans.add(new Plan(scenario, policy, client));
				}
			}
		}
		run(Duration.ofSeconds(seconds), rate, plans, Duration.ofSeconds(seconds).dividedBy(4));
	}

	/**
	 * Measures each plan in turn.
	 * @param duration length of each row (each client is also warmed up for a tenth of it
	 * first)
	 * @param rate calls per second
	 * @param plans the rows
	 * @param jvmWarmUp how long to run a throwaway client first, so the first row is not
	 * measured cold
	 * @return the rows
	 */
	static List<Row> run(Duration duration, int rate, List<Plan> plans, Duration jvmWarmUp) throws Exception {
		List<LoopbackServer> servers = new ArrayList<>();
		try {
			for (int i = 1; i <= INSTANCES; i++) {
				servers.add(LoopbackServer.start("bench-" + i));
			}
			LoopbackServer bad = servers.get(0);
			if (!jvmWarmUp.isZero()) {
				measure(servers, bad, new Plan(Scenario.HEALTHY, "round-robin", Client.BALANCER), jvmWarmUp, rate);
			}
			System.out.println(Row.header());
			List<Row> rows = new ArrayList<>();
			for (Plan plan : plans) {
				Row row = measure(servers, bad, plan, duration, rate);
				System.out.println(row);
				rows.add(row);
			}
			return rows;
		}
		finally {
			servers.forEach(LoopbackServer::close);
		}
	}

	private static Row measure(List<LoopbackServer> servers, LoopbackServer bad, Plan plan, Duration duration, int rate)
			throws Exception {
		bad.delay(0);
		bad.failEvery(0);
		List<String> properties = new ArrayList<>(
				List.of("mesh.clients.bench.timeout=1s", "mesh.clients.bench.load-balancer=" + plan.policy()));
		plan.client().properties.forEach((property) -> properties.add("mesh.clients.bench." + property));
		AttemptLog log = new AttemptLog();
		ConfigurableApplicationContext context = BenchmarkApplication.start(servers, log,
				properties.toArray(String[]::new));
		try {
			RestClient client = context.getBean("meshClient", RestClient.class);
			MeshClientsView view = context.getBean(MeshClientsView.class);
			LoadRun.Call call = () -> client.get().uri("/api/stock/1").retrieve().body(String.class);
			OpenLoop.run("warm-up", rate, duration.dividedBy(10), call, List.of());
			long badBefore = log.instance(bad.id()).attempts();
			long attemptsBefore = log.attempts(servers);
			long ejectionsBefore = ejections(view);
			List<OpenLoop.Step> steps = switch (plan.scenario()) {
				case HEALTHY -> List.of();
				case SLOW -> List.of(new OpenLoop.Step(duration.dividedBy(3), () -> bad.delay(2000)),
						new OpenLoop.Step(duration.multipliedBy(2).dividedBy(3), () -> bad.delay(0)));
				case ERRORS -> List.of(new OpenLoop.Step(Duration.ZERO, () -> bad.failEvery(20)));
			};
			OpenLoop.Result result = OpenLoop.run(plan.policy(), rate, duration, call, steps);
			return new Row(plan.scenario(), plan.policy(), plan.client(), result,
					log.instance(bad.id()).attempts() - badBefore, log.attempts(servers) - attemptsBefore,
					ejections(view) - ejectionsBefore);
		}
		finally {
			context.close();
			bad.delay(0);
			bad.failEvery(0);
		}
	}

	private static long ejections(MeshClientsView view) {
		return view.clients().stream().mapToLong(ClientSnapshot::ejections).sum();
	}

}
