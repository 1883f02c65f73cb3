package dev.mesh.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * Answers a request with a valid token that a caller rule denies: 403 with an
 * {@code application/problem+json} body naming what was missing (the caller or the
 * scopes, never the token) and
 * {@code WWW-Authenticate: Bearer error="insufficient_scope"} as RFC 6750 asks, with the
 * missing scopes in its {@code scope} attribute.
 */
final class ProblemAccessDeniedHandler implements AccessDeniedHandler {

	@Override
	public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException exception)
			throws IOException {
		String detail = "access denied";
		Set<String> missingScopes = Set.of();
		if (exception instanceof AuthorizationDeniedException denied
				&& denied.getAuthorizationResult() instanceof CallerDecision decision) {
			detail = decision.reason();
			missingScopes = decision.missingScopes();
		}
		String challenge = "Bearer error=\"insufficient_scope\"";
		if (!missingScopes.isEmpty()) {
			challenge += ", scope=\"" + String.join(" ", missingScopes) + "\"";
		}
		response.setStatus(HttpStatus.FORBIDDEN.value());
		response.setHeader(HttpHeaders.WWW_AUTHENTICATE, challenge);
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		byte[] body = ("{\"type\":\"about:blank\",\"title\":\"Forbidden\",\"status\":403,\"detail\":" + json(detail)
				+ ",\"instance\":" + json(request.getRequestURI()) + "}")
			.getBytes(StandardCharsets.UTF_8);
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
	}

	static String json(String text) {
		StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '"' -> quoted.append("\\\"");
				case '\\' -> quoted.append("\\\\");
				default -> {
					if (c < 0x20) {
						quoted.append(String.format("\\u%04x", (int) c));
					}
					else {
						quoted.append(c);
					}
				}
			}
		}
		return quoted.append('"').toString();
	}

}
