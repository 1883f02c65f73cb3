package dev.mesh.testsupport;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import dev.mesh.client.MeshClient;
import dev.mesh.testsupport.RawHttpServer.Answer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

/**
 * Real provider servers on 127.0.0.1 and random ports ({@link TestServer}s,
 * {@link RawHttpServer}s) and real consumer applications that find them through Spring
 * Cloud's simple discovery; everything it started is closed after each test, consumers
 * first. Register it with {@code @RegisterExtension}.
 */
public final class MeshFixture implements AfterEachCallback {

	/** The service the default consumer calls. */
	public static final String SERVICE = "inventory";

	private final List<AutoCloseable> closeables = new ArrayList<>();

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	/**
	 * Starts an echoing provider, closed after the test.
	 * @param id the id it answers with
	 * @return the started server
	 */
	public TestServer server(String id) {
		return keep(TestServer.start(id));
	}

	/**
	 * Starts a provider on a raw socket, closed after the test.
	 * @param id its instance id
	 * @param answer what it writes back
	 * @return the started server
	 */
	public RawHttpServer raw(String id, Answer answer) {
		return keep(RawHttpServer.start(id, answer));
	}

	/**
	 * Closes something after the test, after the consumers.
	 * @param closeable something started
	 * @return it
	 */
	public <T extends AutoCloseable> T keep(T closeable) {
		this.closeables.add(closeable);
		return closeable;
	}

	/**
	 * Starts the default consumer: a client application with a
	 * {@code @MeshClient("inventory") RestClient} bean, over the given instances of
	 * {@code inventory}.
	 * @param instances the instances, in registry order
	 * @param properties more properties, {@code name=value}, winning over the fixture's
	 * @return the application
	 */
	public ConfigurableApplicationContext start(List<? extends Provider> instances, String... properties) {
		return start(Consumer.of(InventoryClient.class), instances, properties);
	}

	/**
	 * Starts a consumer application over the given instances of the service it calls.
	 * @param consumer the application to start
	 * @param instances the instances, in registry order
	 * @param properties more properties, {@code name=value}, winning over the fixture's
	 * @return the application
	 */
	public ConfigurableApplicationContext start(Consumer consumer, List<? extends Provider> instances,
			String... properties) {
		// consumers close without draining (DrainingProvider is what tests drain)
		List<String> all = new ArrayList<>(List.of("spring.cloud.consul.enabled=false", "spring.main.banner-mode=off",
				"server.port=0", "server.address=127.0.0.1", "mesh.instance.shutdown.drain-time=0s"));
		for (int i = 0; i < instances.size(); i++) {
			all.addAll(discovery(consumer.service(), i, instances.get(i).instance(consumer.service())));
		}
		all.addAll(List.of(properties));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(consumer.application())
			.web(consumer.web())
			.run(all.stream().map((property) -> "--" + property).toArray(String[]::new));
		this.contexts.add(context);
		return context;
	}

	/**
	 * @param service the service
	 * @param index the instance's place in the service's list
	 * @param instance the instance
	 * @return the simple discovery properties that list the instance
	 */
	public static List<String> discovery(String service, int index, ServiceInstance instance) {
		String prefix = "spring.cloud.discovery.client.simple.instances." + service + "[" + index + "].";
		List<String> properties = new ArrayList<>(
				List.of(prefix + "instance-id=" + instance.getInstanceId(), prefix + "uri=" + instance.getUri()));
		Map<String, String> metadata = (instance.getMetadata() != null) ? instance.getMetadata() : Map.of();
		metadata.forEach((key, value) -> properties.add(prefix + "metadata." + key + "=" + value));
		return properties;
	}

	/**
	 * @return the consumer started last
	 */
	public ConfigurableApplicationContext context() {
		if (this.contexts.isEmpty()) {
			throw new IllegalStateException("No consumer started");
		}
		return this.contexts.get(this.contexts.size() - 1);
	}

	/**
	 * @param type the bean's type
	 * @return the bean of that type in the consumer started last
	 */
	public <T> T bean(Class<T> type) {
		return context().getBean(type);
	}

	/**
	 * @param service the service
	 * @return the {@code RestClient} bean named after the service in the consumer started
	 * last
	 */
	public RestClient client(String service) {
		return context().getBean(service, RestClient.class);
	}

	/**
	 * @return the consumer's mesh client of {@code inventory}
	 */
	public RestClient inventory() {
		return client(SERVICE);
	}

	/**
	 * @return the port the consumer started last (a servlet application) listens on
	 */
	public int port() {
		return ServerPorts.of(context());
	}

	/** Closes the consumer started last now; a later start replaces it. */
	public void closeContext() {
		if (!this.contexts.isEmpty()) {
			this.contexts.remove(this.contexts.size() - 1).close();
		}
	}

	@Override
	public void afterEach(ExtensionContext extension) throws Exception {
		List<ConfigurableApplicationContext> consumers = new ArrayList<>(this.contexts);
		Collections.reverse(consumers);
		this.contexts.clear();
		consumers.forEach(ConfigurableApplicationContext::close);
		List<AutoCloseable> providers = new ArrayList<>(this.closeables);
		this.closeables.clear();
		Exception failure = null;
		for (AutoCloseable provider : providers) {
			try {
				provider.close();
			}
			catch (Exception ex) {
				failure = (failure != null) ? failure : ex;
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	/**
	 * A consumer application to start: its configuration class, whether it serves HTTP,
	 * and the service whose instances it is given.
	 *
	 * @param application the {@code @EnableAutoConfiguration} class
	 * @param web the web application type
	 * @param service the service its registry lists the instances of
	 */
	public record Consumer(Class<?> application, WebApplicationType web, String service) {

		/**
		 * @param application the {@code @EnableAutoConfiguration} class
		 * @return a consumer without a web server calling {@code inventory}
		 */
		public static Consumer of(Class<?> application) {
			return new Consumer(application, WebApplicationType.NONE, SERVICE);
		}

		/**
		 * @return this consumer with an embedded web server on a random port
		 */
		public Consumer servlet() {
			return new Consumer(this.application, WebApplicationType.SERVLET, this.service);
		}

		/**
		 * @param service the service the instances belong to
		 * @return this consumer given instances of that service
		 */
		public Consumer calling(String service) {
			return new Consumer(this.application, this.web, service);
		}

	}

	/** The default consumer: one {@code @MeshClient("inventory") RestClient}. */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	public static class InventoryClient {

		@Bean
		@MeshClient(SERVICE)
		RestClient inventory(RestClient.Builder builder) {
			return builder.build();
		}

	}

}
