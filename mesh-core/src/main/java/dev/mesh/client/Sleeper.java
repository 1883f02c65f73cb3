package dev.mesh.client;

import java.io.InterruptedIOException;

/**
 * Waits out the backoff before a retry. The pipeline's unit tests pass one that advances
 * their clock instead of waiting.
 */
@FunctionalInterface
interface Sleeper {

	/**
	 * Sleeps the calling thread, on the machine's time rather than the application's
	 * {@link dev.mesh.discovery.MeshClock}: the wait is real, as the attempt watchdog's
	 * is; only the decision how long to wait reads the clock (a {@code Retry-After}
	 * date).
	 */
	Sleeper THREAD = (nanos) -> {
		try {
			Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new InterruptedIOException("Interrupted while backing off before a retry");
		}
	};

	/**
	 * @param nanos how long to wait
	 * @throws InterruptedIOException when the caller is interrupted meanwhile
	 */
	void sleep(long nanos) throws InterruptedIOException;

}
