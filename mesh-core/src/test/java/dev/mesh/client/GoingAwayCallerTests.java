package dev.mesh.client;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import dev.mesh.client.ExchangeTestSupport.Answer;
import dev.mesh.discovery.MeshInstance;
import dev.mesh.discovery.ServiceInstanceCache;
import dev.mesh.loadbalancer.LoadBalancerPolicy;
import dev.mesh.observability.AttemptTracer;
import dev.mesh.shutdown.GoingAway;
import dev.mesh.testsupport.ListDiscoveryClient;
import dev.mesh.testsupport.SettableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a caller treats an instance whose answer says {@code Mesh-Going-Away}: the answer
 * is returned as it is, the instance gets no more picks while another can take them, it
 * is probed by one call after the outlier ejection time (30s by default), and it comes
 * back at once when it registers again. Driven through the interceptor with a fake
 * execution on a settable clock, over round robin on instances a, b.
 */
class GoingAwayCallerTests {

	private final SettableClock clock = new SettableClock(Instant.parse("2026-12-04T12:00:00Z"));

	private final List<ServiceInstance> registry = new CopyOnWriteArrayList<>(
			List.of(registered("a", "1"), registered("b", "1")));

	private final ServiceInstanceCache cache = new ServiceInstanceCache(new ListDiscoveryClient(this.registry),
			Duration.ofHours(1));

	private final ServiceRoute route = new ServiceRoute("inventory",
			ClientPolicy.DEFAULTS.withLoadBalancer(LoadBalancerPolicy.ROUND_ROBIN), this.cache, null, null, null,
			AttemptTracer.NONE, null, this.clock);

	private final MeshClientInterceptor interceptor = new MeshClientInterceptor(this.route, this.clock::advanceNanos);

	private final List<String> sentTo = new ArrayList<>();

	GoingAwayCallerTests() {
		this.cache.ensureLoaded("inventory");
	}

	@Test
	void theAnswerIsReturnedAndItsInstanceIsPickedNoMore() throws IOException {
		Map<String, String> goingAway = Map.of("a", "2");
		assertThat(callUntilSentTo("a", goingAway)).as("the answer is the caller's").isEqualTo(200);
		this.sentTo.clear();
		for (int i = 0; i < 10; i++) {
			call(goingAway);
		}
		assertThat(this.sentTo).containsOnly("b").hasSize(10);
		assertThat(instance("a").state().consecutiveFailures()).as("no failure of a").isZero();
		assertThat(instance("a").state().inFlight()).isZero();
	}

	/**
	 * The header is between the instance and the mesh: an application relaying the answer
	 * with its headers must not tell its own callers that it is going away.
	 */
	@Test
	void theHeaderNeverReachesTheApplicationAndTheRestOfTheAnswerDoes() throws IOException {
		Function<String, ClientHttpResponse> answers = (
				host) -> new Answer(200).with("mesh-going-away", "2").with(GoingAway.HEADER, "3").with("X-Stock", "7");
		for (int i = 0; i < 2; i++) {
			try (ClientHttpResponse response = this.interceptor.intercept(get(), new byte[0], execution(answers))) {
				assertThat(response.getStatusCode().value()).isEqualTo(200);
				assertThat(response.getHeaders().get(GoingAway.HEADER)).isNull();
				assertThat(response.getHeaders().getFirst("X-Stock")).isEqualTo("7");
			}
		}
		assertThat(this.sentTo).containsExactlyInAnyOrder("a", "b");
	}

	@ParameterizedTest
	@ValueSource(strings = { "-1", "99999999999999999999", "abc", "", "true", "0", "1e308", "\u00e9\u00e9" })
	void anyValueMeansGoingAwayAndBreaksNothing(String value) throws IOException {
		Map<String, String> goingAway = Map.of("a", value);
		assertThat(callUntilSentTo("a", goingAway)).isEqualTo(200);
		this.sentTo.clear();
		for (int i = 0; i < 4; i++) {
			assertThat(call(goingAway)).isEqualTo(200);
		}
		assertThat(this.sentTo).containsOnly("b");
		this.clock.advance(Duration.ofSeconds(29));
		call(goingAway);
		call(goingAway);
		assertThat(this.sentTo).as("kept away for the ejection time, whatever the value").containsOnly("b");
	}

	@Test
	void aHundredRepeatedHeadersMeanGoingAway() throws IOException {
		int status = callUntilSentTo("a", (host) -> {
			Answer answer = new Answer(200);
			if (host.equals("a")) {
				for (int i = 0; i < 100; i++) {
					answer.with(GoingAway.HEADER, (i % 2 == 0) ? "-" + i : "x" + i);
				}
			}
			return answer;
		});
		assertThat(status).isEqualTo(200);
		this.sentTo.clear();
		call(Map.of());
		call(Map.of());
		assertThat(this.sentTo).containsOnly("b");
	}

	@Test
	void aGoingAwayErrorIsStillAFailureOfTheInstanceAndItIsSkippedAfterIt() throws IOException {
		callUntilSentTo("a",
				(host) -> host.equals("a") ? new Answer(503).with(GoingAway.HEADER, "1") : new Answer(200));
		assertThat(instance("a").state().consecutiveFailures()).isEqualTo(1);
		this.sentTo.clear();
		call(Map.of());
		call(Map.of());
		assertThat(this.sentTo).containsOnly("b");
	}

