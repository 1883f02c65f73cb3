package dev.mesh.autoconfigure;

/**
 * The Spring Boot line this module is built for: 3.5 ({@code dev.mesh:mesh-starter}).
 */
final class BootLine {

	/** Spring Boot's major version. */
	static final int MAJOR = 3;

	private BootLine() {
	}

}
