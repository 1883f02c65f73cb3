package dev.mesh.resilience;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reads the caller's {@value InboundDeadline#HEADER} header: mesh calls made while handling the request
 * are capped to the time the caller has left, and a request whose deadline has already passed is
 * answered 504 without starting any work. A value that is not a whole number is ignored.
 */
public class InboundDeadlineFilter extends OncePerRequestFilter {

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		Long millis = InboundDeadline.parseMillis(request.getHeader(InboundDeadline.HEADER));
		if (millis == null) {
			chain.doFilter(request, response);
			return;
		}
		if (millis <= 0) {
			response.setStatus(HttpStatus.GATEWAY_TIMEOUT.value());
			response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
			response.getWriter().write("{\"title\":\"Deadline exceeded\",\"status\":504,\"detail\":\"The caller's deadline ("
					+ InboundDeadline.HEADER + ": " + millis + ") passed before work started\"}");
			return;
		}
		InboundDeadline.set(System.nanoTime() + millis * 1_000_000L);
		try {
			chain.doFilter(request, response);
		}
		finally {
			InboundDeadline.clear();
		}
	}

}