	@Test
	void whenEveryInstanceIsGoingAwayTheyStillTakeTheCalls() throws IOException {
		Map<String, String> goingAway = Map.of("a", "1", "b", "1");
		call(goingAway);
		call(goingAway);
		this.sentTo.clear();
		for (int i = 0; i < 4; i++) {
			assertThat(call(goingAway)).isEqualTo(200);
		}
		assertThat(this.sentTo).containsExactlyInAnyOrder("a", "a", "b", "b");
	}

	@Test
	void afterTheEjectionTimeOneCallProbesAndAnAnswerWithoutTheHeaderBringsItBack() throws IOException {
		callUntilSentTo("a", Map.of("a", "1"));
		this.clock.advance(Duration.ofSeconds(30));
		this.sentTo.clear();
		for (int i = 0; i < 4; i++) {
			call(Map.of());
		}
		assertThat(this.sentTo).as("probed, answered without the header: back in the rotation")
			.containsExactlyInAnyOrder("a", "a", "b", "b");
	}

	@Test
	void aProbeThatIsToldAgainKeepsItAwayForAnotherEjectionTime() throws IOException {
		Map<String, String> goingAway = Map.of("a", "0");
		callUntilSentTo("a", goingAway);
		this.clock.advance(Duration.ofSeconds(30));
		this.sentTo.clear();
		for (int i = 0; i < 6; i++) {
			call(goingAway);
		}
		assertThat(this.sentTo.stream().filter("a"::equals).count()).as("one probe").isEqualTo(1);
		this.clock.advance(Duration.ofSeconds(29));
		this.sentTo.clear();
		for (int i = 0; i < 4; i++) {
			call(goingAway);
		}
		assertThat(this.sentTo).containsOnly("b");
	}

	@Test
	void onlyOneOfTheCallsRacingForTheProbeGetsIt() {
		instance("a").state().goingAway(this.clock.nanoTime() + 1);
		this.clock.advance(Duration.ofMillis(1));
		List<String> picks = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			picks.add(new CallAttempts(this.route, 1).next().id());
		}
		assertThat(picks.stream().filter("a"::equals).count()).isEqualTo(1);
	}

	@Test
	void anInstanceThatRegistersAgainIsPickedAtOnce() throws IOException {
		callUntilSentTo("a", Map.of("a", "1"));
		this.registry.set(0, registered("a", "2"));
		this.cache.refreshAll();
		this.sentTo.clear();
		for (int i = 0; i < 4; i++) {
			call(Map.of());
		}
		assertThat(this.sentTo).containsExactlyInAnyOrder("a", "a", "b", "b");
	}

	@Test
	void anInstanceThatLeavesAndComesBackIsPickedAtOnce() throws IOException {
		callUntilSentTo("a", Map.of("a", "1"));
		ServiceInstance a = this.registry.remove(0);
		this.cache.refreshAll();
		this.registry.add(a);
		this.cache.refreshAll();
		this.sentTo.clear();
		for (int i = 0; i < 4; i++) {
			call(Map.of());
		}
		assertThat(this.sentTo).containsExactlyInAnyOrder("a", "a", "b", "b");
	}

	private int callUntilSentTo(String host, Map<String, String> goingAway) throws IOException {
		return callUntilSentTo(host, answers(goingAway));
	}

	private int callUntilSentTo(String host, Function<String, ClientHttpResponse> answers) throws IOException {
		for (int i = 0; i < 3; i++) {
			int before = this.sentTo.size();
			int status = call(answers);
			if (this.sentTo.subList(before, this.sentTo.size()).contains(host)) {
				return status;
			}
		}
		throw new AssertionError("never sent to " + host + ": " + this.sentTo);
	}

	private int call(Map<String, String> goingAway) throws IOException {
		return call(answers(goingAway));
	}

	private int call(Function<String, ClientHttpResponse> answers) throws IOException {
		try (ClientHttpResponse response = this.interceptor.intercept(get(), new byte[0], execution(answers))) {
			return response.getStatusCode().value();
		}
	}

	private static Function<String, ClientHttpResponse> answers(Map<String, String> goingAway) {
		return (host) -> {
			Answer answer = new Answer(200);
			String value = goingAway.get(host);
			return (value != null) ? answer.with(GoingAway.HEADER, value) : answer;
		};
	}

	private ClientHttpRequestExecution execution(Function<String, ClientHttpResponse> answers) {
		return (request, body) -> {
			this.sentTo.add(request.getURI().getHost());
			return answers.apply(request.getURI().getHost());
		};
	}

	private MeshInstance instance(String id) {
		return this.route.instances().stream().filter((i) -> i.id().equals(id)).findFirst().orElseThrow();
	}

	private static ServiceInstance registered(String id, String startedAt) {
		return new DefaultServiceInstance(id, "inventory", id, 8080, false,
				Map.of("weight", "1", "started-at", startedAt));
	}

	private static HttpRequest get() {
		return ExchangeTestSupport.request(HttpMethod.GET);
	}

}
