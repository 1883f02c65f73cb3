package dev.mesh.sample.inventory;

import java.util.List;

import org.springframework.lang.Nullable;

/**
 * Reads the {@code Idempotency-Key} of a request. A key is 1 to {@value #MAX_LENGTH}
 * printable ASCII characters (space to {@code ~}), sent once. Anything else is refused
 * with {@link InvalidIdempotencyKeyException} (a 400) rather than stored: a key is kept
 * in the database for good, and a client that sent a broken key must not get a
 * reservation that a retry would make again.
 */
final class IdempotencyKey {

	/** The longest key accepted; the database column holds this many characters. */
	static final int MAX_LENGTH = 255;

	private static final String EXPECTED = "(expected: one header of 1 to " + MAX_LENGTH
			+ " printable ASCII characters)";

	private IdempotencyKey() {
	}

	/**
	 * @param values every value of the request's {@code Idempotency-Key} header, one per
	 * header line; or {@code null} when it has none
	 * @return the key, or {@code null} when the request has none
	 * @throws InvalidIdempotencyKeyException if the header is empty, repeated, too long
	 * or holds a character other than printable ASCII; the message never repeats the
	 * value
	 */
	@Nullable
	static String of(@Nullable List<String> values) {
		if (values == null || values.isEmpty()) {
			return null;
		}
		if (values.size() > 1) {
			throw new InvalidIdempotencyKeyException(
					"Idempotency-Key was sent " + values.size() + " times (expected: one)");
		}
		String key = values.get(0);
		if (key.isBlank()) {
			throw new InvalidIdempotencyKeyException("Idempotency-Key is empty " + EXPECTED);
		}
		if (key.length() > MAX_LENGTH) {
			throw new InvalidIdempotencyKeyException(
					"Idempotency-Key has " + key.length() + " characters (expected: at most " + MAX_LENGTH + ")");
		}
		for (int i = 0; i < key.length(); i++) {
			char c = key.charAt(i);
			if (c < 0x20 || c > 0x7e) {
				throw new InvalidIdempotencyKeyException(
						"Idempotency-Key has a control or non-ASCII character at index " + i + " " + EXPECTED);
			}
		}
		return key;
	}

}
