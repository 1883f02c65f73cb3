package dev.mesh.observability;

import java.util.Map;
import java.util.function.Supplier;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Health component {@code mesh} on Spring Boot 4
 * ({@code org.springframework.boot.health.contributor}): reports
 * {@link MeshHealthReport}.
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
		MeshHealthReport report = MeshHealthReport.of(this.clients, this.registration, this.downstreamAffectsStatus);
		builder.status(report.down() ? Status.DOWN : Status.UP)
			.withDetail("registration", report.registration())
			.withDetail("clients", report.clients());
	}

}
