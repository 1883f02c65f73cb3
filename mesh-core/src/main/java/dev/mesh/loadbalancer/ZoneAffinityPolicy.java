package dev.mesh.loadbalancer;

/**
 * Whether a client prefers the instances in its own zone
 * ({@code mesh.clients.<service>.zone-affinity}).
 *
 * @param enabled whether the client prefers its zone
 * @param minAvailablePercent the share of the local zone's instances (those not draining)
 * that must be available, not ejected, for the local zone alone to take the calls, 0 to
 * 100; at least one must be
 * @param localZone this instance's zone ({@code mesh.instance.zone}), or {@code null}
 * when it has none
 */
public record ZoneAffinityPolicy(boolean enabled, int minAvailablePercent, String localZone) {

	/**
	 * Off; when switched on, the local zone is used while 70% of its instances are
	 * available.
	 */
	public static final ZoneAffinityPolicy DEFAULTS = new ZoneAffinityPolicy(false, 70, null);

	/**
	 * @return whether zone affinity applies: enabled, and this instance has a zone
	 */
	public boolean active() {
		return this.enabled && this.localZone != null && !this.localZone.isBlank();
	}

}
