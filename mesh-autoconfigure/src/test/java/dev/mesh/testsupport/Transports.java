package dev.mesh.testsupport;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The HTTP client libraries ({@code spring.http.client.factory}) the transport tests run
 * on: all three blocking ones by default; the system property {@value #PROPERTY} (a
 * comma-separated list) narrows them. The Boot 3.5 line's build runs all three; to keep
 * CI within its time the Boot 4 line's build runs only {@code http-components}, the
 * default transport of both lines. {@code -Dmesh.test.transports=all} runs all three on
 * either line.
 */
public final class Transports {

	/** The system property naming the transports to run on. */
	public static final String PROPERTY = "mesh.test.transports";

	private static final List<String> ALL = List.of("http-components", "jdk", "simple");

	private Transports() {
	}

	/**
	 * @return the transports to run on, for {@code @MethodSource}
	 */
	public static Stream<String> matrix() {
		String chosen = System.getProperty(PROPERTY, "all").trim();
		if (chosen.isEmpty() || chosen.equals("all")) {
			return ALL.stream();
		}
		List<String> transports = Arrays.stream(chosen.split(",")).map(String::trim).toList();
		for (String transport : transports) {
			if (!ALL.contains(transport)) {
				throw new IllegalArgumentException(PROPERTY + "=" + chosen + ": unknown transport '" + transport
						+ "' (expected: all or " + ALL + ")");
			}
		}
		return transports.stream();
	}

}
