package dev.mesh.sample.order;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringBootVersion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The wrong starter for the Boot line, on a real application and a real class path, as a
 * user's build would make it: this module's Boot 4 order with {@code mesh-starter}'s jars
 * (the Boot 3.5 line's, taken from mesh-sample-inventory's runnable jar) in place of
 * {@code mesh-boot4-starter}'s, and the Boot 3.5 inventory with the Boot 4 line's jars in
 * place of its own. Each runs as a child process and must stop at startup with the
 * message that names the right artifact, before anything else fails with a
 * {@code ClassNotFoundException} or {@code NoSuchMethodError}.
 */
class BootLineMismatchTests {

	/** The jars of one line's mesh that the other line's replace. */
	private static final List<String> BOOT3_MESH = List.of("mesh-starter-", "mesh-autoconfigure-",
			"resilience4j-spring-boot3-");

	private static final List<String> BOOT4_MESH = List.of("mesh-boot4-starter", "mesh-boot4-autoconfigure",
			"resilience4j-spring-boot4-");

	@Test
	void meshStarterOnABoot4ApplicationStopsNamingMeshBoot4Starter(@TempDir Path dir) throws Exception {
		List<String> classPath = new ArrayList<>(ownClassPath(named(BOOT4_MESH).negate()));
		for (Path jar : extract(inventoryJar(), dir, named(BOOT3_MESH))) {
			classPath.add(jar.toString());
		}
		assertThat(classPath).noneMatch(named(BOOT4_MESH)).anyMatch((entry) -> entry.contains("mesh-autoconfigure-"));
		String output = runAndExpectFailure(classPath, "dev.mesh.sample.order.OrderApplication", dir);
		assertThat(output).contains("The mesh on the class path (dev.mesh:mesh-starter) is for Spring Boot 3.5")
			.contains("this application runs Spring Boot " + SpringBootVersion.getVersion())
			.contains("depend on dev.mesh:mesh-boot4-starter instead");
		assertThat(output).doesNotContain("ClassNotFoundException", "NoClassDefFoundError", "NoSuchMethodError");
	}

	@Test
	void meshBoot4StarterOnABoot35ApplicationStopsNamingMeshStarter(@TempDir Path dir) throws Exception {
		List<Path> inventory = extract(inventoryJar(), dir, named(BOOT3_MESH).negate());
		List<String> classPath = new ArrayList<>();
		classPath.add(dir.resolve("BOOT-INF/classes").toString());
		inventory.forEach((jar) -> classPath.add(jar.toString()));
		classPath.addAll(ownClassPath(named(BOOT4_MESH)));
		assertThat(classPath).noneMatch(named(BOOT3_MESH))
			.anyMatch((entry) -> entry.contains("mesh-boot4-autoconfigure"));
		String output = runAndExpectFailure(classPath, "dev.mesh.sample.inventory.InventoryApplication", dir);
		assertThat(output).contains("The mesh on the class path (dev.mesh:mesh-boot4-starter) is for Spring Boot 4.0")
			.contains("this application runs Spring Boot 3.5.")
			.contains("depend on dev.mesh:mesh-starter instead");
		assertThat(output).doesNotContain("ClassNotFoundException", "NoClassDefFoundError", "NoSuchMethodError");
	}

	private static Predicate<String> named(List<String> prefixes) {
		return (path) -> {
			String name = Path.of(path).getFileName().toString();
			String module = Path.of(path).toAbsolutePath().normalize().toString();
			return prefixes.stream()
				.anyMatch((prefix) -> name.startsWith(prefix) || module.contains(File.separator + prefix));
		};
	}

	/** This JVM's class path (this module's Boot 4 order), the entries that match. */
	private static List<String> ownClassPath(Predicate<String> keep) {
		return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
			.filter((entry) -> !entry.isEmpty())
			.filter(keep)
			.toList();
	}

	/**
	 * Unpacks the runnable jar's classes and the libraries that match into {@code dir}.
	 * @return the library jars unpacked
	 */
	private static List<Path> extract(Path runnable, Path dir, Predicate<String> libraries) throws IOException {
		List<Path> jars = new ArrayList<>();
		try (JarFile jar = new JarFile(runnable.toFile())) {
			for (JarEntry entry : jar.stream().toList()) {
				String name = entry.getName();
				boolean library = name.startsWith("BOOT-INF/lib/") && name.endsWith(".jar");
				boolean classes = name.startsWith("BOOT-INF/classes/") && !entry.isDirectory();
				if (library && !libraries.test(name)) {
					continue;
				}
				if (!library && !classes) {
					continue;
				}
				Path target = dir.resolve(name).normalize();
				if (!target.startsWith(dir)) {
					throw new IOException("Entry outside the directory: " + name);
				}
				Files.createDirectories(target.getParent());
				try (InputStream in = jar.getInputStream(entry)) {
					Files.copy(in, target);
				}
				if (library) {
					jars.add(target);
				}
			}
		}
		return jars;
	}

	private static String runAndExpectFailure(List<String> classPath, String mainClass, Path dir) throws Exception {
		List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "-cp",
				String.join(File.pathSeparator, classPath), mainClass, "--server.port=0", "--server.address=127.0.0.1",
				"--spring.profiles.active=local", "--spring.cloud.consul.enabled=false");
		Path log = dir.resolve("output.log");
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		if (!process.waitFor(60, TimeUnit.SECONDS)) {
			process.destroyForcibly().waitFor();
			fail(mainClass + " did not stop; its output:%n%s", Files.readString(log));
		}
		String text = Files.readString(log, StandardCharsets.UTF_8);
		assertThat(process.exitValue()).as("exit code of %s; its output:%n%s", mainClass, text).isNotZero();
		return text;
	}

	/** mesh-sample-inventory's runnable jar, built in the same reactor (see the pom). */
	private static Path inventoryJar() throws IOException {
		Path target = Path.of("..", "mesh-sample-inventory", "target").toAbsolutePath().normalize();
		if (Files.isDirectory(target)) {
			try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, "mesh-sample-inventory-*-exec.jar")) {
				for (Path jar : jars) {
					return jar;
				}
			}
		}
		return fail("No runnable jar mesh-sample-inventory-*-exec.jar in " + target
				+ ": build it in the same reactor first (./mvnw -pl mesh-sample-order-boot4 -am verify).");
	}

}
