package dev.mesh.shutdown;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.GenericFilterBean;

/**
 * Puts {@value GoingAway#HEADER}{@code : <seconds left>} on every answer while the
 * instance drains ({@link DrainCoordinator#goingAway()}): before the request is handled,
 * and again after it when the drain started meanwhile and the answer is not committed
 * yet. Registered for the request, error and async dispatches, so an error page and an
 * answer completed asynchronously after the drain started carry it as well; setting the
 * header again on a later dispatch is harmless, so no once-per-request bookkeeping (a
 * request attribute per request, as {@code OncePerRequestFilter} keeps) is needed.
 * Outside a drain it adds nothing and allocates nothing.
 */
public class GoingAwayFilter extends GenericFilterBean {

	private final DrainCoordinator drain;

	/**
	 * @param drain the drain whose state to announce
	 */
	public GoingAwayFilter(DrainCoordinator drain) {
		this.drain = drain;
	}

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (!(response instanceof HttpServletResponse http)) {
			chain.doFilter(request, response);
			return;
		}
		announce(http);
		try {
			chain.doFilter(request, response);
		}
		finally {
			if (!http.isCommitted()) {
				announce(http);
			}
		}
	}

	private void announce(HttpServletResponse response) {
		if (this.drain.goingAway()) {
			response.setHeader(GoingAway.HEADER, Long.toString(this.drain.secondsLeft()));
		}
	}

	/**
	 * Called when a servlet container starts the filter: from then on a drain has
	 * requests to drain.
	 */
	@Override
	protected void initFilterBean() {
		this.drain.serving();
	}

}
