package dev.mesh.loadbalancer;

import java.util.List;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

import dev.mesh.discovery.MeshInstance;

/**
 * Picks at random with probability proportional to weight: a uniform draw below the total
 * weight and a binary search over the cumulative weights, {@code O(log n)}. Draining
 * instances (weight 0) are never drawn; when every instance is draining they are drawn
 * with equal probability.
 *
 * <p>
 * When the filter rejects the drawn instance the pick draws again among the accepted
 * instances only, still in proportion to their weights ({@code O(n)}, which only retries
 * pay); if they are all draining it falls back to {@link DrainingRule#firstAccepted} from
 * a random offset.
 */
final class WeightedRandomPicker implements InstancePicker {

	static final Supplier<RandomGenerator> THREAD_LOCAL_RANDOM = () -> FastRandom.INSTANCE;

	private final List<MeshInstance> instanceList;

	private final MeshInstance[] instances;

	private final int[] weights;

	private final WeightTable table;

	private final Supplier<? extends RandomGenerator> random;

	WeightedRandomPicker(List<MeshInstance> instances) {
		this(instances, THREAD_LOCAL_RANDOM);
	}

	/**
	 * Creates a picker that draws from the given source, so tests can be deterministic.
	 * @param instances the instances
	 * @param random gives the random generator for the calling thread, without allocating
	 */
	WeightedRandomPicker(List<MeshInstance> instances, Supplier<? extends RandomGenerator> random) {
		this(instances, InstancePickers.weightsOf(instances), random);
	}

	/**
	 * @param instances the instances
	 * @param weights their effective weights, one per instance
	 * @param random gives the random generator for the calling thread, without allocating
	 */
	WeightedRandomPicker(List<MeshInstance> instances, int[] weights, Supplier<? extends RandomGenerator> random) {
		this.instanceList = List.copyOf(instances);
		this.instances = this.instanceList.toArray(new MeshInstance[0]);
		this.table = new WeightTable(weights);
		this.weights = this.table.weights;
		this.random = random;
	}

	@Override
	public MeshInstance pick(InstanceFilter filter) {
		if (this.table.total == 0) {
			return null;
		}
		RandomGenerator generator = this.random.get();
		MeshInstance drawn = this.instances[this.table.draw(generator)];
		if (filter.accepts(drawn)) {
			return drawn;
		}
		return pickAmongAccepted(generator, filter);
	}

	private MeshInstance pickAmongAccepted(RandomGenerator generator, InstanceFilter filter) {
		long acceptedWeight = 0;
		for (int i = 0; i < this.instances.length; i++) {
			if (this.weights[i] > 0 && filter.accepts(this.instances[i])) {
				acceptedWeight += this.weights[i];
			}
		}
		if (acceptedWeight > 0) {
			long point = generator.nextLong(acceptedWeight);
			for (int i = 0; i < this.instances.length; i++) {
				if (this.weights[i] > 0 && filter.accepts(this.instances[i])) {
					if (point < this.weights[i]) {
						return this.instances[i];
					}
					point -= this.weights[i];
				}
			}
		}
		// Nothing with a weight is accepted (or the filter changed its mind between the
		// two scans).
		return DrainingRule.firstAccepted(this.instances, this.weights, generator.nextInt(this.instances.length),
				filter);
	}

	@Override
	public List<MeshInstance> instances() {
		return this.instanceList;
	}

	@Override
	public String toString() {
		return "WeightedRandomPicker" + this.instanceList;
	}

}
