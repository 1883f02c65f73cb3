package dev.mesh.sample.inventory;

import java.util.Map;
import java.util.TreeMap;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Turns the inventory's failures into problem details ({@code application/problem+json}).
 * An invalid request body gets an {@code errors} property (field to message); other
 * Spring MVC failures, such as an unreadable body, are answered by Boot's problem details
 * support ({@code spring.mvc.problemdetails.enabled}), which this advice precedes. When
 * the shared database cannot be reached or is busy the answer is 503 with
 * {@code Retry-After}, which the mesh retries on another instance within the caller's
 * deadline (safe: nothing was stored, and a reservation carries its
 * {@code Idempotency-Key}).
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

	@ExceptionHandler
	ProblemDetail invalidIdempotencyKey(InvalidIdempotencyKeyException ex) {
		return problem(HttpStatus.BAD_REQUEST, "Invalid Idempotency-Key", ex);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> databaseUnavailable(DataAccessResourceFailureException ex) {
		return unavailable("Database unavailable", "The inventory database cannot be reached; try again");
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> databaseBusy(TransientDataAccessException ex) {
		return unavailable("Database busy", "The inventory database is busy; try again");
	}

	// The database's own message may name hosts or SQL: it goes to the log (Spring MVC
	// logs resolved
	// exceptions at debug), not to the caller.
	private static ResponseEntity<ProblemDetail> unavailable(String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, detail);
		problem.setTitle(title);
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1").body(problem);
	}

	private static ProblemDetail problem(HttpStatus status, String title, RuntimeException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, ex.getMessage());
		problem.setTitle(title);
		return problem;
	}

}
