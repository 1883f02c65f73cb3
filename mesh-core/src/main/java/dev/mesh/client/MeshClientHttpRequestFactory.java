package dev.mesh.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import dev.mesh.discovery.RedactedUris;
import dev.mesh.resilience.InboundDeadline;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.StreamingHttpOutputMessage;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;

/**
 * The transport of a mesh client: the attempts of one service, sent with the
 * {@link MeshTransport} of the application's choice, under the mesh's contract. Each
 * attempt has one timeout for the whole exchange, the body included, taken from the
 * {@value InboundDeadline#HEADER} header the pipeline sets on it (the same value tells
 * the server how long the caller waits). The body is read in full within that time, up to
 * {@code max-response-size} (see {@link ResponseSizeLimit}), so a response broken off
 * mid-body fails the attempt instead of reaching the caller truncated; with
 * {@code buffer-response=false} the body is handed to the caller as a stream once the
 * headers are in (a 2xx answer's; any other is still read in full), and the timeout
 * covers the exchange up to them; closing that stream before its end aborts the exchange
 * rather than reading on ({@link StreamedResponse}).
 *
 * <p>
 * The timeout is kept by the {@link AttemptWatchdog}, which interrupts the calling thread
 * when it is up (ending the JDK, Jetty and Reactor Netty clients' waits, which cancel the
 * exchange) and runs the abort the transport registered for the attempt (Apache
 * HttpClient's request cancel, the {@code HttpURLConnection}'s disconnect: see
 * {@link HttpComponentsAttemptAbort}, {@link UrlConnectionAttemptAbort}), which closes
 * the connection. Either way the attempt fails with an {@link HttpTimeoutException}.
 *
 * <p>
 * Redirects are followed here, never by the transport: only when the application's
 * {@code spring.http.client.redirects} allows it, at most {@value #MAX_REDIRECTS} times
 * within the attempt's time, and only to the same scheme, host and port (the instance
 * that answered). A redirect to anywhere else fails the attempt without a request to that
 * place, so neither the token nor the body ever leaves the service's instances.
 *
 * <p>
 * A factory the mesh made is closed with the application context ({@link #close()}); one
 * the application set on its builder is left alone.
 */
final class MeshClientHttpRequestFactory implements ClientHttpRequestFactory, AutoCloseable {

	/** The most redirects followed within one attempt. */
	static final int MAX_REDIRECTS = 5;

	private static final Log logger = LogFactory.getLog(MeshClientHttpRequestFactory.class);

	private final String serviceId;

	/**
	 * The transport, dropped by {@link #close()}: a JDK client that cannot be closed
	 * (before JDK 21) then ends once collected, even while a {@code RestClient} built on
	 * this is still held.
	 */
	private volatile MeshTransport transport;

	/** The transport's {@link MeshTransport#followRedirects()}. */
	private final boolean followRedirects;

	/** The transport's name, kept after close. */
	private final String transportName;

	private final Duration defaultTimeout;

	private final long maxResponseBytes;

	private final boolean bufferResponse;

	private final AttemptWatchdog watchdog;

	/** Whether {@link #close()} has been called. */
	private volatile boolean closed;

	/**
	 * @param serviceId the service whose instances this sends to
	 * @param transport what sends the requests
	 * @param defaultTimeout timeout of an attempt that carries no
	 * {@value InboundDeadline#HEADER} header
	 * @param maxResponseBytes the largest body read, in bytes
	 * @param bufferResponse whether bodies are read in full within the attempt (else
	 * streamed to the caller)
	 * @param watchdog what keeps the attempts' timeouts
	 */
	MeshClientHttpRequestFactory(String serviceId, MeshTransport transport, Duration defaultTimeout,
			long maxResponseBytes, boolean bufferResponse, AttemptWatchdog watchdog) {
		this.serviceId = serviceId;
		this.transport = transport;
		this.followRedirects = transport.followRedirects();
		this.transportName = transport.name();
		this.defaultTimeout = defaultTimeout;
		this.maxResponseBytes = maxResponseBytes;
		this.bufferResponse = bufferResponse;
		this.watchdog = watchdog;
	}

