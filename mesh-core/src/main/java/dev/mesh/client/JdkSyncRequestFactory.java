package dev.mesh.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.mesh.discovery.RedactedUris;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.StreamingHttpOutputMessage;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.util.CollectionUtils;
import org.springframework.util.ReflectionUtils;

/**
 * The {@code jdk} transport: the JDK {@link HttpClient} that Spring Boot built (with the
 * application's settings, SSL bundle and customizers), driven with its synchronous
 * {@code send} on the calling thread.
 *
 * <p>
 * Not Spring's {@link JdkClientHttpRequestFactory}, which waits on {@code sendAsync} and
 * reads the body through {@code BodyHandlers.ofInputStream()}: on JDK 17 a read blocked
 * in that stream is not ended by an interrupt nor by closing it, so an instance that
 * stops mid-body would hold the caller past its deadline, and every exchange is handed to
 * the client's executor and back (about 3 times the latency of a blocking client on the
 * benchmark machine, docs/benchmarks.md). With {@code send} and a body handler that reads
 * the whole body (up to {@code max-response-size}, {@link JdkBodyLimit}), the watchdog's
 * interrupt cancels the exchange whatever phase it is in, and the JDK closes its
 * connection. With {@code buffer-response=false} the body is a stream, read by the caller
 * after the attempt.
 *
 * <p>
 * The client is read from Spring's factory, which has no getter for it, by reflection;
 * the factory is made by Boot's builder so that nothing the application configured is
 * lost.
 */
final class JdkSyncRequestFactory implements ClientHttpRequestFactory, AutoCloseable {

	private static final Log logger = LogFactory.getLog(JdkSyncRequestFactory.class);

	private static final Field CLIENT = ReflectionUtils.findField(JdkClientHttpRequestFactory.class, "httpClient",
			HttpClient.class);

	/** {@code HttpClient.shutdownNow()}, JDK 21 and later; {@code null} before. */
	private static final Method SHUTDOWN_NOW = ReflectionUtils.findMethod(HttpClient.class, "shutdownNow");

	private static final Field READ_TIMEOUT = ReflectionUtils.findField(JdkClientHttpRequestFactory.class,
			"readTimeout", java.time.Duration.class);

	static {
		if (CLIENT != null) {
			ReflectionUtils.makeAccessible(CLIENT);
		}
		if (READ_TIMEOUT != null) {
			ReflectionUtils.makeAccessible(READ_TIMEOUT);
		}
	}

	private final HttpClient client;

	private final HttpResponse.BodyHandler<byte[]> bodyHandler;

	private final HttpResponse.BodyHandler<byte[]> headBodyHandler;

	private final boolean buffer;

	/** The application's {@code spring.http.client.read-timeout}, or {@code null}. */
	private java.time.Duration readTimeout;

	/**
	 * @param client the JDK client
	 * @param maxResponseBytes the largest body read
	 * @param buffer whether bodies are read in full within the attempt
	 */
	JdkSyncRequestFactory(HttpClient client, long maxResponseBytes, boolean buffer) {
		this.client = client;
		this.bodyHandler = JdkBodyLimit.handler(maxResponseBytes, false);
		this.headBodyHandler = JdkBodyLimit.handler(maxResponseBytes, true);
		this.buffer = buffer;
	}

	/**
	 * @param factory Spring's JDK request factory, as Boot built it
	 * @return its client, or {@code null} when this Spring version keeps it elsewhere
	 */
	static java.time.Duration readTimeoutOf(JdkClientHttpRequestFactory factory) {
		return (READ_TIMEOUT != null) ? (java.time.Duration) ReflectionUtils.getField(READ_TIMEOUT, factory) : null;
	}

	/**
	 * Keeps the application's {@code spring.http.client.read-timeout}, as Boot set it on
	 * Spring's factory.
	 */
	JdkSyncRequestFactory withReadTimeout(java.time.Duration readTimeout) {
		this.readTimeout = readTimeout;
		return this;
	}

	static HttpClient clientOf(JdkClientHttpRequestFactory factory) {
		return (CLIENT != null) ? (HttpClient) ReflectionUtils.getField(CLIENT, factory) : null;
	}

