package dev.mesh.sample.inventory;

import java.util.Map;
import java.util.TreeMap;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Turns the inventory's failures into problem details ({@code application/problem+json}). An invalid
 * request body gets an {@code errors} property (field to message); other Spring MVC failures, such as an
 * unreadable body, are answered by Boot's problem details support ({@code spring.mvc.problemdetails.enabled}),
 * which this advice precedes.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
final class InventoryProblems {

	@ExceptionHandler
	ProblemDetail invalidRequest(MethodArgumentNotValidException ex) {
		Map<String, String> errors = new TreeMap<>();
		ex.getFieldErrors().forEach((error) -> errors.putIfAbsent(error.getField(), error.getDefaultMessage()));
		ProblemDetail problem = ex.getBody();
		problem.setProperty("errors", errors);
		return problem;
	}

	@ExceptionHandler
	ProblemDetail unknownSku(UnknownSkuException ex) {
		return problem(HttpStatus.NOT_FOUND, "Unknown SKU", ex);
	}

	@ExceptionHandler
	ProblemDetail insufficientStock(InsufficientStockException ex) {
		return problem(HttpStatus.CONFLICT, "Insufficient stock", ex);
	}

	@ExceptionHandler
	ProblemDetail idempotencyKeyReused(IdempotencyKeyReusedException ex) {
		return problem(HttpStatus.UNPROCESSABLE_ENTITY, "Idempotency-Key reused", ex);
	}

	private static ProblemDetail problem(HttpStatus status, String title, RuntimeException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, ex.getMessage());
		problem.setTitle(title);
		return problem;
	}

}
