package dev.mesh.client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpResponse;

/**
 * A response whose body was read in full within its attempt (see
 * {@link ResponseSizeLimit}); the transport's response is closed once it is read, which
 * returns its connection to the pool.
 */
final class BufferedResponse implements ClientHttpResponse {

	private final HttpStatusCode status;

	private final String statusText;

	private final HttpHeaders headers;

	private final byte[] body;

	BufferedResponse(HttpStatusCode status, String statusText, HttpHeaders headers, byte[] body) {
		this.status = status;
		this.statusText = statusText;
		this.headers = headers;
		this.body = body;
	}

	/**
	 * Reads a transport's response in full and closes it.
	 * @param response the response
	 * @param head whether the request was a HEAD
	 * @param maxBytes the most bytes its body may have
	 * @throws ResponseSizeLimit.Exceeded when the body is longer (the response is then
	 * left open, for the caller to abort its exchange before closing it)
	 */
	static BufferedResponse read(ClientHttpResponse response, boolean head, long maxBytes) throws IOException {
		if (response instanceof BufferedResponse buffered) {
			// read in full by the transport itself (the jdk transport)
			return buffered;
		}
		HttpStatusCode status = response.getStatusCode();
		HttpHeaders headers = HttpHeaders.readOnlyHttpHeaders(response.getHeaders());
		long announced = ResponseSizeLimit.announcedLength(headers, status.value(), head);
		byte[] body;
		if (head) {
			body = new byte[0];
		}
		else {
			InputStream stream = response.getBody();
			body = ResponseSizeLimit.read(stream, announced, maxBytes);
			if (announced > body.length) {
				// some clients (HttpURLConnection) end a body the server broke off as if
				// it were whole
				throw new java.io.EOFException("The response ended after " + body.length + " of the " + announced
						+ " bytes its Content-Length announced");
			}
		}
		String text = response.getStatusText();
		response.close();
		return new BufferedResponse(status, text, headers, body);
	}

	@Override
	public HttpStatusCode getStatusCode() {
		return this.status;
	}

	@Override
	public String getStatusText() {
		return this.statusText;
	}

	@Override
	public HttpHeaders getHeaders() {
		return this.headers;
	}

	@Override
	public InputStream getBody() {
		return new ByteArrayInputStream(this.body);
	}

	@Override
	public void close() {
	}

}
