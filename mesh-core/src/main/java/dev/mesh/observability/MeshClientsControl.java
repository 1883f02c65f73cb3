package dev.mesh.observability;

/**
 * What an operator may do to this instance's mesh clients at run time, besides reading
 * them: eject or restore one instance of a called service, and clear a client's
 * ejections. Each change is this instance's alone; other callers of the service keep
 * their own view.
 */
public interface MeshClientsControl extends MeshClientsView {

	/**
	 * @param service a called service
	 * @return a snapshot of its client, or {@code null} when this instance has no client
	 * of it
	 */
	ClientSnapshot client(String service);

	/**
	 * Ejects an instance for the client's {@code outlier.max-ejection-time}. When every
	 * instance is ejected the client uses them all (panic), so an operator cannot eject
	 * the last instances into an outage.
	 * @param service a called service
	 * @param instance the id of one of its instances
	 * @return whether the client has that instance (and ejected it)
	 */
	boolean eject(String service, String instance);

	/**
	 * Ends an instance's ejection, whoever ejected it.
	 * @param service a called service
	 * @param instance the id of one of its instances
	 * @return whether the client has that instance (and restored it)
	 */
	boolean restore(String service, String instance);

	/**
	 * Ends every ejection of a client's instances.
	 * @param service a called service
	 * @return the number of instances that were ejected, or -1 when this instance has no
	 * client of the service
	 */
	int reset(String service);

}
