package dev.mesh.client;

import java.net.URI;

import dev.mesh.resilience.InboundDeadline;
import dev.mesh.routing.VersionPin;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.support.HttpRequestWrapper;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

/**
 * The user's request, addressed to the chosen instance and carrying the attempt's
 * timeout, which the transport enforces and the server reads as the caller's deadline,
 * and the {@value VersionPin#HEADER} pin of the request being handled, if any.
 */
final class AttemptRequest extends HttpRequestWrapper {

	private final URI uri;

	private final HttpHeaders headers;

	AttemptRequest(HttpRequest request, URI uri, long timeoutMillis, OAuth2AccessToken token) {
		super(request);
		this.uri = uri;
		this.headers = new HttpHeaders();
		// copied name by name: HttpHeaders is a Map on Spring Framework 6 only, so
		// putAll(Map) would fail on 7 (the Boot 4 line runs this same compiled class)
		request.getHeaders().forEach((name, values) -> this.headers.addAll(name, values));
		this.headers.set(InboundDeadline.HEADER, Long.toString(timeoutMillis));
		VersionPin pin = VersionPin.current();
		if (pin != null && this.headers.getFirst(VersionPin.HEADER) == null) {
			// the pin of the request being handled travels on, unless the call set its
			// own (getFirst, not containsKey: HttpHeaders is no Map on Framework 7)
			this.headers.set(VersionPin.HEADER, pin.value());
		}
		if (token != null) {
			this.headers.setBearerAuth(token.getTokenValue());
		}
	}

	@Override
	public URI getURI() {
		return this.uri;
	}

	@Override
	public HttpHeaders getHeaders() {
		return this.headers;
	}

}
