package dev.mesh.sample.inventory;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Adds {@value #HEADER} with this instance's id to every response, errors included.
 */
@Component
final class InstanceHeaderFilter extends OncePerRequestFilter {

	/** Response header that names the instance that served the request. */
	static final String HEADER = "X-Mesh-Instance";

	private final InstanceId instanceId;

	InstanceHeaderFilter(InstanceId instanceId) {
		this.instanceId = instanceId;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		response.setHeader(HEADER, this.instanceId.value());
		chain.doFilter(request, response);
	}

	@Override
	protected boolean shouldNotFilterErrorDispatch() {
		// The container's error page dispatch may reset the response; set the header
		// again there.
		return false;
	}

}
