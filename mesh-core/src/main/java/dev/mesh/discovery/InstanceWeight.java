package dev.mesh.discovery;

/**
 * This instance's weight: the one configured ({@code mesh.instance.weight}) and the one
 * in effect now, which an operator may change at run time (0 drains the instance). A
 * change is published to the registry first and takes effect only once the registry has
 * taken it, so the registry and this instance never disagree; changes are one at a time.
 */
public final class InstanceWeight {

	/** The highest weight. */
	public static final int MAX = MeshMetadata.MAX_WEIGHT;

	private final int configured;

	private volatile int current;

	private volatile boolean published;

	/**
	 * @param configured the configured weight, 0 to {@value #MAX}
	 */
	public InstanceWeight(int configured) {
		checkRange(configured);
		this.configured = configured;
		this.current = configured;
	}

	/**
	 * @return the configured weight
	 */
	public int configured() {
		return this.configured;
	}

	/**
	 * @return the weight in effect now: what registrations publish
	 */
	public int current() {
		return this.current;
	}

	/**
	 * @return whether the current weight was set at run time and published to a registry
	 */
	public boolean published() {
		return this.published;
	}

	/**
	 * Changes the weight: publishes it, then makes it current.
	 * @param weight the new weight, 0 to {@value #MAX}
	 * @param publisher where to publish it
	 * @return the weight before
	 * @throws IllegalArgumentException if the weight is out of range
	 * @throws RuntimeException if the registry did not take it (the weight is unchanged)
	 */
	public synchronized int change(int weight, WeightPublisher publisher) {
		checkRange(weight);
		int previous = this.current;
		publisher.publish(weight);
		this.current = weight;
		this.published = publisher.registry() != null;
		return previous;
	}

	private static void checkRange(int weight) {
		if (weight < 0 || weight > MAX) {
			throw new IllegalArgumentException("weight: " + weight + " (expected: 0 to " + MAX + ")");
		}
	}

}
