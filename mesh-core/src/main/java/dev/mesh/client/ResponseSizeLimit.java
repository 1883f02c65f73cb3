package dev.mesh.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

import org.springframework.http.HttpHeaders;

/**
 * Reads a response body into a {@code byte[]} without ever holding more than a limit: a
 * body whose {@code Content-Length} is over it is refused before a byte of it is read,
 * and one that grows past it (chunked, or longer than announced) is refused by the read
 * that crosses it. A refused body ends in {@link Exceeded}; the caller then aborts the
 * exchange, which closes the connection instead of reading the rest.
 *
 * <p>
 * Written here because Spring's and the HTTP clients' ways of reading a whole body
 * ({@code InputStream.readAllBytes}, {@code StreamUtils.copyToByteArray}) have no limit.
 */
final class ResponseSizeLimit {

	private static final int CHUNK = 8192;

	/** The largest announced body read straight into an array of its size. */
	static final int EXACT_MAX = 1024 * 1024;

	private ResponseSizeLimit() {
	}

	/**
	 * @param headers the response's headers
	 * @param status its status
	 * @param head whether the request was a HEAD, whose answer announces the length of a
	 * body it does not have
	 * @return the body's announced {@code Content-Length}, or {@code -1} when it has
	 * none, announces none, or announces one that is not a number of at most 18 digits
	 */
	static long announcedLength(HttpHeaders headers, int status, boolean head) {
		return announcedLength(status, head, headers.getFirst(HttpHeaders.CONTENT_LENGTH));
	}

	/**
	 * @param status a response's status
	 * @param head whether the request was a HEAD
	 * @param contentLength its {@code Content-Length} header, or {@code null}
	 * @return the body's announced length, or {@code -1} (see
	 * {@link #announcedLength(HttpHeaders, int, boolean)})
	 */
	static long announcedLength(int status, boolean head, String contentLength) {
		if (head || status < 200 || status == 204 || status == 304) {
			return -1;
		}
		if (contentLength == null || contentLength.isEmpty() || contentLength.length() > 18) {
			// more than 18 digits may overflow a long: left to the HTTP client, which
			// fails the exchange on it
			return -1;
		}
		// by hand, on every response: no stream allocated, and only ASCII digits
		// (Long.parseLong takes any script's)
		long length = 0;
		for (int i = 0; i < contentLength.length(); i++) {
			char c = contentLength.charAt(i);
			if (c < '0' || c > '9') {
				return -1;
			}
			length = length * 10 + (c - '0');
		}
		return length;
	}

	/**
	 * @param body the body's stream ({@code null} for none)
	 * @param announced its announced length, or {@code -1}
	 * @param maxBytes the most bytes it may have
	 * @return the whole body
	 * @throws Exceeded when it is longer than {@code maxBytes}
	 */
	static byte[] read(InputStream body, long announced, long maxBytes) throws IOException {
		if (announced > maxBytes) {
			throw new Exceeded("Content-Length " + announced);
		}
		if (body == null || announced == 0) {
			return new byte[0];
		}
		ByteArrayOutputStream out;
		long received = 0;
		if (announced > 0 && announced <= EXACT_MAX) {
			// the usual case, on every buffered response: read straight into an array of
			// the announced size,
			// with no chunk buffer and no copy (the general way below costs an 8 KB chunk
			// and two copies)
			byte[] exact = new byte[(int) announced];
			int n = 0;
			for (int r; n < exact.length && (r = body.read(exact, n, exact.length - n)) != -1;) {
				n += r;
				failIfInterrupted();
			}
			if (n < exact.length) {
				// ended early: the caller tells that from the announced length
				return Arrays.copyOf(exact, n);
			}
			int next = body.read();
			if (next == -1) {
				return exact;
			}
			// more than announced (a client that does not frame the body by it): read on
			// under the limit as below
			received = n + 1L;
			if (received > maxBytes) {
				throw new Exceeded("more than " + maxBytes + " bytes arrived");
			}
			out = new ByteArrayOutputStream(n + 256);
			out.write(exact, 0, n);
			out.write(next);
		}
		else {
			// grown as bytes arrive, not sized to a large announced length before any has
			out = new ByteArrayOutputStream((announced > 0) ? EXACT_MAX : 256);
		}
		byte[] chunk = new byte[(int) Math.min(CHUNK, maxBytes + 1)];
		for (int n; (n = body.read(chunk, 0, (int) Math.min(chunk.length, maxBytes + 1 - received))) != -1;) {
			received += n;
			if (received > maxBytes) {
				throw new Exceeded("more than " + maxBytes + " bytes arrived");
			}
			out.write(chunk, 0, n);
			failIfInterrupted();
		}
		return out.toByteArray();
	}

	/**
	 * Ends a read the attempt's watchdog (or the caller) interrupted: a body that
	 * trickles in keeps each socket read of a client that ignores interrupts
	 * ({@code HttpURLConnection}) within its read timeout, so only a look between reads
	 * keeps the attempt's deadline.
	 */
	private static void failIfInterrupted() throws java.io.InterruptedIOException {
		if (Thread.currentThread().isInterrupted()) {
			throw new java.io.InterruptedIOException("Interrupted reading the response body");
		}
	}

	/**
	 * Why a body was refused; turned into {@link ResponseTooLargeException} by the
	 * transport.
	 */
	static final class Exceeded extends IOException {

		Exceeded(String detail) {
			super(detail, null);
		}

	}

}
