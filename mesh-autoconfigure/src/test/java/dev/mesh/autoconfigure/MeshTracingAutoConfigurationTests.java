package dev.mesh.autoconfigure;

import dev.mesh.observability.AttemptTracer;
import dev.mesh.observability.MicrometerAttemptTracer;
import dev.mesh.testsupport.BootAutoConfigurations;
import io.micrometer.tracing.Tracer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which {@link AttemptTracer} mesh clients get: Micrometer Tracing's when Boot set it up,
 * none when tracing is absent or attempt spans are switched off, and the user's own when
 * they declare one.
 */
class MeshTracingAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MeshTracingAutoConfiguration.class))
		.withConfiguration(AutoConfigurations.of(BootAutoConfigurations.tracing()));

	@Test
	void shouldTraceAttemptsWithBootsTracer() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(Tracer.class)
			.getBean(AttemptTracer.class)
			.isInstanceOf(MicrometerAttemptTracer.class));
	}

	@Test
	void shouldTraceNoAttemptWhenAttemptSpansAreSwitchedOff() {
		this.runner.withPropertyValues("mesh.tracing.attempt-spans=false")
			.run((context) -> assertThat(context).hasSingleBean(Tracer.class).doesNotHaveBean(AttemptTracer.class));
	}

	@Test
	void shouldTraceNoAttemptWithoutMicrometerTracing() {
		this.runner.withClassLoader(new FilteredClassLoader(Tracer.class))
			.run((context) -> assertThat(context).doesNotHaveBean(AttemptTracer.class));
	}

	@Test
	void shouldTraceNoAttemptWhenTheMeshIsDisabled() {
		this.runner.withPropertyValues("mesh.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(AttemptTracer.class));
	}

	@Test
	void shouldUseTheUsersTracer() {
		this.runner.withUserConfiguration(UserTracer.class)
			.run((context) -> assertThat(context).getBean(AttemptTracer.class).isSameAs(UserTracer.TRACER));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserTracer {

		static final AttemptTracer TRACER = (headers, serviceId, instanceId, method,
				attempt) -> AttemptTracer.AttemptSpan.NONE;

		@Bean
		AttemptTracer userAttemptTracer() {
			return TRACER;
		}

	}

}
