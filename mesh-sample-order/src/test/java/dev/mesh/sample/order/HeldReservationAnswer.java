package dev.mesh.sample.order;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * Added to inventory instances in tests: once {@link #arm() armed}, the next
 * {@code POST /api/reservations} to reach any of them is served in full (the reservation
 * is made and committed) but its answer is held back until {@link #release()}, as when a
 * response is lost or late. The caller's per-attempt timeout then ends that attempt and
 * the mesh retries elsewhere. No sleeping: the held thread waits on a latch.
 */
@Configuration(proxyBeanMethods = false)
class HeldReservationAnswer {

	private static final AtomicBoolean armed = new AtomicBoolean();

	private static volatile CountDownLatch released = new CountDownLatch(0);

	/** Holds the answer to the next reservation request. */
	static void arm() {
		released = new CountDownLatch(1);
		armed.set(true);
	}

	/** Lets a held answer go (to a caller that has long given up on it). */
	static void release() {
		armed.set(false);
		released.countDown();
	}

	@Bean
	FilterRegistrationBean<OncePerRequestFilter> heldReservationAnswerFilter() {
		FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(
				new OncePerRequestFilter() {

					@Override
					protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
							FilterChain chain) throws ServletException, IOException {
						boolean reservation = "POST".equals(request.getMethod())
								&& "/api/reservations".equals(request.getRequestURI());
						if (!reservation || !armed.compareAndSet(true, false)) {
							chain.doFilter(request, response);
							return;
						}
						// The body stays in the wrapper, so nothing reaches the caller
						// until the latch opens.
						ContentCachingResponseWrapper held = new ContentCachingResponseWrapper(response);
						chain.doFilter(request, held);
						try {
							released.await(60, TimeUnit.SECONDS);
						}
						catch (InterruptedException ex) {
							Thread.currentThread().interrupt();
						}
						held.copyBodyToResponse();
					}

				});
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

}
