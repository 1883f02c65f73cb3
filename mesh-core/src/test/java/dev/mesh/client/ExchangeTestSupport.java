package dev.mesh.client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRequest;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Requests and answers for driving the interceptor with an execution of the test's own,
 * for the unit tests of the pipeline's steps.
 */
final class ExchangeTestSupport {

	private ExchangeTestSupport() {
	}

	/**
	 * @param method the method
	 * @return a request to {@code http://inventory/api/stock}, without headers
	 */
	static HttpRequest request(HttpMethod method) {
		return new HttpRequest() {

			private final HttpHeaders headers = new HttpHeaders();

			private final Map<String, Object> attributes = new HashMap<>();

			@Override
			public HttpMethod getMethod() {
				return method;
			}

			@Override
			public URI getURI() {
				return URI.create("http://inventory/api/stock");
			}

			@Override
			public HttpHeaders getHeaders() {
				return this.headers;
			}

			@Override
			public Map<String, Object> getAttributes() {
				return this.attributes;
			}

		};
	}

	/** An answer with a status, headers and an empty body. */
	static class Answer implements ClientHttpResponse {

		private final int status;

		private final HttpHeaders headers = new HttpHeaders();

		Answer(int status) {
			this.status = status;
		}

		/**
		 * @param name a header's name
		 * @param value its value, added to any it has
		 * @return this answer
		 */
		Answer with(String name, String value) {
			this.headers.add(name, value);
			return this;
		}

		@Override
		public HttpStatusCode getStatusCode() throws IOException {
			return HttpStatusCode.valueOf(this.status);
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
			return new ByteArrayInputStream(new byte[0]);
		}

		@Override
		public void close() {
		}

	}

}
