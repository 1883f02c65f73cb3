package dev.mesh.autoconfigure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.mesh.shutdown.GoingAway;
import dev.mesh.testsupport.DrainingProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.cloud.client.serviceregistry.ServiceRegistry;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Closing a real mesh provider (an embedded server on a random port): it leaves the
 * registry, puts {@code Mesh-Going-Away} on every answer (errors too) while it drains,
 * and a registry that throws or hangs never makes the close last longer than the drain
 * time. The registry is a recording {@link ServiceRegistry}: there is no Consul here.
 */
class DrainOnCloseTests {

	private final HttpClient http = HttpClient.newHttpClient();

	private DrainingProvider provider;

	@AfterEach
	void close() {
		if (this.provider != null) {
			this.provider.close();
		}
	}

	@Test
	void shouldLeaveTheRegistryAndGoAwayOnClose() throws Exception {
		RecordingRegistry registry = new RecordingRegistry(null);
		this.provider = DrainingProvider.start("a", registered(registry), "mesh.instance.shutdown.drain-time=300ms");
		assertThat(this.provider.drain().goingAway()).isFalse();
		long start = System.nanoTime();
		this.provider.close();
		assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(290);
		assertThat(this.provider.drain().goingAway()).isTrue();
		assertThat(registry.deregistered).extracting(Registration::getInstanceId).containsExactly("me");
	}

	@Test
	void shouldNotWaitForARegistryThatHangsBeyondTheDrainTime() throws Exception {
		CountDownLatch never = new CountDownLatch(1);
		RecordingRegistry registry = new RecordingRegistry(never);
		try {
			this.provider = DrainingProvider.start("a", registered(registry),
					"mesh.instance.shutdown.drain-time=300ms");
			long start = System.nanoTime();
			this.provider.close();
			assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(290L, 10_000L);
			assertThat(registry.deregistered).as("called, still hanging").hasSize(1);
		}
		finally {
			never.countDown();
		}
	}

	@Test
	void shouldDrainWhenTheRegistryThrows() throws Exception {
		RecordingRegistry registry = new RecordingRegistry(null) {

			@Override
			public void deregister(Registration registration) {
				super.deregister(registration);
				throw new IllegalStateException("Consul is down");
			}

		};
		this.provider = DrainingProvider.start("a", registered(registry), "mesh.instance.shutdown.drain-time=300ms");
		long start = System.nanoTime();
		this.provider.close();
		assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(290);
		assertThat(this.provider.drain().goingAway()).isTrue();
		assertThat(registry.deregistered).hasSize(1);
	}

	@Test
	void shouldNotDrainWithADrainTimeOfZero() throws Exception {
		RecordingRegistry registry = new RecordingRegistry(null);
		this.provider = DrainingProvider.start("a", registered(registry), "mesh.instance.shutdown.drain-time=0s");
		this.provider.close();
		assertThat(this.provider.drain().goingAway()).isFalse();
		assertThat(registry.deregistered).as("left to the registry's own shutdown").isEmpty();
	}

	@Test
	void shouldPutTheHeaderOnEveryAnswerWhileDraining() throws Exception {
		this.provider = DrainingProvider.start("a", null, "mesh.instance.shutdown.drain-time=3s");
		assertThat(get("/api/stock/1").headers().firstValue(GoingAway.HEADER)).isEmpty();
		Thread closing = this.provider.closeInBackground();
		try {
			long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
			while (!this.provider.drain().goingAway() && System.nanoTime() - until < 0) {
				Thread.sleep(5);
			}
			HttpResponse<String> ok = get("/api/stock/1");
			assertThat(ok.statusCode()).isEqualTo(200);
			assertThat(ok.body()).isEqualTo("a");
			assertThat(ok.headers().firstValue(GoingAway.HEADER))
				.hasValueSatisfying((value) -> assertThat(Long.parseLong(value)).isBetween(1L, 3L));
			HttpResponse<String> missing = get("/nothing-here");
			assertThat(missing.statusCode()).isEqualTo(404);
			assertThat(missing.headers().firstValue(GoingAway.HEADER)).isPresent();
			HttpResponse<String> failed = get("/boom");
			assertThat(failed.statusCode()).isEqualTo(500);
			assertThat(failed.headers().firstValue(GoingAway.HEADER)).isPresent();
		}
		finally {
			closing.join(10_000);
		}
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.provider.port() + path))
			.timeout(Duration.ofSeconds(5))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static ApplicationContextInitializer<ConfigurableApplicationContext> registered(
			RecordingRegistry registry) {
		return (context) -> {
			context.getBeanFactory().registerSingleton("recordingRegistry", registry);
			context.getBeanFactory().registerSingleton("meRegistration", new MeRegistration());
		};
	}

	/** This instance's registration. */
	static class MeRegistration implements Registration {

		@Override
		public String getInstanceId() {
			return "me";
		}

		@Override
		public String getServiceId() {
			return "inventory";
		}

		@Override
		public String getHost() {
			return "127.0.0.1";
		}

		@Override
		public int getPort() {
			return 8080;
		}

		@Override
		public boolean isSecure() {
			return false;
		}

		@Override
		public URI getUri() {
			return URI.create("http://127.0.0.1:8080");
		}

		@Override
		public Map<String, String> getMetadata() {
			return Map.of();
		}

	}

	/** A registry that records what it deregisters, and may hang doing so. */
	static class RecordingRegistry implements ServiceRegistry<Registration> {

		final List<Registration> deregistered = new java.util.concurrent.CopyOnWriteArrayList<>();

		private final CountDownLatch hang;

		RecordingRegistry(CountDownLatch hang) {
			this.hang = hang;
		}

		@Override
		public void register(Registration registration) {
		}

		@Override
		public void deregister(Registration registration) {
			this.deregistered.add(registration);
			if (this.hang != null) {
				try {
					this.hang.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}

		@Override
		public void close() {
		}

		@Override
		public void setStatus(Registration registration, String status) {
		}

		@Override
		public <T> T getStatus(Registration registration) {
			return null;
		}

	}

}
