package dev.mesh.testsupport;

import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration;

/**
 * Spring Boot 4's auto-configurations that the shared tests load by hand in an
 * {@code ApplicationContextRunner} (the Boot 3.5 line has a class of the same name).
 */
public final class BootAutoConfigurations {

	private BootAutoConfigurations() {
	}

	/**
	 * @return the {@code RestClient.Builder} and its factory settings
	 */
	public static Class<?>[] restClient() {
		return new Class<?>[] { HttpClientAutoConfiguration.class, ImperativeHttpClientAutoConfiguration.class,
				RestClientAutoConfiguration.class };
	}

	/**
	 * @return Boot's default web security
	 */
	public static Class<?>[] security() {
		return new Class<?>[] { SecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class };
	}

	/**
	 * @return Boot's JWT resource server
	 */
	public static Class<?>[] resourceServer() {
		return new Class<?>[] { OAuth2ResourceServerAutoConfiguration.class };
	}

	/**
	 * @return Boot's in-memory user
	 */
	public static Class<?>[] userDetails() {
		return new Class<?>[] { UserDetailsServiceAutoConfiguration.class };
	}

	/**
	 * @return observations and tracing on OpenTelemetry
	 */
	public static Class<?>[] tracing() {
		return new Class<?>[] { ObservationAutoConfiguration.class, OpenTelemetryTracingAutoConfiguration.class,
				MicrometerTracingAutoConfiguration.class, OpenTelemetrySdkAutoConfiguration.class };
	}

}
