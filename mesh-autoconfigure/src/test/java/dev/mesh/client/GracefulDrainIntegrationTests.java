package dev.mesh.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.mesh.discovery.ServiceInstanceCache;
import dev.mesh.shutdown.GoingAway;
import dev.mesh.testsupport.DrainingProvider;
import dev.mesh.testsupport.MeshFixture;
import dev.mesh.testsupport.SimpleDiscoveryRegistry;
import dev.mesh.testsupport.TestServer;
import dev.mesh.testsupport.TestServer.Behaviour;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryProperties;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rolling deploy's step with real servers and static discovery (the registry never
 * drops the stopping instance, so only the in-band header can steer callers): one of
 * three providers is closed, as a SIGTERM closes it, while a consumer calls from two
 * threads with one attempt per call, so no retry can hide a failure. And the client side
 * of a registry change: a refresh that drops an instance lets the attempts in flight on
 * it finish.
 */
class GracefulDrainIntegrationTests {

	@RegisterExtension
	final MeshFixture fixture = new MeshFixture();

	@Test
	void closingOneOfThreeDrainingProvidersFailsNoCallAndCutsNoRequest() throws Exception {
		List<DrainingProvider> providers = new ArrayList<>();
		for (String id : List.of("a", "b", "c")) {
			providers.add(this.fixture.keep(DrainingProvider.start(id, null, "server.shutdown=graceful",
					"mesh.instance.shutdown.drain-time=2s", "provider.handling=0.02s")));
		}
		DrainingProvider leaving = providers.get(0);
		this.fixture.start(providers, "mesh.clients.inventory.retry.max-attempts=1");
		RestClient inventory = this.fixture.inventory();
		AtomicBoolean stop = new AtomicBoolean();
		List<Throwable> errors = new CopyOnWriteArrayList<>();
		Map<String, AtomicInteger> servedBy = new ConcurrentHashMap<>();
		AtomicInteger goingAwayAnswers = new AtomicInteger();
		List<Thread> callers = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			Thread caller = new Thread(() -> {
				while (!stop.get()) {
					try {
						ResponseEntity<String> answer = inventory.get()
							.uri("/api/stock/{sku}", "sku-1")
							.retrieve()
							.toEntity(String.class);
						servedBy.computeIfAbsent(answer.getBody(), (id) -> new AtomicInteger()).incrementAndGet();
						if (answer.getHeaders().getFirst(GoingAway.HEADER) != null) {
							goingAwayAnswers.incrementAndGet();
						}
					}
					catch (RuntimeException ex) {
						errors.add(ex);
					}
				}
			}, "caller-" + i);
			caller.start();
			callers.add(caller);
		}
		try {
			assertThat(await(() -> leaving.completed() >= 10, Duration.ofSeconds(10))).isTrue();
			int servedByLeavingBefore = servedBy.computeIfAbsent("a", (id) -> new AtomicInteger()).get();
			long start = System.nanoTime();
			Thread closing = leaving.closeInBackground();
			closing.join(TimeUnit.SECONDS.toMillis(30));
			assertThat(closing.isAlive()).isFalse();
			// without the in-band header, static discovery keeps picking it: a third of
			// about 200 calls in the 2 s drain
			assertThat(servedBy.get("a").get() - servedByLeavingBefore)
				.as("callers learnt it in-band and stopped picking it")
				.isLessThan(10);
			assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("drained first")
				.isGreaterThanOrEqualTo(1_900);
			int servedByOthers = servedBy.get("b").get() + servedBy.get("c").get();
			Thread.sleep(500);
			assertThat(servedBy.get("b").get() + servedBy.get("c").get()).as("traffic went on")
				.isGreaterThan(servedByOthers);
		}
		finally {
			stop.set(true);
			for (Thread caller : callers) {
				caller.join(10_000);
			}
		}
		assertThat(errors).as("client-visible errors").isEmpty();
		assertThat(leaving.completed()).as("requests cut").isEqualTo(leaving.started());
		assertThat(goingAwayAnswers).as("the header is the mesh's, never handed to the application").hasValue(0);
		for (DrainingProvider provider : providers) {
			assertThat(provider.drain().goingAway()).isEqualTo(provider == leaving);
		}
	}

	@Test
	void aRefreshThatDropsAnInstanceLetsItsAttemptsInFlightFinish() throws Exception {
		TestServer slow = this.fixture.server("slow");
		slow.behave(Behaviour.delay(Duration.ofMillis(1_500)));
		TestServer other = this.fixture.server("other");
		this.fixture.start(List.of(slow), "mesh.clients.inventory.retry.max-attempts=1");
		RestClient inventory = this.fixture.inventory();
		List<Object> results = new CopyOnWriteArrayList<>();
		Thread call = new Thread(() -> {
			try {
				results.add(inventory.get().uri("/api/stock/1").retrieve().body(String.class));
			}
			catch (RuntimeException ex) {
				results.add(ex);
			}
		});
		call.start();
		assertThat(await(() -> slow.requests() == 1, Duration.ofSeconds(5))).isTrue();
		SimpleDiscoveryRegistry.list(this.fixture.bean(SimpleDiscoveryProperties.class), "inventory",
				List.of(other.instance("inventory")));
		this.fixture.bean(ServiceInstanceCache.class).refreshAll();
		assertThat(inventory.get().uri("/api/stock/2").retrieve().body(String.class)).as("the new list is in use")
			.isEqualTo("other");
		call.join(10_000);
		assertThat(results).as("the dropped instance's attempt finished").containsExactly("slow");
	}

	private static boolean await(java.util.function.BooleanSupplier condition, Duration within)
			throws InterruptedException {
		long end = System.nanoTime() + within.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - end > 0) {
				return false;
			}
			Thread.sleep(10);
		}
		return true;
	}

}
