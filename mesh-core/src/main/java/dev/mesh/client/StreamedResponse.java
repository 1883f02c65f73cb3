package dev.mesh.client;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpResponse;

/**
 * A 2xx response whose body the caller reads as a stream ({@code buffer-response=false}).
 * Closing it, or its body, before the body's end aborts the exchange, which closes the
 * connection, rather than reading the rest: Spring's responses of Apache HttpClient and
 * {@code HttpURLConnection} drain a body on close to keep the connection, which for a
 * large download means reading it all and for an endless one (events) never returns, and
 * by then no deadline watches the exchange. A body read to its end is closed as usual, so
 * its connection goes back to the pool. A body that ends before its announced
 * {@code Content-Length} fails the read (some clients, {@code HttpURLConnection}, end it
 * as if it were whole).
 */
final class StreamedResponse implements ClientHttpResponse {

	private final ClientHttpResponse response;

	private final Runnable abort;

	private final boolean abortClosesResponse;

	private final long announced;

	private Body body;

	private boolean closed;

	/**
	 * @param response the transport's response
	 * @param abort what ends its exchange without reading on, or {@code null} when
	 * closing does (the JDK client)
	 * @param abortClosesResponse whether the abort closes the response too, which must
	 * then not be closed again (Spring's close would read the rest of the body)
	 * @param announced the body's announced length, or {@code -1}
	 */
	StreamedResponse(ClientHttpResponse response, Runnable abort, boolean abortClosesResponse, long announced) {
		this.response = response;
		this.abort = abort;
		this.abortClosesResponse = abortClosesResponse;
		this.announced = announced;
	}

	@Override
	public HttpStatusCode getStatusCode() throws IOException {
		return this.response.getStatusCode();
	}

	@Override
	public String getStatusText() throws IOException {
		return this.response.getStatusText();
	}

	@Override
	public HttpHeaders getHeaders() {
		return this.response.getHeaders();
	}

	@Override
	public InputStream getBody() throws IOException {
		if (this.body == null) {
			InputStream stream = this.response.getBody();
			this.body = new Body((stream != null) ? stream : InputStream.nullInputStream());
		}
		return this.body;
	}

	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		if (this.body == null || !this.body.ended) {
			abortExchange();
			if (this.abort != null && this.abortClosesResponse) {
				return;
			}
		}
		TransportFailures.closeQuietly(this.response);
	}

	private void abortExchange() {
		if (this.abort != null) {
			try {
				this.abort.run();
			}
			catch (RuntimeException ex) {
				// closing anyway
			}
		}
	}

	/** The body's stream: knows whether it was read to its end. */
	private final class Body extends FilterInputStream {

		private long received;

		private boolean ended;

		Body(InputStream in) {
			super(in);
		}

		@Override
		public int read() throws IOException {
			int b = super.read();
			count((b == -1) ? -1 : 1);
			return b;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			int n = super.read(buffer, offset, length);
			if (length > 0) {
				count(n);
			}
			return n;
		}

		@Override
		public long skip(long n) throws IOException {
			long skipped = super.skip(n);
			this.received += Math.max(0, skipped);
			return skipped;
		}

		private void count(int n) throws EOFException {
			if (n >= 0) {
				this.received += n;
				return;
			}
			if (StreamedResponse.this.announced > this.received) {
				throw new EOFException("The response ended after " + this.received + " of the "
						+ StreamedResponse.this.announced + " bytes its Content-Length announced");
			}
			this.ended = true;
		}

		@Override
		public void close() throws IOException {
			if (!this.ended) {
				abortExchange();
			}
			try {
				super.close();
			}
			catch (IOException ex) {
				if (this.ended) {
					throw ex;
				}
				// the exchange was aborted: its stream fails to close
			}
		}

	}

}
