package dev.mesh.loadbalancer;

import java.util.List;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

import dev.mesh.discovery.InstanceState;
import dev.mesh.discovery.MeshInstance;

/**
 * The power of two choices: draw two distinct instances at random among those the filter
 * accepts and take the one a subclass prefers, the first drawn on a tie. Candidates are
 * drawn in proportion to weight (a binary search over cumulative weights,
 * {@code O(log n)}), so with nothing in flight, when every comparison ties, picks follow
 * the weights exactly as weighted random does; under load the subclass's cost takes over.
 * (Breaking ties by the higher weight instead would send every call of a sequential
 * caller to the heavier candidate: weights 3 and 1 would give {@code a a a a}.) Draining
 * instances (weight 0) are not drawn while any accepted instance has a weight; when every
 * instance is draining they count as weight 1 each.
 *
 * <p>
 * If the filter rejects a drawn instance the draw walks on to the next acceptable
 * instance, wrapping around, so rejected instances make their successors a little more
 * likely (only retries and ejections pay for that walk). When one instance is acceptable
 * it is the pick; when none with a weight is, the pick falls back to
 * {@link DrainingRule#firstAccepted} from a random offset. Allocates nothing.
 */
abstract class PowerOfTwoChoicesPicker implements InstancePicker {

	static final Supplier<RandomGenerator> THREAD_LOCAL_RANDOM = () -> FastRandom.INSTANCE;

	private final List<MeshInstance> instanceList;

	final MeshInstance[] instances;

	/** The instances' states, so a comparison reads them with one load less. */
	final InstanceState[] states;

	final int[] weights;

	private final WeightTable table;

	private final Supplier<? extends RandomGenerator> random;

	/**
	 * @param instances the instances
	 * @param weights their effective weights, one per instance
	 * @param random gives the random generator for the calling thread, without allocating
	 */
	PowerOfTwoChoicesPicker(List<MeshInstance> instances, int[] weights, Supplier<? extends RandomGenerator> random) {
		this.instanceList = List.copyOf(instances);
		this.instances = this.instanceList.toArray(new MeshInstance[0]);
		this.states = new InstanceState[this.instances.length];
		for (int i = 0; i < this.instances.length; i++) {
			this.states[i] = this.instances[i].state();
		}
		this.table = new WeightTable(weights);
		this.weights = this.table.weights;
		this.random = random;
	}

	@Override
	public final MeshInstance pick(InstanceFilter filter) {
		return pick(filter, now());
	}

	@Override
	public final MeshInstance pick(InstanceFilter filter, long nowNanos) {
		int length = this.instances.length;
		if (length == 0) {
			return null;
		}
		RandomGenerator generator = this.random.get();
		int first = candidate(this.table.draw(generator), -1, filter);
		if (first < 0) {
			return DrainingRule.firstAccepted(this.instances, this.weights, generator.nextInt(length), filter);
		}
		long othersWeight = this.table.total - this.weights[first];
		if (othersWeight == 0) {
			return this.instances[first];
		}
		// Draw the second from the others' weights only, skipping over the first's share.
		long point = generator.nextLong(othersWeight);
		if (point >= this.table.cumulative[first] - this.weights[first]) {
			point += this.weights[first];
		}
		int second = candidate(this.table.indexOf(point), first, filter);
		if (second < 0) {
			return this.instances[first];
		}
		return prefersSecond(first, second, nowNanos) ? this.instances[second] : this.instances[first];
	}

	/**
	 * @return the time {@link #pick(InstanceFilter)} passes to the comparison; 0 unless
	 * the subclass compares times, so only such a picker reads a clock
	 */
	long now() {
		return 0;
	}

	/**
	 * @return the first acceptable index from {@code start} on, wrapping, other than
	 * {@code skip}; or -1
	 */
	private int candidate(int start, int skip, InstanceFilter filter) {
		int length = this.instances.length;
		for (int step = 0; step < length; step++) {
			int index = start + step;
			if (index >= length) {
				index -= length;
			}
			if (index != skip && this.weights[index] > 0 && filter.accepts(this.instances[index])) {
				return index;
			}
		}
		return -1;
	}

	/**
	 * Compares the two drawn candidates.
	 * @param first index of the first candidate
	 * @param second index of the second candidate
	 * @param nowNanos the time of the pick ({@link #pick(InstanceFilter, long)})
	 * @return whether the second is strictly better; on a tie the first is picked
	 */
	abstract boolean prefersSecond(int first, int second, long nowNanos);

	/**
	 * Compares requests in flight per unit of weight ({@code inFlight / weight}), without
	 * dividing.
	 * @return negative when the first candidate has less load, positive when the second
	 * has, 0 on a tie
	 */
	final int compareLoad(int first, int second) {
		long firstLoad = (long) this.states[first].inFlight() * this.weights[second];
		long secondLoad = (long) this.states[second].inFlight() * this.weights[first];
		return Long.compare(firstLoad, secondLoad);
	}

	@Override
	public final List<MeshInstance> instances() {
		return this.instanceList;
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + this.instanceList;
	}

}
