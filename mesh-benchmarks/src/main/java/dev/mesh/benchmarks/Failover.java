package dev.mesh.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import dev.mesh.observability.ClientSnapshot;
import dev.mesh.observability.MeshClientsView;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

/**
 * Failover: three instances under steady open-loop load with the mesh client's defaults;
 * one third into the run one instance is killed (it stops listening and drops its
 * connections, as a killed process does). Reports the errors callers saw and, from the
 * client's own attempt observations (the server cannot see refused connections), how many
 * attempts the dead instance got after the kill, how many of them failed, and when the
 * last one started. The dead instance stays in discovery (static discovery, as when the
 * registry has not noticed yet), so only the client's own failure handling keeps calls
 * away from it; the run ends before its 30 s ejection is up and it is tried again.
 * Arguments: seconds (default 20), calls per second (default 150).
 */
public final class Failover {

	/** What one run measured. */
	record Result(OpenLoop.Result calls, long attempts, long attemptsToDeadAfterKill, long failedAfterKill,
			long lastAttemptAfterKillNanos, List<String> perInstance) {

		@Override
		public String toString() {
			String last = (this.lastAttemptAfterKillNanos < 0) ? "none"
					: String.format(Locale.ROOT, "%.0f ms", this.lastAttemptAfterKillNanos / 1e6);
			return String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %s |", this.calls.cells(),
					this.calls.failures(), this.attempts, this.attemptsToDeadAfterKill, this.failedAfterKill, last);
		}

		static String header() {
			return "| calls | success | p50 ms | p99 ms | p99.9 ms | client-visible errors | attempts | attempts on the dead instance after the kill | of them failed | kill → its last attempt |\n"
					+ "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";
		}

	}

	private Failover() {
	}

	public static void main(String[] args) throws Exception {
		int seconds = (args.length > 0) ? Integer.parseInt(args[0]) : 20;
		int rate = (args.length > 1) ? Integer.parseInt(args[1]) : 150;
		run(Duration.ofSeconds(seconds), rate);
	}

	static Result run(Duration duration, int rate) throws Exception {
		List<LoopbackServer> servers = List.of(LoopbackServer.start("bench-1"), LoopbackServer.start("bench-2"),
				LoopbackServer.start("bench-3"));
		try {
			AttemptLog log = new AttemptLog();
			ConfigurableApplicationContext context = BenchmarkApplication.start(servers, log);
			try {
				RestClient client = context.getBean("meshClient", RestClient.class);
				LoadRun.Call call = () -> client.get().uri("/api/stock/1").retrieve().body(String.class);
				OpenLoop.run("warm-up", rate, duration.dividedBy(4), call, List.of());
				LoopbackServer dead = servers.get(0);
				AtomicLong killedAt = new AtomicLong();
				long attemptsBefore = log.attempts(servers);
				OpenLoop.Result calls = OpenLoop.run("failover", rate, duration, call,
						List.of(new OpenLoop.Step(duration.dividedBy(3), () -> {
							killedAt.set(log.mark());
							dead.kill();
						})));
				AttemptLog.Instance deadLog = log.instance(dead.id());
				long afterKill = deadLog.attemptsSinceMark();
				long lastAfterKill = (afterKill == 0) ? -1 : deadLog.lastStartNanos() - killedAt.get();
				List<String> perInstance = new ArrayList<>();
				for (LoopbackServer server : servers) {
					AttemptLog.Instance instance = log.instance(server.id());
					perInstance.add(String.format(Locale.ROOT, "%s: %d attempts %s, server answered %d", server.id(),
							instance.attempts(), instance.outcomes(), server.requests()));
				}
				ClientSnapshot snapshot = context.getBean(MeshClientsView.class).clients().get(0);
				perInstance.add(String.format(Locale.ROOT, "client at the end: %d ejections, panic %s, ejected now %s",
						snapshot.ejections(), snapshot.panic(),
						snapshot.instances()
							.stream()
							.filter(ClientSnapshot.Instance::ejected)
							.map(ClientSnapshot.Instance::id)
							.toList()));
				Result result = new Result(calls, log.attempts(servers) - attemptsBefore, afterKill,
						deadLog.failuresSinceMark(), lastAfterKill, perInstance);
				System.out.println(Result.header());
				System.out.println(result);
				perInstance.forEach((line) -> System.out.println("- " + line));
				return result;
			}
			finally {
				context.close();
			}
		}
		finally {
			servers.forEach(LoopbackServer::close);
		}
	}

}
