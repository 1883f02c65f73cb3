package dev.mesh.shutdown;

/**
 * How a {@link DrainCoordinator} waits out its drain time. The real one sleeps; tests
 * pass one that returns at once or blocks until they release it.
 */
@FunctionalInterface
public interface DrainWait {

	/** Sleeps the calling thread. */
	DrainWait SLEEP = (nanos) -> Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L));

	/**
	 * @param nanos how long to wait
	 * @throws InterruptedException when the waiting thread is interrupted
	 */
	void await(long nanos) throws InterruptedException;

}
