package dev.mesh.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.mesh.shutdown.DrainCoordinator;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * A real mesh provider: a Spring Boot application with the mesh's auto-configuration on
 * an embedded server on 127.0.0.1 and a random port, so closing it drains as a service
 * asked to stop does. {@code GET /api/stock/{sku}} takes {@code provider.handling} (a
 * duration) and answers with the provider's id; {@code GET /boom} fails with a 500. It
 * counts the requests its handler started and completed, so a test sees whether a
 * shutdown cut any.
 */
public final class DrainingProvider implements Provider, AutoCloseable {

	private final String id;

	private final ConfigurableApplicationContext context;

	private final Stock stock;

	private final DrainCoordinator drain;

	private final int port;

	private DrainingProvider(String id, ConfigurableApplicationContext context) {
		this.id = id;
		this.context = context;
		this.stock = context.getBean(Stock.class);
		this.drain = context.getBean(DrainCoordinator.class);
		this.port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
	}

	/**
	 * Starts a provider.
	 * @param id its instance id
	 * @param initializer adds beans before it starts, or {@code null}
	 * @param properties more properties, {@code name=value}
	 * @return the started provider
	 */
	public static DrainingProvider start(String id,
			ApplicationContextInitializer<ConfigurableApplicationContext> initializer, String... properties) {
		List<String> all = new ArrayList<>(List.of("spring.cloud.consul.enabled=false", "spring.main.banner-mode=off",
				"server.port=0", "server.address=127.0.0.1", "spring.application.name=inventory", "provider.id=" + id));
		all.addAll(List.of(properties));
		SpringApplicationBuilder builder = new SpringApplicationBuilder(App.class).web(WebApplicationType.SERVLET);
		if (initializer != null) {
			builder.initializers(initializer);
		}
		ConfigurableApplicationContext context = builder
			.run(all.stream().map((property) -> "--" + property).toArray(String[]::new));
		return new DrainingProvider(id, context);
	}

	/**
	 * @return the port it listens on
	 */
	public int port() {
		return this.port;
	}

	/**
	 * @return its drain, also after it closed
	 */
	public DrainCoordinator drain() {
		return this.drain;
	}

	/**
	 * @return requests its handler started
	 */
	public int started() {
		return this.stock.started.get();
	}

	/**
	 * @return requests its handler completed
	 */
	public int completed() {
		return this.stock.completed.get();
	}

	/**
	 * Closes the application on a thread of its own, as a SIGTERM's shutdown hook does.
	 * @return the thread, started
	 */
	public Thread closeInBackground() {
		Thread closing = new Thread(this.context::close, "close-" + this.id);
		closing.start();
		return closing;
	}

	@Override
	public ServiceInstance instance(String serviceId) {
		return new DefaultServiceInstance(this.id, serviceId, "127.0.0.1", port(), false, Map.of());
	}

	@Override
	public void close() {
		this.context.close();
	}

	/** The provider application. */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Stock.class)
	static class App {

	}

	/** Its endpoints. */
	@RestController
	static class Stock {

		final AtomicInteger started = new AtomicInteger();

		final AtomicInteger completed = new AtomicInteger();

		private final String id;

		private final Duration handling;

		Stock(Environment environment) {
			this.id = environment.getProperty("provider.id");
			this.handling = Duration.parse("PT" + environment.getProperty("provider.handling", "0.02S").toUpperCase());
		}

		@GetMapping("/api/stock/{sku}")
		String stock(@PathVariable String sku) throws InterruptedException {
			this.started.incrementAndGet();
			Thread.sleep(this.handling.toMillis());
			this.completed.incrementAndGet();
			return this.id;
		}

		@GetMapping("/boom")
		String boom() {
			throw new IllegalStateException("boom");
		}

	}

}
