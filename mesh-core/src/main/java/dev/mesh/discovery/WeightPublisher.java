package dev.mesh.discovery;

/**
 * Publishes this instance's weight to the registry its callers read, as metadata
 * {@code weight}.
 */
public interface WeightPublisher {

	/** For discovery without a registry (static lists): the weight stays local. */
	WeightPublisher LOCAL = new WeightPublisher() {

		@Override
		public String registry() {
			return null;
		}

		@Override
		public void publish(int weight) {
		}

	};

	/**
	 * @return the registry published to, such as {@code consul}, or {@code null} when the
	 * weight stays local
	 */
	String registry();

	/**
	 * Publishes the weight; returns once the registry has taken it.
	 * @param weight the weight, 0 to 10000
	 * @throws RuntimeException when the registry did not take it
	 */
	void publish(int weight);

}
