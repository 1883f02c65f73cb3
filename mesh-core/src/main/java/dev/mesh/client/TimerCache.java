package dev.mesh.client;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

import io.micrometer.core.instrument.Timer;

/**
 * The timers of one meter name in one registry, kept by their tag values so that
 * recording a sample is a map lookup and a timer update rather than a registry lookup by
 * tags (building, sorting and hashing them), which Micrometer does on every
 * {@code register} call. Holds at most {@value #MAX_CACHED} tag combinations, after which
 * it starts over: a mesh with instance churn must not grow it forever. (The registry
 * keeps its meters either way; this only bounds the shortcut.)
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
		if (timer == null) {
			if (this.timers.size() >= MAX_CACHED) {
				this.timers.clear();
			}
			timer = this.timers.computeIfAbsent(tags, this.register);
		}
		return timer;
	}

	/**
	 * @return how many tag combinations are kept now
	 */
	int size() {
		return this.timers.size();
	}

}
