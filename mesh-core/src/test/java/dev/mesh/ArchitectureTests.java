package dev.mesh;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The core's package arrows (docs/architecture.md, "Where each piece lives"), checked on
 * its bytecode: the core never uses Spring Boot, so one core serves every Boot line;
 * discovery depends on no other mesh package; the pickers, resilience and security depend
 * only on discovery (the pickers also on routing, which depends on no mesh package);
 * telemetry only on resilience; the client pipeline strings them together and nothing
 * depends on it.
 */
class ArchitectureTests {

	private static final JavaClasses CORE = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.mesh");

	@Test
	void theCoreDoesNotUseSpringBoot() {
		// the rules below mean something only over the core's classes
		assertThat(CORE.contain("dev.mesh.client.MeshClientInterceptor")).isTrue();
		assertThat(CORE.contain("dev.mesh.discovery.MeshInstanceFactory")).isTrue();
		noClasses().should()
			.dependOnClassesThat()
			.resideInAPackage("org.springframework.boot..")
			.because(
					"the core is shared by the Spring Boot 3.5 and 4 lines; Boot glue lives in their autoconfigure modules")
			.check(CORE);
	}

	@Test
	void theCoreDoesNotUseItsAutoConfiguration() {
		noClasses().should().dependOnClassesThat().resideInAPackage("dev.mesh.autoconfigure..").check(CORE);
	}

	@Test
	void thePackagesDependOnEachOtherOnlyAlongTheDocumentedArrows() {
		layeredArchitecture().consideringOnlyDependenciesInAnyPackage("dev.mesh..")
			.layer("client")
			.definedBy("dev.mesh.client..")
			.layer("observability")
			.definedBy("dev.mesh.observability..")
			.layer("loadbalancer")
			.definedBy("dev.mesh.loadbalancer..")
			.layer("resilience")
			.definedBy("dev.mesh.resilience..")
			.layer("security")
			.definedBy("dev.mesh.security..")
			.layer("discovery")
			.definedBy("dev.mesh.discovery..")
			.layer("routing")
			.definedBy("dev.mesh.routing..")
			.whereLayer("client")
			.mayNotBeAccessedByAnyLayer()
			.whereLayer("observability")
			.mayOnlyBeAccessedByLayers("client")
			.whereLayer("loadbalancer")
			.mayOnlyBeAccessedByLayers("client")
			.whereLayer("security")
			.mayOnlyBeAccessedByLayers("client")
			.whereLayer("resilience")
			.mayOnlyBeAccessedByLayers("client", "observability")
			.whereLayer("discovery")
			.mayOnlyBeAccessedByLayers("client", "loadbalancer", "resilience", "security")
			.whereLayer("routing")
			.mayOnlyBeAccessedByLayers("client", "loadbalancer")
			.check(CORE);
	}

	@Test
	void theShutdownPackageDependsOnNoOtherMeshPackage() {
		noClasses().that()
			.resideInAPackage("dev.mesh.shutdown..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.mesh.client..", "dev.mesh.discovery..", "dev.mesh.loadbalancer..",
					"dev.mesh.resilience..", "dev.mesh.security..", "dev.mesh.observability..")
			.check(CORE);
	}

	@Test
	void thePackagesHaveNoCycles() {
		slices().matching("dev.mesh.(*)..").should().beFreeOfCycles().check(CORE);
	}

}
