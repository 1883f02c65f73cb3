package dev.mesh.sample.inventory;

/**
 * Thrown when an {@code Idempotency-Key} comes back with a request different from the one
 * it was first used for.
 */
final class IdempotencyKeyReusedException extends RuntimeException {

	IdempotencyKeyReusedException(String key) {
		super("Idempotency-Key '" + key + "' was already used for a different reservation");
	}

}
