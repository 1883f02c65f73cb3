package dev.mesh.client;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import dev.mesh.discovery.RedactedUris;
import dev.mesh.resilience.InboundDeadline;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.util.CollectionUtils;

/**
 * The transport of a mesh client, on the JDK's {@link HttpClient}. Each attempt has one timeout for the
 * whole exchange, body included, taken from the {@value InboundDeadline#HEADER} header the pipeline
 * sets on it (the same value tells the server how long the caller waits). The response body is read in
 * full within that time, so a response the server breaks off mid-body fails the attempt (and can be
 * retried) instead of reaching the caller truncated.
 *
 * <p>Each attempt is sent with the client's synchronous {@code send}, so the calling thread writes the
 * request itself and is woken once, when the whole response is in; the timeout is kept by the
 * {@link AttemptWatchdog}, which interrupts an attempt whose time is up: the JDK then cancels the
 * exchange and closes its connection. Not with {@link HttpRequest.Builder#timeout}, which the JDK
 * client arms by waking its selector thread on every request (on the 2-core benchmark machine 10-26 µs
 * of the caller's CPU and up to four more context switches per call) and which ends when the headers
 * arrive; and not by waiting on {@code sendAsync}, which hands each exchange to the client's executor
 * and each completion to the common fork-join pool (about 190 µs at p50 under two callers there,
 * docs/benchmarks.md).
 *
 * <p>Attempts go straight to the instance discovery named, never through a forward proxy: the JVM's
 * proxy settings ({@code http.proxyHost}, {@code https.proxyHost}) are meant for calls out of the
 * network, and a proxy between a mesh client and an instance would hide which instance answered (and
 * asking the default proxy selector cost a few percent of each call's CPU).
 *
 * <p>A body is read into memory only up to {@code max-response-size} (see {@link ResponseSizeLimit});
 * a larger one fails the attempt with {@link ResponseTooLargeException}, which is not retried.
 *
 * <p>The JDK client is made on the first attempt and belongs to this factory, which {@link #close()}
 * ends with the application context: its executor (a cached pool like the one the JDK makes by default,
 * with daemon threads named {@code mesh-http-<service>-<n>}) is shut down; on JDK 21 and later the
 * client's {@code shutdownNow()} closes its connections and ends its selector thread at once; before
 * JDK 21 a client cannot be closed, so the factory drops its reference to it (even while a
 * {@code RestClient} built on it is still held) and the JDK's selector thread ends, closing the
 * connections, once the garbage collector has collected the client.
 */
final class MeshClientHttpRequestFactory implements ClientHttpRequestFactory, AutoCloseable {

	private static final Log logger = LogFactory.getLog(MeshClientHttpRequestFactory.class);

	/** {@code HttpClient.shutdownNow()}, JDK 21 and later; {@code null} before. */
	private static final Method SHUTDOWN_NOW = shutdownNow();

	private final String serviceId;

	private final Duration connectTimeout;

	private final Duration defaultTimeout;

	private final long maxResponseBytes;

	/** Reads a body up to {@link #maxResponseBytes}; made once, as it keeps no state of its own. */
	private final HttpResponse.BodyHandler<byte[]> bodyHandler;

	/** The same for HEAD, whose {@code Content-Length} is that of a body it does not have. */
	private final HttpResponse.BodyHandler<byte[]> headBodyHandler;

	private final AttemptWatchdog watchdog;

	/** The client and its executor, once the first attempt has made them; {@code null} again once closed. */
	private volatile Transport transport;

	/** Whether {@link #close()} has been called; written under this object's lock. */
	private volatile boolean closed;

	/**
	 * @param serviceId the service whose instances this sends to
	 * @param connectTimeout deadline for opening a connection
	 * @param defaultTimeout timeout of an attempt that carries no {@value InboundDeadline#HEADER} header
	 * @param maxResponseBytes the largest body read, in bytes
	 * @param watchdog what keeps the attempts' timeouts
	 */
	MeshClientHttpRequestFactory(String serviceId, Duration connectTimeout, Duration defaultTimeout,
			long maxResponseBytes, AttemptWatchdog watchdog) {
		this.serviceId = serviceId;
		this.connectTimeout = connectTimeout;
		this.defaultTimeout = defaultTimeout;
		this.maxResponseBytes = maxResponseBytes;
		this.bodyHandler = ResponseSizeLimit.handler(maxResponseBytes, false);
		this.headBodyHandler = ResponseSizeLimit.handler(maxResponseBytes, true);
		this.watchdog = watchdog;
	}

	private HttpClient httpClient() {
		Transport current = this.transport;
		return (current != null) ? current.client() : open();
	}

