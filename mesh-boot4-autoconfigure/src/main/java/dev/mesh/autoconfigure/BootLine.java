package dev.mesh.autoconfigure;

/**
 * The Spring Boot line this module is built for: 4.0
 * ({@code dev.mesh:mesh-boot4-starter}).
 */
final class BootLine {

	/** Spring Boot's major version. */
	static final int MAJOR = 4;

	private BootLine() {
	}

}
