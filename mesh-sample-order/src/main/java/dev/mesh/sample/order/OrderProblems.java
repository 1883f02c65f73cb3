package dev.mesh.sample.order;

import java.util.Map;
import java.util.TreeMap;

import dev.mesh.client.NoInstanceAvailableException;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;

/**
 * Turns failures of order and of its calls to inventory into problem details
 * ({@code application/problem+json}): no inventory instance is 503, inventory refusing
 * for lack of stock is 409, anything else inventory did wrong is 502. An invalid request
 * body gets an {@code errors} property (field to message); other Spring MVC failures,
 * such as an unreadable body, are answered by Boot's problem details support
 * ({@code spring.mvc.problemdetails.enabled}), which this advice precedes.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
final class OrderProblems {

	@ExceptionHandler
	ProblemDetail invalidRequest(MethodArgumentNotValidException ex) {
		Map<String, String> errors = new TreeMap<>();
		ex.getFieldErrors().forEach((error) -> errors.putIfAbsent(error.getField(), error.getDefaultMessage()));
		ProblemDetail problem = ex.getBody();
		problem.setProperty("errors", errors);
		return problem;
	}

	@ExceptionHandler
	ProblemDetail orderNotFound(OrderNotFoundException ex) {
		return problem(HttpStatus.NOT_FOUND, "Order not found", ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail noInventoryInstance(NoInstanceAvailableException ex) {
		ProblemDetail problem = problem(HttpStatus.SERVICE_UNAVAILABLE, "Inventory unavailable", ex.getMessage());
		problem.setProperty("service", ex.getServiceId());
		return problem;
	}

	@ExceptionHandler
	ProblemDetail inventoryAnswered(RestClientResponseException ex) {
		if (ex.getStatusCode().isSameCodeAs(HttpStatus.CONFLICT)) {
			return problem(HttpStatus.CONFLICT, "Insufficient stock", detailOf(ex));
		}
		return problem(HttpStatus.BAD_GATEWAY, "Inventory failed",
				"inventory answered " + ex.getStatusCode().value() + ": " + detailOf(ex));
	}

	@ExceptionHandler
	ProblemDetail inventoryFailed(RestClientException ex) {
		return problem(HttpStatus.BAD_GATEWAY, "Inventory failed", ex.getMessage());
	}

	private static String detailOf(RestClientResponseException ex) {
		try {
			ProblemDetail inventoryProblem = ex.getResponseBodyAs(ProblemDetail.class);
			if (inventoryProblem != null && inventoryProblem.getDetail() != null) {
				return inventoryProblem.getDetail();
			}
		}
		catch (RuntimeException ignored) {
			// not a problem body, or not readable: fall back to the status text
		}
		return ex.getStatusText();
	}

	private static ProblemDetail problem(HttpStatus status, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setTitle(title);
		return problem;
	}

}
