package dev.mesh.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * A service registry on 127.0.0.1 that serves each service's instances as JSON over HTTP
 * ({@code GET /v1/services/{id}}, a list of
 * {@code instanceId, host, port, secure, metadata}), and {@link #client() a
 * DiscoveryClient} that reads it over real HTTP, as a Consul or Eureka client does. The
 * registry can be {@linkplain #stop() stopped} (its port then refuses connections) and
 * {@linkplain #restart() started again} on the same port, and can serve any JSON a
 * hostile or broken registry would.
 */
public final class LoopbackRegistry implements AutoCloseable {

	private static final ObjectMapper JSON = new ObjectMapper();

	private final Map<String, String> services = new ConcurrentHashMap<>();

	private final int port;

	private HttpServer server;

	private volatile CountDownLatch hold;

	private LoopbackRegistry(int port) throws IOException {
		this.server = bind(port);
		this.port = this.server.getAddress().getPort();
	}

	/**
	 * @return a running registry on a random loopback port, with no services
	 */
	public static LoopbackRegistry start() {
		try {
			return new LoopbackRegistry(0);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private HttpServer bind(int port) throws IOException {
		HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
		server.createContext("/v1/services/", (exchange) -> {
			CountDownLatch hold = this.hold;
			if (hold != null) {
				try {
					hold.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			String serviceId = exchange.getRequestURI().getPath().substring("/v1/services/".length());
			byte[] body = this.services.getOrDefault(serviceId, "[]").getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		// a thread per query, so a held query does not keep the others from being
		// answered
		server.setExecutor(Executors.newCachedThreadPool((runnable) -> {
			Thread thread = new Thread(runnable, "loopback-registry");
			thread.setDaemon(true);
			return thread;
		}));
		server.start();
		return server;
	}

	/**
	 * Serves these instances for a service from now on.
	 * @param serviceId the service
	 * @param instances its instances
	 */
	public void register(String serviceId, List<Map<String, Object>> instances) {
		try {
			serveJson(serviceId, JSON.writeValueAsString(instances));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Serves this exact JSON for a service from now on.
	 * @param serviceId the service
	 * @param json the body
	 */
	public void serveJson(String serviceId, String json) {
		this.services.put(serviceId, json);
	}

	/**
	 * @return one registered instance as the registry serves it
	 */
	public static Map<String, Object> instance(String id, String host, int port, Map<String, String> metadata) {
		Map<String, Object> instance = new LinkedHashMap<>();
		instance.put("instanceId", id);
		instance.put("host", host);
		instance.put("port", port);
		instance.put("secure", false);
		instance.put("metadata", metadata);
		return instance;
	}

	/**
	 * Makes every query wait until the latch opens (a hung registry).
	 * @param hold the latch, or {@code null} to answer at once again
	 */
	public void hold(CountDownLatch hold) {
		this.hold = hold;
	}

	/**
	 * Stops answering: connections to the registry's port are refused until
	 * {@link #restart()}.
	 */
	public synchronized void stop() {
		if (this.server != null) {
			this.server.stop(0);
			this.server = null;
		}
	}

	/** Answers again, on the same port. */
	public synchronized void restart() {
		if (this.server == null) {
			try {
				this.server = bind(this.port);
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}
	}

	/**
	 * @return the registry's port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * @return a discovery client that reads this registry over HTTP, with credentials in
	 * its URL as some registry clients are configured
	 * ({@code http://user:password@host/?token=...}), so tests can check that they never
	 * reach a message
	 */
	public HttpDiscoveryClient client() {
		return new HttpDiscoveryClient("http://mesh:registry-s3cret@127.0.0.1:" + this.port);
	}

	@Override
	public void close() {
		stop();
	}

	/**
	 * A Spring Cloud {@link DiscoveryClient} over a {@link LoopbackRegistry}, counting
	 * its queries.
	 */
	public static final class HttpDiscoveryClient implements DiscoveryClient {

		private final RestClient http;

		private final AtomicInteger queries = new AtomicInteger();

		HttpDiscoveryClient(String baseUrl) {
			// the JDK client, so that an interrupt of the querying thread aborts its
			// query
			JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(
					HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build());
			requests.setReadTimeout(Duration.ofSeconds(30));
			this.http = RestClient.builder().baseUrl(baseUrl).requestFactory(requests).build();
		}

		@Override
		public String description() {
			return "loopback registry";
		}

		@Override
		public List<ServiceInstance> getInstances(String serviceId) {
			this.queries.incrementAndGet();
			List<Map<String, Object>> found = this.http.get()
				.uri("/v1/services/{id}?token=registry-s3cret", serviceId)
				.retrieve()
				.body(new ParameterizedTypeReference<List<Map<String, Object>>>() {
				});
			List<ServiceInstance> instances = new ArrayList<>(found.size());
			for (Map<String, Object> entry : found) {
				@SuppressWarnings("unchecked")
				Map<String, String> metadata = (Map<String, String>) entry.get("metadata");
				instances.add(new DefaultServiceInstance((String) entry.get("instanceId"), serviceId,
						(String) entry.get("host"), ((Number) entry.get("port")).intValue(),
						Boolean.TRUE.equals(entry.get("secure")), metadata));
			}
			return instances;
		}

		@Override
		public List<String> getServices() {
			return List.of();
		}

		/**
		 * @return how many times the registry was asked for instances, answered or not
		 */
		public int queries() {
			return this.queries.get();
		}

	}

}