	/**
	 * @return the transport attempts are sent with, or {@code null} once closed
	 */
	MeshTransport transport() {
		return this.transport;
	}

	/**
	 * Closes the transport when the mesh made it (its connection pool, its threads); an
	 * attempt made afterwards fails with an {@link IllegalStateException}.
	 */
	@Override
	public void close() {
		MeshTransport closing;
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			closing = this.transport;
			this.transport = null;
		}
		if (closing == null || !closing.owned()) {
			return;
		}
		try {
			if (closing.factory() instanceof DisposableBean disposable) {
				disposable.destroy();
			}
			else if (closing.factory() instanceof AutoCloseable closeable) {
				closeable.close();
			}
		}
		catch (Exception ex) {
			logger.debug("Could not close the HTTP client of mesh client '" + this.serviceId + "'", ex);
		}
	}

	@Override
	public ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) {
		return new Attempt(uri, httpMethod);
	}

	/**
	 * Whether a header belongs to the connection, which the transport sets itself
	 * ({@code Host}, {@code Connection}, {@code Expect}, {@code Upgrade},
	 * {@code Transfer-Encoding}, {@code Keep-Alive}, {@code TE}, {@code Trailer},
	 * {@code Proxy-Connection}): a caller's value is dropped, so it cannot name another
	 * virtual host on the instance nor change how the exchange is framed. Some libraries
	 * (the JDK's) refuse them, others (Apache HttpClient's) would send them as given.
	 */
	static boolean isTransportOwned(String name) {
		return switch (name.length()) {
			case 2 -> "te".equalsIgnoreCase(name);
			case 4 -> "host".equalsIgnoreCase(name);
			case 6 -> "expect".equalsIgnoreCase(name);
			case 7 -> "upgrade".equalsIgnoreCase(name) || "trailer".equalsIgnoreCase(name);
			case 10 -> "connection".equalsIgnoreCase(name) || "keep-alive".equalsIgnoreCase(name);
			case 16 -> "proxy-connection".equalsIgnoreCase(name);
			case 17 -> "transfer-encoding".equalsIgnoreCase(name);
			default -> false;
		};
	}

	/**
	 * One attempt: collects headers and body like any request, and sends them with the
	 * transport when executed. The body the pipeline hands over (the caller's bytes,
	 * buffered once by the {@code RestClient}) is passed on as it is, so a retry makes no
	 * copy of it.
	 */
	private final class Attempt implements ClientHttpRequest, StreamingHttpOutputMessage {

		private final URI uri;

		private final HttpMethod method;

		private final HttpHeaders headers = new HttpHeaders();

		private final Map<String, Object> attributes = new HashMap<>();

		private Body body;

		private ByteArrayOutputStream written;

		private boolean executed;

		Attempt(URI uri, HttpMethod method) {
			this.uri = uri;
			this.method = method;
		}

		@Override
		public HttpHeaders getHeaders() {
			return this.executed ? HttpHeaders.readOnlyHttpHeaders(this.headers) : this.headers;
		}

		@Override
		public OutputStream getBody() {
			if (this.written == null) {
				this.written = new ByteArrayOutputStream(256);
			}
			return this.written;
		}

		@Override
		public void setBody(Body body) {
			this.body = body;
		}

		@Override
		public Map<String, Object> getAttributes() {
			return this.attributes;
		}

		@Override
		public HttpMethod getMethod() {
			return this.method;
		}

		@Override
		public URI getURI() {
			return this.uri;
		}

		@Override
		public ClientHttpResponse execute() throws IOException {
			if (this.executed) {
				throw new IllegalStateException("Request to " + RedactedUris.of(this.uri) + " already executed");
			}
			this.executed = true;
			MeshTransport current = MeshClientHttpRequestFactory.this.transport;
			ClientHttpRequestFactory sender = (current != null) ? current.factory() : null;
			if (sender == null || MeshClientHttpRequestFactory.this.closed) {
				throw new IllegalStateException(
						"The mesh client of service '" + MeshClientHttpRequestFactory.this.serviceId
								+ "' is closed: its application context has been closed");
			}
			Body content = this.body;
			if (content == null && this.written != null && this.written.size() > 0) {
				ByteArrayOutputStream bytes = this.written;
				content = bytes::writeTo;
			}
			HeaderValidation.check(this.headers, MeshClientHttpRequestFactory.this.serviceId);
			Duration timeout = timeoutOf(this.headers);
			AttemptWatchdog.Watch watch = MeshClientHttpRequestFactory.this.watchdog.watch(timeout);
			ClientHttpResponse response = null;
			try {
				response = exchange(sender, content, watch);
				boolean head = this.method == HttpMethod.HEAD;
				// only a 2xx body is streamed: an error's or a redirect's is read here,
				// under the limit and the
				// deadline, so a retry never waits on it and Spring's error handler never
				// reads it unbounded
				ClientHttpResponse result = (MeshClientHttpRequestFactory.this.bufferResponse || head
						|| !response.getStatusCode().is2xxSuccessful())
								? BufferedResponse.read(response, head,
										MeshClientHttpRequestFactory.this.maxResponseBytes)
								: new StreamedResponse(response, watch.abortAction(), watch.abortClosesResponse(),
										ResponseSizeLimit.announcedLength(response.getHeaders(),
												response.getStatusCode().value(), false));
				if (watch.release()) {
					// the whole response arrived as the time ran out: it is kept
					logger.trace("Attempt completed as its timeout fired");
				}
				return result;
			}
			catch (ResponseSizeLimit.Exceeded ex) {
				watch.abort();
				watch.release();
				TransportFailures.closeAborted(response, watch);
				throw new ResponseTooLargeException(MeshClientHttpRequestFactory.this.serviceId, this.uri,
						MeshClientHttpRequestFactory.this.maxResponseBytes, ex.getMessage());
			}
			catch (IOException | RuntimeException | Error ex) {
				// a failed exchange's connection is never reused: aborted (closed) rather
				// than returned to a pool
				watch.abort();
				boolean callerInterrupted = Thread.currentThread().isInterrupted();
				// a transport whose read timeout was cut to the attempt's time (simple)
				// may see it before the watchdog
				boolean timedOut = watch.release() || (ex instanceof java.net.SocketTimeoutException
						&& watch.remainingNanos() <= AttemptWatchdog.TICK_NANOS);
				TransportFailures.closeAborted(response, watch);
				if (ex instanceof ResponseTooLargeException || ex instanceof Error) {
					throw ex;
				}
				if (timedOut) {
					throw timedOut(timeout, ex);
				}
				if (MeshClientHttpRequestFactory.this.closed) {
					throw new IOException("Attempt to " + RedactedUris.of(this.uri)
							+ " aborted: the mesh client of service '" + MeshClientHttpRequestFactory.this.serviceId
							+ "' was closed with its application context", ex);
				}
				if (callerInterrupted) {
					// the caller's own interrupt (the watchdog's was cleared by
					// release()): whatever the library made of it
					java.io.InterruptedIOException interrupted = new java.io.InterruptedIOException(
							"Interrupted waiting for " + RedactedUris.of(this.uri));
					interrupted.initCause(new InterruptedException("the calling thread was interrupted"));
					interrupted.addSuppressed(ex);
					throw interrupted;
				}
				if (ex instanceof IOException io) {
					throw TransportFailures.normalize(io, this.uri, MeshClientHttpRequestFactory.this.serviceId);
				}
				throw (RuntimeException) ex;
			}
		}

		/**
		 * Sends the request, following redirects to the same instance; returns the final
		 * response.
		 */
		private ClientHttpResponse exchange(ClientHttpRequestFactory sender, Body content, AttemptWatchdog.Watch watch)
				throws IOException {
			URI target = this.uri;
			HttpMethod currentMethod = this.method;
			Body currentBody = content;
			for (int redirects = 0;; redirects++) {
				ClientHttpResponse response = send(sender, target, currentMethod, currentBody, watch);
				int status = statusOf(response, target);
				if (status < 200) {
					// an interim answer the library handed over as the answer
					// (HttpURLConnection does with a 103):
					// the real one follows on the connection, which is closed rather than
					// read until the deadline
					watch.abort();
					TransportFailures.closeAborted(response, watch);
					throw new IOException("Instance " + RedactedUris.origin(target) + " of service '"
							+ MeshClientHttpRequestFactory.this.serviceId + "' sent an informational " + status
							+ " response, which the " + MeshClientHttpRequestFactory.this.transportName
							+ " transport cannot skip: the attempt fails");
				}
				if (!MeshClientHttpRequestFactory.this.followRedirects || !Redirects.isRedirect(status)) {
					return response;
				}
				String location = response.getHeaders().getFirst(HttpHeaders.LOCATION);
				if (location == null) {
					return response;
				}
				URI next = Redirects.resolve(target, location);
				if (next == null || !Redirects.sameOrigin(target, next)) {
					// its connection is closed, not drained: closing a response reads the
					// rest of its body
					// (Spring's HttpComponents and Simple responses do), which an
					// instance can make endless
					watch.abort();
					TransportFailures.closeAborted(response, watch);
					throw new IOException("Instance " + RedactedUris.origin(target) + " of service '"
							+ MeshClientHttpRequestFactory.this.serviceId + "' redirected to "
							+ ((next != null) ? RedactedUris.origin(next) : "an address that is not a URI")
							+ ", which is not that instance: a mesh client follows redirects only within the instance that answered");
				}
				if (redirects >= MAX_REDIRECTS) {
					watch.abort();
					TransportFailures.closeAborted(response, watch);
					throw new IOException("Instance " + RedactedUris.origin(target) + " of service '"
							+ MeshClientHttpRequestFactory.this.serviceId + "' redirected more than " + MAX_REDIRECTS
							+ " times");
				}
				discardBody(response, target, currentMethod == HttpMethod.HEAD, watch);
				if (Redirects.becomesGet(status, currentMethod)) {
					currentMethod = HttpMethod.GET;
					currentBody = null;
				}
				target = next;
			}
		}

		/**
		 * Reads a followed redirect's body, no further than {@code max-response-size}
		 * (like any body the mesh reads), so its connection can be reused; closing the
		 * response unread would read all of it, without a limit.
		 */
		private void discardBody(ClientHttpResponse response, URI target, boolean head, AttemptWatchdog.Watch watch)
				throws IOException {
			try {
				BufferedResponse.read(response, head, MeshClientHttpRequestFactory.this.maxResponseBytes);
			}
			catch (IOException | RuntimeException ex) {
				watch.abort();
				TransportFailures.closeAborted(response, watch);
				throw ex;
			}
		}

		/**
		 * The response's status; one that is no HTTP status (as {@code HttpURLConnection}
		 * gives for garbage) fails.
		 */
		private int statusOf(ClientHttpResponse response, URI target) throws IOException {
			try {
				return response.getStatusCode().value();
			}
			catch (IllegalArgumentException ex) {
				TransportFailures.closeQuietly(response);
				throw new IOException("Malformed response from " + RedactedUris.of(target) + ": " + ex.getMessage(),
						ex);
			}
		}

		private ClientHttpResponse send(ClientHttpRequestFactory sender, URI target, HttpMethod method, Body content,
				AttemptWatchdog.Watch watch) throws IOException {
			ClientHttpRequest request = sender.createRequest(target, method);
			UrlConnectionAttemptAbort.register(request, watch, MeshClientHttpRequestFactory.this.bufferResponse);
			HttpHeaders outgoing = request.getHeaders();
			this.headers.forEach((name, values) -> {
				if (!isTransportOwned(name)
						&& (content != null || !HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(name))) {
					outgoing.addAll(name, values);
				}
			});
			if (content != null) {
				if (request instanceof StreamingHttpOutputMessage streaming) {
					streaming.setBody(content);
				}
				else {
					content.writeTo(request.getBody());
				}
			}
			ClientHttpResponse response = request.execute();
			watch.responded();
			return response;
		}

		private HttpTimeoutException timedOut(Duration timeout, Throwable cause) {
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

}
