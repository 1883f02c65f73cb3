package dev.mesh.client;

import java.io.IOException;
import java.io.InputStream;

import dev.mesh.shutdown.GoingAway;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpResponse;

/**
 * The answer handed to the application without {@value GoingAway#HEADER}: the header is
 * between a draining instance and the mesh client that called it. Passed on, it would
 * travel further than meant: an application that relays an answer with its headers (a
 * gateway, a proxying controller) would tell its own callers that it is going away, and
 * they would stop picking a healthy instance.
 */
final class GoingAwayHiddenResponse implements ClientHttpResponse {

	private final ClientHttpResponse response;

	private final HttpHeaders headers;

	private GoingAwayHiddenResponse(ClientHttpResponse response, HttpHeaders headers) {
		this.response = response;
		this.headers = headers;
	}

	/**
	 * @param response an answer, or {@code null}
	 * @return the answer itself when it has no {@value GoingAway#HEADER}, else the same
	 * answer without it
	 */
	static ClientHttpResponse of(ClientHttpResponse response) {
		if (response == null || !GoingAway.announced(response.getHeaders())) {
			return response;
		}
		HttpHeaders headers = new HttpHeaders();
		// name by name: HttpHeaders is no MultiValueMap on Spring Framework 7
		response.getHeaders().forEach((name, values) -> {
			if (!GoingAway.HEADER.equalsIgnoreCase(name)) {
				headers.addAll(name, values);
			}
		});
		return new GoingAwayHiddenResponse(response, HttpHeaders.readOnlyHttpHeaders(headers));
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
		return this.headers;
	}

	@Override
	public InputStream getBody() throws IOException {
		return this.response.getBody();
	}

	@Override
	public void close() {
		this.response.close();
	}

}
