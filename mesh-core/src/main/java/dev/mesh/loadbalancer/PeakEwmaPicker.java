package dev.mesh.loadbalancer;

import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

import dev.mesh.discovery.InstanceState;
import dev.mesh.discovery.MeshInstance;

/**
 * Peak-EWMA by the power of two choices (Finagle's and Linkerd's balancer): of two
 * distinct random candidates, the one with the lower cost
 * {@code latency × (inFlight + 1) / weight}, where latency is the instance's
 * {@linkplain InstanceState#peakEwmaNanos(long) peak-EWMA estimate} (it jumps up on a
 * slower attempt at once and decays with time constant
 * {@value InstanceState#PEAK_EWMA_DECAY_NANOS} ns). On equal costs: fewer requests in
 * flight per unit of weight, then the first drawn. Candidates are drawn in proportion to
 * weight ({@link PowerOfTwoChoicesPicker}).
 *
 * <p>
 * An instance with no latency sample yet borrows the other candidate's estimate, so that
 * the two compare by in-flight requests and weight alone: a new instance is neither
 * shunned (as a high default would) nor flooded (as 0 would: its in-flight count rises as
 * soon as it takes calls). If they tie there too, the new instance wins, whichever was
 * drawn first: otherwise an instance known to be slow would win half its ties with a new
 * one that may be fast, until that one's first call. Two new instances compare by
 * in-flight requests and weight, then the first drawn.
 *
 * <p>
 * An instance that has left an attempt unanswered for longer than its estimate as last
 * sampled counts that time as its latency ({@link InstanceState#unansweredSinceNanos()}):
 * the attempt will take at least that long, and the estimate can only have decayed since
 * its sample. Without it an instance that stops answering looks as fast as before until
 * its first attempt times out, and keeps winning comparisons it should lose for that
 * long, as on the plain formula; with it, an instance that has had calls waiting on it
 * and ended none for 10 ms costs at least 10 ms × (in-flight + 1). The
 * {@code @MeshClient} pipeline passes the time it has read for the attempt anyway
 * ({@link #pick(InstanceFilter, long)}); {@link #pick(InstanceFilter)} reads the clock.
 */
final class PeakEwmaPicker extends PowerOfTwoChoicesPicker {

	/** Beyond this many time constants apart the decay factor would overflow a double. */
	private static final double MAX_EXPONENT = 700;

	/**
	 * Multiplying by it is several times cheaper than dividing by the time constant on
	 * every pick.
	 */
	private static final double PER_DECAY_NANO = 1.0 / InstanceState.PEAK_EWMA_DECAY_NANOS;

	private final LongSupplier nanoClock;

	/**
	 * Creates a picker with the given random source and clock, so tests can be
	 * deterministic.
	 * @param instances the instances
	 * @param random gives the random generator for the calling thread, without allocating
	 * @param nanoClock the monotonic clock the instances' latencies and attempts are
	 * stamped with
	 */
	PeakEwmaPicker(List<MeshInstance> instances, Supplier<? extends RandomGenerator> random, LongSupplier nanoClock) {
		this(instances, InstancePickers.weightsOf(instances), random, nanoClock);
	}

	/**
	 * @param instances the instances
	 * @param weights their effective weights, one per instance
	 * @param random gives the random generator for the calling thread, without allocating
	 * @param nanoClock the monotonic clock the instances' latencies and attempts are
	 * stamped with
	 */
	PeakEwmaPicker(List<MeshInstance> instances, int[] weights, Supplier<? extends RandomGenerator> random,
			LongSupplier nanoClock) {
		super(instances, weights, random);
		this.nanoClock = nanoClock;
	}

	/**
	 * Reads the clock for a {@link #pick(InstanceFilter)} that was not given the time.
	 */
	@Override
	long now() {
		return this.nanoClock.getAsLong();
	}

	/**
	 * {@code exp(exponent)}, clamped so it cannot overflow. Two estimates sampled within
	 * a second of each other (the usual case under load) differ by a tenth of a time
	 * constant at most, where the series to the fourth power is exact to 1e-7 relative,
	 * well below what could change a comparison of latencies, and is several times
	 * cheaper than {@link Math#exp}.
	 */
	private static double relativeDecay(double exponent) {
		if (exponent > -0.1 && exponent < 0.1) {
			return 1 + exponent * (1 + exponent * (0.5 + exponent * (1.0 / 6 + exponent * (1.0 / 24))));
		}
		return Math.exp(Math.max(-MAX_EXPONENT, Math.min(MAX_EXPONENT, exponent)));
	}

	/**
	 * Compares {@code estimate × exp(-(now - stamp) / decay) × (inFlight + 1) / weight}
	 * of both candidates without decaying either to now: both decay from the same now, so
	 * only the difference of their stamps matters, which costs one {@link Math#exp}.
	 * {@code now} is used only to see whether a candidate with an attempt in flight has
	 * left it unanswered for longer than its estimate.
	 */
	@Override
	boolean prefersSecond(int first, int second, long now) {
		InstanceState firstState = this.states[first];
		InstanceState secondState = this.states[second];
		double firstLatency = firstState.peakEwmaSampledNanos();
		long firstStamp = firstState.peakEwmaStampNanos();
		double secondLatency = secondState.peakEwmaSampledNanos();
		long secondStamp = secondState.peakEwmaStampNanos();
		if (firstLatency < 0 && secondLatency < 0) {
			return compareLoad(first, second) > 0;
		}
		boolean firstUnmeasured = firstLatency < 0;
		boolean secondUnmeasured = secondLatency < 0;
		if (firstUnmeasured) {
			firstLatency = secondLatency;
			firstStamp = secondStamp;
		}
		else if (secondUnmeasured) {
			secondLatency = firstLatency;
			secondStamp = firstStamp;
		}
		int firstInFlight = firstState.inFlight();
		int secondInFlight = secondState.inFlight();
		if (firstInFlight != 0 || secondInFlight != 0) {
			long firstUnanswered = (firstInFlight != 0) ? now - firstState.unansweredSinceNanos() : 0;
			if (firstUnanswered > firstLatency) {
				firstLatency = firstUnanswered;
				firstStamp = now;
			}
			long secondUnanswered = (secondInFlight != 0) ? now - secondState.unansweredSinceNanos() : 0;
			if (secondUnanswered > secondLatency) {
				secondLatency = secondUnanswered;
				secondStamp = now;
			}
		}
		// Cross-multiplied by the weights, so there is no division.
		double firstCost = firstLatency * (firstInFlight + 1) * this.weights[second];
		double secondCost = secondLatency * (secondInFlight + 1) * this.weights[first];
		if (firstStamp != secondStamp) {
			firstCost *= relativeDecay((firstStamp - secondStamp) * PER_DECAY_NANO);
		}
		if (firstCost != secondCost) {
			return secondCost < firstCost;
		}
		int load = compareLoad(first, second);
		if (load != 0) {
			return load > 0;
		}
		// a tie that only the borrowed estimate made: measure the new instance rather
		// than send one more
		// call to an instance known to be slower than it may be
		return secondUnmeasured;
	}

}
