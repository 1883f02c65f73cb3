package dev.mesh.resilience;

import java.io.IOException;

import dev.mesh.discovery.MeshClock;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reads the caller's {@value InboundDeadline#HEADER} header: mesh calls made while
 * handling the request are capped to the time the caller has left, and a request whose
 * deadline has already passed is answered 504 without starting any work. A value that is
 * not a whole number (see {@link InboundDeadline#parseMillis(String)}) or is too large to
 * be a deadline is ignored.
 *
 * <p>
 * Honoured from every caller, before authentication, because it can only shorten the
 * handling of the caller's own request: outbound calls take the shorter of it and their
 * own timeouts, and an attempt it cuts short is aborted, never counted against the called
 * instance (see {@code docs/security.md}).
 */
public class InboundDeadlineFilter extends OncePerRequestFilter {

	private final MeshClock clock;

	/** Creates a filter on the system clock. */
	public InboundDeadlineFilter() {
		this(MeshClock.system());
	}

	/**
	 * Creates a filter that sets deadlines on a clock.
	 * @param clock the clock whose monotonic time the deadline is set on: the one the
	 * mesh clients read
	 */
	public InboundDeadlineFilter(MeshClock clock) {
		this.clock = clock;
	}

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
			response.getWriter()
				.write("{\"title\":\"Deadline exceeded\",\"status\":504,\"detail\":\"The caller's deadline ("
						+ InboundDeadline.HEADER + ": " + millis + ") passed before work started\"}");
			return;
		}
		// the sum may wrap round for a far deadline; only differences from nanoTime are
		// ever used, which stay exact
		InboundDeadline.set(this.clock.nanoTime() + InboundDeadline.toNanos(millis));
		try {
			chain.doFilter(request, response);
		}
		finally {
			InboundDeadline.clear();
		}
	}

}
