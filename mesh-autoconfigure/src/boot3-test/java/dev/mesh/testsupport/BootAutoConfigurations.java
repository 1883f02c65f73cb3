package dev.mesh.testsupport;

import org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.opentelemetry.OpenTelemetryAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.tracing.MicrometerTracingAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.tracing.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.autoconfigure.http.client.HttpClientAutoConfiguration;
import org.springframework.boot.autoconfigure.security.oauth2.resource.servlet.OAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration;
import org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.autoconfigure.web.client.RestClientAutoConfiguration;

/**
 * Spring Boot 3.5's auto-configurations that the shared tests load by hand in an
 * {@code ApplicationContextRunner} (Boot 4 moved and split them; its line has a class of
 * the same name).
 */
public final class BootAutoConfigurations {

	private BootAutoConfigurations() {
	}

	/** @return the {@code RestClient.Builder} and its factory settings */
	public static Class<?>[] restClient() {
		return new Class<?>[] { HttpClientAutoConfiguration.class, RestClientAutoConfiguration.class };
	}

	/** @return Boot's default web security */
	public static Class<?>[] security() {
		return new Class<?>[] { SecurityAutoConfiguration.class };
	}

	/** @return Boot's JWT resource server */
	public static Class<?>[] resourceServer() {
		return new Class<?>[] { OAuth2ResourceServerAutoConfiguration.class };
	}

	/** @return Boot's in-memory user */
	public static Class<?>[] userDetails() {
		return new Class<?>[] { UserDetailsServiceAutoConfiguration.class };
	}

	/** @return observations and tracing on OpenTelemetry */
	public static Class<?>[] tracing() {
		return new Class<?>[] { ObservationAutoConfiguration.class, OpenTelemetryTracingAutoConfiguration.class,
				MicrometerTracingAutoConfiguration.class, OpenTelemetryAutoConfiguration.class };
	}

}
