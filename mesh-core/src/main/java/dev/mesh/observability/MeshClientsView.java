package dev.mesh.observability;

import java.util.List;

/**
 * A read-only view of every mesh client, for the health contributor and the actuator
 * endpoint.
 */
@FunctionalInterface
public interface MeshClientsView {

	/**
	 * @return a snapshot of each client, in service id order
	 */
	List<ClientSnapshot> clients();

}