	@Override
	public ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) {
		return new Request(uri, httpMethod);
	}

	/**
	 * On JDK 21 and later closes the client's connections and ends its threads; before,
	 * the GC does.
	 */
	@Override
	public void close() {
		if (SHUTDOWN_NOW != null) {
			try {
				SHUTDOWN_NOW.invoke(this.client);
			}
			catch (ReflectiveOperationException | RuntimeException ex) {
				logger.debug("Could not shut down a mesh JDK HTTP client", ex);
			}
		}
	}

	/**
	 * Whether the JDK client sets this header itself and refuses it from callers
	 * ({@code Connection}, {@code Content-Length}, {@code Expect}, {@code Host},
	 * {@code Upgrade}, in any case).
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

	/**
	 * A request body for the JDK client. The body the mesh hands over (the caller's
	 * bytes, buffered once by the {@code RestClient}) is written once into an array of
	 * exactly its {@code Content-Length}, rather than into a growing buffer and copied
	 * out of it again; the JDK then copies it into its send buffers 16 KB at a time
	 * ({@code ofByteArrays}, where {@code ofByteArray} would copy it all at once). That
	 * one copy per attempt is the JDK client's: its publishers take no caller's array as
	 * it is.
	 */
	private static HttpRequest.BodyPublisher publisherOf(StreamingHttpOutputMessage.Body body, long length,
			ByteArrayOutputStream written) throws IOException {
		if (body == null) {
			return (written.size() == 0) ? HttpRequest.BodyPublishers.noBody()
					: HttpRequest.BodyPublishers.ofByteArray(written.toByteArray());
		}
		byte[] bytes;
		if (length > 0 && length <= Integer.MAX_VALUE - 8) {
			ExactArray exact = new ExactArray((int) length);
			body.writeTo(exact);
			bytes = exact.bytes();
		}
		else {
			ByteArrayOutputStream any = new ByteArrayOutputStream(256);
			body.writeTo(any);
			bytes = any.toByteArray();
		}
		return (bytes.length == 0) ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers
			.fromPublisher(HttpRequest.BodyPublishers.ofByteArrays(List.of(bytes)), bytes.length);
	}

	/**
	 * Collects a body announced with a length into an array of that length; one that is
	 * longer or shorter is copied.
	 */
	private static final class ExactArray extends OutputStream {

		private byte[] bytes;

		private int size;

		ExactArray(int length) {
			this.bytes = new byte[length];
		}

		@Override
		public void write(int b) {
			ensure(1);
			this.bytes[this.size++] = (byte) b;
		}

		@Override
		public void write(byte[] b, int off, int len) {
			ensure(len);
			System.arraycopy(b, off, this.bytes, this.size, len);
			this.size += len;
		}

		private void ensure(int more) {
			if (this.bytes.length - this.size < more) {
				this.bytes = java.util.Arrays.copyOf(this.bytes, Math.max(this.size + more, this.bytes.length * 2));
			}
		}

		byte[] bytes() {
			return (this.size == this.bytes.length) ? this.bytes : java.util.Arrays.copyOf(this.bytes, this.size);
		}

	}

	private final class Request implements ClientHttpRequest, StreamingHttpOutputMessage {

		private final URI uri;

		private final HttpMethod method;

		private final HttpHeaders headers = new HttpHeaders();

		private final ByteArrayOutputStream body = new ByteArrayOutputStream(256);

		private final Map<String, Object> attributes = new HashMap<>();

		private StreamingHttpOutputMessage.Body streamingBody;

		Request(URI uri, HttpMethod method) {
			this.uri = uri;
			this.method = method;
		}

		@Override
		public HttpHeaders getHeaders() {
			return this.headers;
		}

		@Override
		public OutputStream getBody() {
			return this.body;
		}

		@Override
		public void setBody(StreamingHttpOutputMessage.Body body) {
			this.streamingBody = body;
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
			HttpRequest.Builder request = HttpRequest.newBuilder(this.uri);
			if (JdkSyncRequestFactory.this.readTimeout != null) {
				// the JDK's request timeout, as Spring's factory applies it: until the
				// response's headers
				request.timeout(JdkSyncRequestFactory.this.readTimeout);
			}
			request.method(this.method.name(),
					publisherOf(this.streamingBody, this.headers.getContentLength(), this.body));
			this.headers.forEach((name, values) -> {
				if (!isRestricted(name)) {
					values.forEach((value) -> request.header(name, value));
				}
			});
			try {
				if (!JdkSyncRequestFactory.this.buffer) {
					HttpResponse<InputStream> response = JdkSyncRequestFactory.this.client.send(request.build(),
							HttpResponse.BodyHandlers.ofInputStream());
					return new Streamed(response);
				}
				HttpResponse<byte[]> response = JdkSyncRequestFactory.this.client.send(request.build(),
						(this.method == HttpMethod.HEAD) ? JdkSyncRequestFactory.this.headBodyHandler
								: JdkSyncRequestFactory.this.bodyHandler);
				byte[] bytes = response.body();
				return new BufferedResponse(HttpStatusCode.valueOf(response.statusCode()), "",
						headersOf(response.headers().map()), (bytes != null) ? bytes : new byte[0]);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				InterruptedIOException interrupted = new InterruptedIOException(
						"Interrupted waiting for " + RedactedUris.of(this.uri));
				interrupted.initCause(ex);
				throw interrupted;
			}
			catch (IOException ex) {
				for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
					if (cause instanceof ResponseSizeLimit.Exceeded exceeded) {
						throw exceeded;
					}
				}
				throw ex;
			}
			catch (IllegalArgumentException ex) {
				// the request was checked, so this is the JDK refusing the response, such
				// as a Content-Length that
				// is not a number: the instance's failure, like any bad answer
				throw new IOException("Malformed response from " + RedactedUris.of(this.uri) + ": " + ex.getMessage(),
						ex);
			}
		}

	}

	/**
	 * The response's headers as Spring's read-only {@link HttpHeaders}: a view of the
	 * JDK's map, whose names are already case-insensitive; copied only when the map holds
	 * HTTP/2 pseudo-headers.
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

	/**
	 * A response whose body the caller reads as a stream ({@code buffer-response=false}).
	 */
	private static final class Streamed implements ClientHttpResponse {

		private final HttpResponse<InputStream> response;

		private final HttpHeaders headers;

		Streamed(HttpResponse<InputStream> response) {
			this.response = response;
			this.headers = headersOf(response.headers().map());
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
			return this.response.body();
		}

		@Override
		public void close() {
			try {
				this.response.body().close();
			}
			catch (IOException ex) {
				// closing
			}
		}

	}

}
