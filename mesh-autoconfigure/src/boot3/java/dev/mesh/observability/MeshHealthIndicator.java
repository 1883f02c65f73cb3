package dev.mesh.observability;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/**
 * Health component {@code mesh}: this instance's registration and, per client, instances
 * total, available and ejected, and the circuit breaker's state when it has one. A called
 * service with no available instance shows in the details but does not make this instance
 * DOWN (Consul would otherwise deregister healthy callers because a callee is down),
 * unless {@code mesh.health.downstream-affects-status} is set.
 */
public class MeshHealthIndicator extends AbstractHealthIndicator {

	private final MeshClientsView clients;

	private final Supplier<Map<String, Object>> registration;

	private final boolean downstreamAffectsStatus;

	/**
	 * @param clients the mesh clients
	 * @param registration this instance's registration details
	 * @param downstreamAffectsStatus whether a called service without available instances
	 * makes this DOWN
	 */
	public MeshHealthIndicator(MeshClientsView clients, Supplier<Map<String, Object>> registration,
			boolean downstreamAffectsStatus) {
		super("Mesh health check failed");
		this.clients = clients;
		this.registration = registration;
		this.downstreamAffectsStatus = downstreamAffectsStatus;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		Map<String, Object> clientDetails = new LinkedHashMap<>();
		boolean downstreamUnavailable = false;
		for (ClientSnapshot client : this.clients.clients()) {
			Map<String, Object> detail = new LinkedHashMap<>();
			detail.put("total", client.instances().size());
			detail.put("available", client.available());
			detail.put("ejected", client.ejected());
			detail.put("panic", client.panic());
			if (client.circuitState() != null) {
				detail.put("circuit", client.circuitState());
			}
			String status = (client.instances().isEmpty() || client.available() == 0 && !client.panic()) ? "UNAVAILABLE"
					: "UP";
			detail.put("status", status);
			downstreamUnavailable |= status.equals("UNAVAILABLE");
			clientDetails.put(client.service(), detail);
		}
		builder.status((downstreamUnavailable && this.downstreamAffectsStatus) ? Status.DOWN : Status.UP);
		builder.withDetail("registration", this.registration.get());
		builder.withDetail("clients", clientDetails);
	}

}
