package dev.mesh.sample.inventory;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Turns the inventory's own failures into problem details ({@code application/problem+json}). Malformed
 * and invalid requests are answered by Spring MVC's problem details support
 * ({@code spring.mvc.problemdetails.enabled}).
 */
@RestControllerAdvice
final class InventoryProblems {

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
