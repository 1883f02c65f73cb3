package dev.mesh.loadbalancer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import dev.mesh.routing.VersionLabels;

/**
 * How a client splits its calls between versions of a service
 * ({@code mesh.clients.<service>.versions}, e.g. {@code 1.4: 95, 1.5: 5}): each call
 * draws a version by share, and goes to an instance of that version, or to any instance
 * when that version has none that can take it. Instances of versions not listed are
 * called only that way. {@link #NONE} draws nothing: every call goes to any instance.
 *
 * <p>
 * A hand-written weighted draw: Spring Cloud LoadBalancer filters instances by one API
 * version a request asks for, but has no split of traffic by share.
 */
public final class VersionSplit {

	/** No split: calls are not routed by version. */
	public static final VersionSplit NONE = new VersionSplit(new String[0], new int[0]);

	/** Largest share of one version. */
	public static final int MAX_SHARE = 1_000_000;

	/** Most versions one split may list. */
	public static final int MAX_VERSIONS = 64;

	private final String[] versions;

	/** Running totals of the shares, in the order of {@link #versions}. */
	private final int[] cumulative;

	private VersionSplit(String[] versions, int[] cumulative) {
		this.versions = versions;
		this.cumulative = cumulative;
	}

	/**
	 * Reads a split.
	 * @param shares each version's share, 0 to {@value #MAX_SHARE}, in any unit
	 * (percentages are usual); at least one share above 0 unless the map is empty
	 * @return the split, {@link #NONE} for an empty map
	 * @throws IllegalArgumentException naming the version and value that is not allowed
	 */
	public static VersionSplit of(Map<String, Integer> shares) {
		Objects.requireNonNull(shares, "shares");
		if (shares.isEmpty()) {
			return NONE;
		}
		if (shares.size() > MAX_VERSIONS) {
			throw new IllegalArgumentException(shares.size() + " versions (expected: at most " + MAX_VERSIONS + ")");
		}
		String[] versions = new String[shares.size()];
		int[] cumulative = new int[shares.size()];
		int total = 0;
		int i = 0;
		for (Map.Entry<String, Integer> entry : shares.entrySet()) {
			String version = entry.getKey();
			Integer share = entry.getValue();
			if (!VersionLabels.valid(version)) {
				throw new IllegalArgumentException(
						"version '" + VersionLabels.shown(version) + "' (expected: " + VersionLabels.ALLOWED + ")");
			}
			if (share == null || share < 0 || share > MAX_SHARE) {
				throw new IllegalArgumentException(
						"share of version '" + version + "': " + share + " (expected: 0 to " + MAX_SHARE + ")");
			}
			total += share;
			versions[i] = version;
			cumulative[i] = total;
			i++;
		}
		if (total == 0) {
			throw new IllegalArgumentException(
					"shares " + shares + " add up to 0 (expected: at least one version with a share above 0)");
		}
		return new VersionSplit(versions, cumulative);
	}

	/**
	 * Draws the version of one call. Allocates nothing.
	 * @return a listed version, each with the probability of its share, or {@code null}
	 * for {@link #NONE}
	 */
	public String draw() {
		int length = this.versions.length;
		if (length == 0) {
			return null;
		}
		if (length == 1) {
			return this.versions[0];
		}
		int point = FastRandom.INSTANCE.nextInt(this.cumulative[length - 1]);
		for (int i = 0; i < length; i++) {
			if (point < this.cumulative[i]) {
				return this.versions[i];
			}
		}
		return this.versions[length - 1];
	}

	/**
	 * @return whether calls are split by version at all
	 */
	public boolean active() {
		return this.versions.length > 0;
	}

	/**
	 * @return each version's share, in the order given
	 */
	public Map<String, Integer> shares() {
		Map<String, Integer> shares = new LinkedHashMap<>();
		int previous = 0;
		for (int i = 0; i < this.versions.length; i++) {
			shares.put(this.versions[i], this.cumulative[i] - previous);
			previous = this.cumulative[i];
		}
		return shares;
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof VersionSplit split && shares().equals(split.shares());
	}

	@Override
	public int hashCode() {
		return shares().hashCode();
	}

	@Override
	public String toString() {
		return shares().toString();
	}

}
