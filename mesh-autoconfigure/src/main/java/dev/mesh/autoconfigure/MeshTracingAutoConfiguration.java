package dev.mesh.autoconfigure;

import dev.mesh.observability.AttemptTracer;
import dev.mesh.observability.MicrometerAttemptTracer;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration for the spans of mesh clients' attempts: a
 * {@link MicrometerAttemptTracer} on the application's Micrometer Tracing {@link Tracer}
 * and {@link Propagator}, unless {@code mesh.tracing.attempt-spans=false}. Without it,
 * attempts are timed but not traced.
 */
@AutoConfiguration(before = MeshClientAutoConfiguration.class, afterName = {
		"org.springframework.boot.actuate.autoconfigure.tracing.MicrometerTracingAutoConfiguration",
		"org.springframework.boot.actuate.autoconfigure.tracing.OpenTelemetryTracingAutoConfiguration",
		"org.springframework.boot.actuate.autoconfigure.tracing.BraveAutoConfiguration",
		"org.springframework.boot.actuate.autoconfigure.tracing.NoopTracerAutoConfiguration",
		// the same on Boot 4
		"org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration",
		"org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration",
		"org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration",
		"org.springframework.boot.micrometer.tracing.autoconfigure.NoopTracerAutoConfiguration" })
@ConditionalOnClass({ Tracer.class, Propagator.class })
@ConditionalOnBean({ Tracer.class, Propagator.class })
@ConditionalOnProperty(value = "mesh.tracing.attempt-spans", havingValue = "true", matchIfMissing = true)
@ConditionalOnMeshEnabled
public class MeshTracingAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	AttemptTracer meshAttemptTracer(Tracer tracer, Propagator propagator) {
		return new MicrometerAttemptTracer(tracer, propagator);
	}

}
