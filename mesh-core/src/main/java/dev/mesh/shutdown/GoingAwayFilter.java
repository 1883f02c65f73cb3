package dev.mesh.shutdown;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Puts {@value GoingAway#HEADER}{@code : <seconds left>} on every answer while the
 * instance drains ({@link DrainCoordinator#goingAway()}): before the request is handled,
 * and again after it when the drain started meanwhile and the answer is not committed
 * yet. Error and async dispatches are filtered too, so an error page and an answer
 * completed asynchronously after the drain started carry it as well. Outside a drain it
 * adds nothing and allocates nothing.
 */
public class GoingAwayFilter extends OncePerRequestFilter {

	private final DrainCoordinator drain;

	/**
	 * @param drain the drain whose state to announce
	 */
	public GoingAwayFilter(DrainCoordinator drain) {
		this.drain = drain;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		announce(response);
		try {
			chain.doFilter(request, response);
		}
		finally {
			if (!response.isCommitted()) {
				announce(response);
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

	@Override
	protected boolean shouldNotFilterErrorDispatch() {
		return false;
	}

	@Override
	protected boolean shouldNotFilterAsyncDispatch() {
		return false;
	}

}
