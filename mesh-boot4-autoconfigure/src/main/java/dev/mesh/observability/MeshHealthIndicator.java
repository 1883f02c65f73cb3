package dev.mesh.observability;

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

	private final Supplier<MeshHealthReport> report;

	/**
	 * @param report the report as of each health check
	 */
	public MeshHealthIndicator(Supplier<MeshHealthReport> report) {
		super("Mesh health check failed");
		this.report = report;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		MeshHealthReport report = this.report.get();
		builder.status(report.down() ? Status.DOWN : Status.UP)
			.withDetail("registration", report.registration())
			.withDetail("clients", report.clients());
	}

}