	private synchronized HttpClient open() {
		if (this.closed) {
			throw new IllegalStateException("The mesh client of service '" + this.serviceId
					+ "' is closed: its application context has been closed");
		}
		if (this.transport == null) {
			AtomicInteger threads = new AtomicInteger();
			String prefix = "mesh-http-" + this.serviceId + "-";
			ThreadFactory factory = (task) -> {
				Thread thread = new Thread(task, prefix + threads.incrementAndGet());
				thread.setDaemon(true);
				return thread;
			};
			ExecutorService executor = Executors.newCachedThreadPool(factory);
			HttpClient client = HttpClient.newBuilder()
				.connectTimeout(this.connectTimeout)
				.followRedirects(HttpClient.Redirect.NEVER)
				.version(HttpClient.Version.HTTP_1_1)
				.proxy(HttpClient.Builder.NO_PROXY)
				.executor(executor)
				.build();
			this.transport = new Transport(client, executor);
		}
		return this.transport.client();
	}

	/**
	 * Ends the JDK client (see the class comment for what that means before JDK 21); an attempt made
	 * afterwards fails with an {@link IllegalStateException}.
	 */
	@Override
	public void close() {
		Transport closing;
		synchronized (this) {
			this.closed = true;
			closing = this.transport;
			this.transport = null;
		}
		if (closing == null) {
			return;
		}
		if (SHUTDOWN_NOW != null) {
			try {
				SHUTDOWN_NOW.invoke(closing.client());
			}
			catch (ReflectiveOperationException | RuntimeException ex) {
				logger.debug("Could not shut down the HTTP client of mesh client '" + this.serviceId + "'", ex);
			}
		}
		closing.executor().shutdownNow();
	}

	private static Method shutdownNow() {
		try {
			return HttpClient.class.getMethod("shutdownNow");
		}
		catch (NoSuchMethodException ex) {
			return null;
		}
	}

	/** A JDK client and the executor it was given. */
	private record Transport(HttpClient client, ExecutorService executor) {
	}

