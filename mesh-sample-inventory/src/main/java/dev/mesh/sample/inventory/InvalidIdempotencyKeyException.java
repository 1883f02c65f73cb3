package dev.mesh.sample.inventory;

/**
 * Thrown when a request's {@code Idempotency-Key} header cannot be used as a key (see
 * {@link IdempotencyKey}); answered with 400.
 */
final class InvalidIdempotencyKeyException extends RuntimeException {

	InvalidIdempotencyKeyException(String message) {
		super(message);
	}

}
