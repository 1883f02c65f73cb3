package dev.mesh.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A small HTTP/1.1 server on 127.0.0.1 (the JDK's {@code HttpServer}) that answers every
 * request with its id, optionally after a delay, with a 503 for a share of requests or
 * with a 429 above a rate, and counts what it served. The same server serves every client
 * of a benchmark, so differences are the clients'.
 */
final class LoopbackServer implements AutoCloseable {

	static {
		// Without it the server's separate header and body writes meet the client's
		// delayed ACK, and
		// every response waits about 40 ms (Nagle's algorithm). Read once, when the first
		// server starts.
		System.setProperty("sun.net.httpserver.nodelay", "true");
	}

	private final String id;

	private final byte[] body;

	private final HttpServer server;

	private final ExecutorService executor;

	private final AtomicLong requests = new AtomicLong();

	private volatile long delayMillis;

	private volatile int failEvery;

	private volatile int limitPerSecond;

	private long limitSecond;

	private int servedThisSecond;

	private final AtomicLong turnedAway = new AtomicLong();

	private volatile boolean stopped;

	private LoopbackServer(String id) throws IOException {
		this.id = id;
		this.body = id.getBytes(StandardCharsets.UTF_8);
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
		this.executor = Executors.newCachedThreadPool((task) -> {
			Thread thread = new Thread(task, "server-" + id);
			thread.setDaemon(true);
			return thread;
		});
		this.server.setExecutor(this.executor);
		this.server.createContext("/", this::handle);
		this.server.start();
	}

	static LoopbackServer start(String id) {
		try {
			return new LoopbackServer(id);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot start server " + id, ex);
		}
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange; InputStream in = exchange.getRequestBody()) {
			in.readAllBytes();
			long count = this.requests.incrementAndGet();
			long delay = this.delayMillis;
			if (delay > 0) {
				try {
					Thread.sleep(delay);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			int every = this.failEvery;
			int status = (every > 0 && count % every == 0) ? 503 : 200;
			if (overLimit()) {
				status = 429;
				this.turnedAway.incrementAndGet();
				exchange.getResponseHeaders().set("Retry-After", "1");
			}
			exchange.getResponseHeaders().set("Content-Type", "text/plain");
			exchange.getResponseHeaders().set("X-Mesh-Instance", this.id);
			exchange.sendResponseHeaders(status, this.body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(this.body);
			}
		}
	}

	/**
	 * Whether this request is one too many for the current second of
	 * {@link #limitPerSecond(int)}.
	 */
	private boolean overLimit() {
		int limit = this.limitPerSecond;
		if (limit <= 0) {
			return false;
		}
		long second = System.nanoTime() / 1_000_000_000L;
		synchronized (this) {
			if (second != this.limitSecond) {
				this.limitSecond = second;
				this.servedThisSecond = 0;
			}
			return ++this.servedThisSecond > limit;
		}
	}

	String id() {
		return this.id;
	}

	int port() {
		return this.server.getAddress().getPort();
	}

	String uri() {
		return "http://127.0.0.1:" + port();
	}

	long requests() {
		return this.requests.get();
	}

	/**
	 * @param millis delay before every answer from now on; 0 for none
	 */
	void delay(long millis) {
		this.delayMillis = millis;
	}

	/**
	 * @param every answer every n-th request with 503; 0 for never, 1 for always
	 */
	void failEvery(int every) {
		this.failEvery = every;
	}

	/**
	 * @param perSecond requests answered per second (of the monotonic clock) from now on;
	 * more are answered 429 with {@code Retry-After: 1}, as a rate limiter would; 0 for
	 * no limit
	 */
	void limitPerSecond(int perSecond) {
		this.limitPerSecond = perSecond;
	}

	/**
	 * @return requests answered 429 by {@link #limitPerSecond(int)}
	 */
	long turnedAway() {
		return this.turnedAway.get();
	}

	/** Stops listening and drops open connections at once, as a killed process would. */
	void kill() {
		if (!this.stopped) {
			this.stopped = true;
			this.server.stop(0);
			this.executor.shutdownNow();
		}
	}

	@Override
	public void close() {
		kill();
	}

}
