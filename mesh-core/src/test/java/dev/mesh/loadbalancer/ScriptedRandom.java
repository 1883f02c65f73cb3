package dev.mesh.loadbalancer;

import java.util.random.RandomGenerator;

/**
 * A random generator whose {@link #nextInt(int)} and {@link #nextLong(long)} answer a
 * fixed script (repeated), so a test can choose the candidates a power-of-two-choices
 * picker draws.
 */
final class ScriptedRandom implements RandomGenerator {

	private final int[] script;

	private int next;

	ScriptedRandom(int... script) {
		this.script = script;
	}

	@Override
	public int nextInt(int bound) {
		int value = this.script[this.next++ % this.script.length];
		if (value < 0 || value >= bound) {
			throw new IllegalStateException("scripted " + value + " but bound is " + bound);
		}
		return value;
	}

	@Override
	public long nextLong(long bound) {
		return nextInt((int) bound);
	}

	@Override
	public long nextLong() {
		throw new UnsupportedOperationException("only bounded draws are scripted");
	}

}
