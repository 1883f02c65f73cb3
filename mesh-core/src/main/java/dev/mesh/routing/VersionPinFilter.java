package dev.mesh.routing;

import java.io.IOException;
import java.util.Objects;
import java.util.function.Predicate;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reads the {@value VersionPin#HEADER} header of requests from trusted callers: the mesh
 * calls made while handling such a request prefer the pinned version and carry the pin
 * on. A malformed pin from a trusted caller is answered 400 naming what is wrong, so a
 * tester never takes an unpinned answer for a pinned one. From any other caller the
 * header is ignored and not passed on: a pin moves traffic onto chosen instances (a
 * canary), which an outside caller must not be able to do.
 */
public class VersionPinFilter extends OncePerRequestFilter {

	private final Predicate<HttpServletRequest> trusted;

	/**
	 * @param trusted which requests' pins are honoured; it runs only for requests that
	 * carry the header
	 */
	public VersionPinFilter(Predicate<HttpServletRequest> trusted) {
		this.trusted = Objects.requireNonNull(trusted, "trusted");
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String header = request.getHeader(VersionPin.HEADER);
		if (header == null || !this.trusted.test(request)) {
			chain.doFilter(request, response);
			return;
		}
		VersionPin pin;
		try {
			pin = VersionPin.parse(header);
		}
		catch (IllegalArgumentException ex) {
			response.setStatus(HttpStatus.BAD_REQUEST.value());
			response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
			response.getWriter()
				.write("{\"title\":\"Bad Request\",\"status\":400,\"detail\":\"" + jsonEscaped(ex.getMessage())
						+ "\"}");
			return;
		}
		VersionPin.set(pin);
		try {
			chain.doFilter(request, response);
		}
		finally {
			VersionPin.clear();
		}
	}

	private static String jsonEscaped(String text) {
		StringBuilder escaped = new StringBuilder(text.length());
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '"' || c == '\\') {
				escaped.append('\\').append(c);
			}
			else if (c < 0x20) {
				escaped.append('?');
			}
			else {
				escaped.append(c);
			}
		}
		return escaped.toString();
	}

}
