package dev.mesh.testsupport;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

/**
 * A real embedded Tomcat on 127.0.0.1 and a random port that answers every request with
 * its own id (body and {@code X-Served-By} header) and counts what it served, so tests
 * can assert where calls went.
 */
public final class TestServer implements Provider, AutoCloseable {

	private final String id;

	private final Tomcat tomcat;

	private final AtomicInteger requests = new AtomicInteger();

	private final Map<String, String> lastHeaders = new ConcurrentHashMap<>();

	private final Map<String, Boolean> reservationKeys = new ConcurrentHashMap<>();

	private final AtomicInteger reservations = new AtomicInteger();

	private volatile Behaviour behaviour = Behaviour.ECHO;

	/**
	 * Whether {@link #close()} ran, so a test may stop a server early and its cleanup
	 * close it again.
	 */
	private boolean closed;

	/**
	 * What the server does with a request before (or instead of) answering with its id.
	 */
	@FunctionalInterface
	public interface Behaviour {

		/** Answers with the server's id. */
		Behaviour ECHO = (server, request, response) -> false;

		/**
		 * @return {@code true} if the response was written and the default answer must be
		 * skipped
		 */
		boolean handle(TestServer server, HttpServletRequest request, HttpServletResponse response) throws IOException;

		/**
		 * @return a behaviour that answers every request with a status and does no work
		 */
		static Behaviour status(int status) {
			return (server, request, response) -> {
				response.setStatus(status);
				response.setHeader("X-Served-By", server.id());
				return true;
			};
		}

		/**
		 * @return a behaviour that waits before answering normally
		 */
		static Behaviour delay(java.time.Duration delay) {
			return (server, request, response) -> {
				try {
					Thread.sleep(delay.toMillis());
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				return false;
			};
		}

		/**
		 * @return a behaviour that does the work (a reservation for POST) and then
		 * answers with a status
		 */
		static Behaviour workThenStatus(int status) {
			return (server, request, response) -> {
				server.reserve(request);
				response.setStatus(status);
				return true;
			};
		}

		/**
		 * @return a behaviour that promises 100 bytes, sends 10 and breaks the connection
		 */
		static Behaviour truncatedBody() {
			return (server, request, response) -> {
				response.setContentType("text/plain");
				response.setContentLength(100);
				response.getOutputStream().write("0123456789".getBytes());
				response.flushBuffer();
				throw new IOException("breaking the connection mid-body");
			};
		}

	}

	private TestServer(String id) {
		this.id = id;
		this.tomcat = new Tomcat();
		this.tomcat
			.setBaseDir(System.getProperty("java.io.tmpdir") + "/mesh-test-tomcat-" + id + "-" + System.nanoTime());
		Connector connector = new Connector();
		connector.setPort(0);
		connector.setProperty("address", "127.0.0.1");
		this.tomcat.setConnector(connector);
		Context context = this.tomcat.addContext("", null);
		Tomcat.addServlet(context, "echo", new EchoServlet());
		context.addServletMappingDecoded("/*", "echo");
	}

	/**
	 * Starts a server.
	 * @param id the id it reports
	 * @return the started server
	 */
	public static TestServer start(String id) {
		TestServer server = new TestServer(id);
		try {
			server.tomcat.start();
		}
		catch (LifecycleException ex) {
			throw new IllegalStateException(ex);
		}
		return server;
	}

	public String id() {
		return this.id;
	}

	public int port() {
		return this.tomcat.getConnector().getLocalPort();
	}

	public String uri() {
		return "http://127.0.0.1:" + port();
	}

	public int requests() {
		return this.requests.get();
	}

	/**
	 * @return work done for POST requests: one per request, or one per distinct
	 * Idempotency-Key
	 */
	public int reservations() {
		return this.reservations.get();
	}

	/**
	 * @param behaviour what to do with the next requests
	 * @return this server
	 */
	public TestServer behave(Behaviour behaviour) {
		this.behaviour = behaviour;
		return this;
	}

	void reserve(HttpServletRequest request) {
		if (!"POST".equals(request.getMethod())) {
			return;
		}
		String key = request.getHeader("Idempotency-Key");
		if (key == null || this.reservationKeys.putIfAbsent(key, Boolean.TRUE) == null) {
			this.reservations.incrementAndGet();
		}
	}

	/**
	 * @return the headers of the last request, names in lower case
	 */
	public Map<String, String> lastHeaders() {
		return this.lastHeaders;
	}

	@Override
	public ServiceInstance instance(String serviceId) {
		return instance(serviceId, Map.of("weight", "1"));
	}

	/**
	 * @param serviceId the service this server is an instance of
	 * @param metadata the registry metadata to publish
	 * @return a registry entry for this server
	 */
	public ServiceInstance instance(String serviceId, Map<String, String> metadata) {
		return new DefaultServiceInstance(this.id, serviceId, "127.0.0.1", port(), false, metadata);
	}

	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		try {
			// The connector first, which closes the open connections too: stopped the
			// other
			// way round, Tomcat answers requests that arrive on a kept-alive connection
			// while its context stops with a 404, which no client may retry.
			this.tomcat.getConnector().stop();
			this.tomcat.stop();
			this.tomcat.destroy();
		}
		catch (LifecycleException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private final class EchoServlet extends HttpServlet {

		@Override
		protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
			TestServer.this.requests.incrementAndGet();
			TestServer.this.lastHeaders.clear();
			request.getHeaderNames()
				.asIterator()
				.forEachRemaining(
						(name) -> TestServer.this.lastHeaders.put(name.toLowerCase(), request.getHeader(name)));
			TestServer.this.lastHeaders.put(":path", request.getRequestURI()
					+ ((request.getQueryString() != null) ? "?" + request.getQueryString() : ""));
			request.getInputStream().readAllBytes();
			if (TestServer.this.behaviour.handle(TestServer.this, request, response)) {
				return;
			}
			reserve(request);
			response.setHeader("X-Served-By", TestServer.this.id);
			response.setContentType("text/plain");
			response.getWriter().write(TestServer.this.id);
		}

	}

}
