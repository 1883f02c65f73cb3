package dev.mesh.client;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import java.util.function.Predicate;

import io.micrometer.core.instrument.Timer;

/**
 * The timers of one meter name in one registry, kept by their tag values so that
 * recording a sample is a map lookup and a timer update rather than a registry lookup by
 * tags (building, sorting and hashing them), which Micrometer does on every
 * {@code register} call. Holds at most {@value #MAX_CACHED} tag combinations, after which
 * it starts over: a mesh with instance churn must not grow it forever. (The registry
 * keeps its meters either way; this only bounds the shortcut.)
 *
 * <p>
 * Registering a timer and {@link #forget forgetting} timers (while their meters are
 * removed from the registry) exclude each other, so a timer whose meter was removed is
 * never cached again: the next sample of its tags registers a new one. Only a sample that
 * looked its timer up before the removal lands in the removed meter; recording itself
 * takes no lock.
 *
 * @param <K> the tag values, a record
 */
final class TimerCache<K> {

	static final int MAX_CACHED = 4096;

	private final ConcurrentMap<K, Timer> timers = new ConcurrentHashMap<>();

	private final Function<K, Timer> register;

	/**
	 * @param register registers the timer of tag values not seen yet
	 */
	TimerCache(Function<K, Timer> register) {
		this.register = register;
	}

	Timer timer(K tags) {
		Timer timer = this.timers.get(tags);
		return (timer != null) ? timer : registered(tags);
	}

	private synchronized Timer registered(K tags) {
		Timer timer = this.timers.get(tags);
		if (timer == null) {
			if (this.timers.size() >= MAX_CACHED) {
				this.timers.clear();
			}
			timer = this.register.apply(tags);
			this.timers.put(tags, timer);
		}
		return timer;
	}

	/**
	 * Forgets the timers of some tag values and runs what removes their meters, with no
	 * registration in between.
	 * @param which the tag values to forget
	 * @param removal removes the meters from the registry
	 */
	synchronized void forget(Predicate<K> which, Runnable removal) {
		this.timers.keySet().removeIf(which);
		removal.run();
	}

	/**
	 * @return how many tag combinations are kept now
	 */
	int size() {
		return this.timers.size();
	}

}