	@Override
	public ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) {
		return new AttemptRequest(uri, httpMethod);
	}

	private final class AttemptRequest implements ClientHttpRequest {

		private final URI uri;

		private final HttpMethod method;

		private final HttpHeaders headers = new HttpHeaders();

		private final ByteArrayOutputStream body = new ByteArrayOutputStream(256);

		private final Map<String, Object> attributes = new HashMap<>();

		private boolean executed;

		AttemptRequest(URI uri, HttpMethod method) {
			this.uri = uri;
			this.method = method;
		}

		@Override
		public HttpHeaders getHeaders() {
			return this.executed ? HttpHeaders.readOnlyHttpHeaders(this.headers) : this.headers;
		}

		@Override
		public OutputStream getBody() {
			return this.body;
		}

		@Override
		public Map<String, Object> getAttributes() {
			return this.attributes;
		}

		@Override
		public ClientHttpResponse execute() throws IOException {
			if (this.executed) {
				throw new IllegalStateException("Request to " + RedactedUris.of(this.uri) + " already executed");
			}
			this.executed = true;
			return executeInternal(this.headers, this.body.toByteArray());
		}

		@Override
		public HttpMethod getMethod() {
			return this.method;
		}

		@Override
		public URI getURI() {
			return this.uri;
		}

		private ClientHttpResponse executeInternal(HttpHeaders headers, byte[] body) throws IOException {
			Duration timeout = timeoutOf(headers);
			HttpRequest.Builder request = HttpRequest.newBuilder(this.uri);
			request.method(this.method.name(), (body.length == 0) ? HttpRequest.BodyPublishers.noBody()
					: HttpRequest.BodyPublishers.ofByteArray(body));
			headers.forEach((name, values) -> {
				if (!isRestricted(name)) {
					for (String value : values) {
						try {
							request.header(name, value);
						}
						catch (IllegalArgumentException ex) {
							throw invalidHeader(name, ex);
						}
					}
				}
			});
			HttpRequest built = request.build();
			HttpClient client = httpClient();
			HttpResponse.BodyHandler<byte[]> bodyHandler = (this.method == HttpMethod.HEAD)
					? MeshClientHttpRequestFactory.this.headBodyHandler : MeshClientHttpRequestFactory.this.bodyHandler;
			AttemptWatchdog.Watch watch = MeshClientHttpRequestFactory.this.watchdog.watch(timeout);
			HttpResponse<byte[]> response;
			try {
				response = client.send(built, bodyHandler);
			}
			catch (InterruptedException ex) {
				if (watch.release()) {
					throw timedOut(timeout, ex);
				}
				Thread.currentThread().interrupt();
				InterruptedIOException interrupted = new InterruptedIOException("Interrupted waiting for " + RedactedUris.of(this.uri));
				interrupted.initCause(ex);
				throw interrupted;
			}
			catch (IOException ex) {
				boolean timedOut = watch.release();
				ResponseSizeLimit.Exceeded exceeded = exceeded(ex);
				if (exceeded != null) {
					throw new ResponseTooLargeException(MeshClientHttpRequestFactory.this.serviceId, this.uri,
							MeshClientHttpRequestFactory.this.maxResponseBytes, exceeded.getMessage());
				}
				if (timedOut) {
					throw timedOut(timeout, ex);
				}
				if (MeshClientHttpRequestFactory.this.closed) {
					// JDK 21+: shutdownNow() ends the exchanges in flight with a bare "shutdownNow"
					throw new IOException("Attempt to " + RedactedUris.of(this.uri) + " aborted: the mesh client of service '"
							+ MeshClientHttpRequestFactory.this.serviceId + "' was closed with its application context", ex);
				}
				throw ex;
			}
			catch (IllegalArgumentException ex) {
				// the request was built and checked here, so this is the JDK client refusing the response,
				// such as a Content-Length that is not a number: the instance's failure, like any bad answer
				if (watch.release()) {
					throw timedOut(timeout, ex);
				}
				throw new IOException("Malformed response from " + RedactedUris.of(this.uri) + ": " + ex.getMessage(), ex);
			}
			catch (RuntimeException | Error ex) {
				watch.release();
				throw ex;
			}
			// a response that arrived as the time ran out is whole, so it is kept
			watch.release();
			return new BufferedResponse(response);
		}

		/**
		 * The JDK client's refusal of a header, often a value the application copied from its own caller,
		 * as an error naming the header and the service but never echoing the value (which may be a
		 * secret, or carry line breaks into a log) nor a name that is not a plain token.
		 */
		private IllegalArgumentException invalidHeader(String name, IllegalArgumentException cause) {
			boolean printable = !name.isEmpty() && name.length() <= 100 && name.chars().allMatch((c) -> c > ' ' && c < 0x7f);
			return new IllegalArgumentException("Header " + (printable ? "'" + name + "'" : "with a name that is no HTTP token")
					+ " of a request to service '" + MeshClientHttpRequestFactory.this.serviceId
					+ "' cannot be sent: HTTP header names are tokens and values are visible ASCII, spaces and tabs, with no line breaks",
					cause);
		}

		private static ResponseSizeLimit.Exceeded exceeded(IOException failure) {
			for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
				if (cause instanceof ResponseSizeLimit.Exceeded exceeded) {
					return exceeded;
				}
			}
			return null;
		}

		private HttpTimeoutException timedOut(Duration timeout, Exception cause) {
			HttpTimeoutException timedOut = new HttpTimeoutException(
					"No whole response from " + RedactedUris.of(this.uri) + " within " + timeout.toMillis() + "ms");
			timedOut.initCause(cause);
			return timedOut;
		}

		private Duration timeoutOf(HttpHeaders headers) {
			Long millis = InboundDeadline.parseMillis(headers.getFirst(InboundDeadline.HEADER));
			return (millis != null && millis > 0) ? Duration.ofMillis(millis)
					: MeshClientHttpRequestFactory.this.defaultTimeout;
		}

	}

	/**
	 * Whether the JDK client sets this header itself and refuses it from callers ({@code Connection},
	 * {@code Content-Length}, {@code Expect}, {@code Host}, {@code Upgrade}, in any case), without
	 * allocating a lower-case copy of every header name of every attempt.
	 */
	private static boolean isRestricted(String name) {
		return switch (name.length()) {
			case 4 -> "host".equalsIgnoreCase(name);
			case 6 -> "expect".equalsIgnoreCase(name);
			case 7 -> "upgrade".equalsIgnoreCase(name);
			case 10 -> "connection".equalsIgnoreCase(name);
			case 14 -> "content-length".equalsIgnoreCase(name);
			default -> false;
		};
	}

	private static final class BufferedResponse implements ClientHttpResponse {

		private final HttpResponse<byte[]> response;

		private final HttpHeaders headers;

		BufferedResponse(HttpResponse<byte[]> response) {
			this.response = response;
			this.headers = headersOf(response.headers().map());
		}

		/**
		 * The response's headers as Spring's read-only {@link HttpHeaders}: a view of the JDK's map, whose
		 * names are already case-insensitive; copied only when the map holds HTTP/2 pseudo-headers
		 * (names starting with {@code :}), which are left out.
		 */
		private static HttpHeaders headersOf(Map<String, List<String>> map) {
			if (!map.containsKey(":status")) {
				return HttpHeaders.readOnlyHttpHeaders(CollectionUtils.toMultiValueMap(map));
			}
			HttpHeaders headers = new HttpHeaders();
			map.forEach((name, values) -> {
				if (!name.startsWith(":")) {
					headers.addAll(name, values);
				}
			});
			return HttpHeaders.readOnlyHttpHeaders(headers);
		}

		@Override
		public HttpStatusCode getStatusCode() {
			return HttpStatusCode.valueOf(this.response.statusCode());
		}

		@Override
		public String getStatusText() {
			return "";
		}

		@Override
		public HttpHeaders getHeaders() {
			return this.headers;
		}

		@Override
		public InputStream getBody() {
			byte[] body = this.response.body();
			return new ByteArrayInputStream((body != null) ? body : new byte[0]);
		}

		@Override
		public void close() {
		}

	}

}
