package dev.mesh.routing;

import java.util.Collections;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Reading {@code Mesh-Route-Version}: a bare version for every service, service=version
 * items ahead of it, and every malformed value refused with a reason naming the header
 * and free of the value's control characters.
 */
class VersionPinTests {

	@Test
	void shouldPinEveryServiceToABareVersionAndNamedServicesToTheirOwn() {
		VersionPin pin = VersionPin.parse(" 1.5 , inventory=2.0-rc1 ,billing = 7 ");
		assertThat(pin.versionFor("inventory")).isEqualTo("2.0-rc1");
		assertThat(pin.versionFor("billing")).isEqualTo("7");
		assertThat(pin.versionFor("pricing")).isEqualTo("1.5");
		assertThat(pin.value()).isEqualTo("1.5 , inventory=2.0-rc1 ,billing = 7");
		assertThat(VersionPin.parse("inventory=2").versionFor("pricing")).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "  ", ",", "1.5,", "1.5, 1.6", "=1.5", "inventory=", "a=1,a=2", "1.5;x", "1 5",
			"inventory=1.5=2", "\u65e5\u672c", "1.5\r\nX-Injected: 1", "a\u0000b" })
	void shouldRefuseAMalformedPin(String value) {
		assertThatIllegalArgumentException().isThrownBy(() -> VersionPin.parse(value))
			.withMessageStartingWith("Mesh-Route-Version")
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("\r", "\n", "\u0000"));
	}

	@Test
	void shouldRefuseAPinTooLongOrWithTooManyItemsBeforeSplittingIt() {
		assertThatIllegalArgumentException().isThrownBy(() -> VersionPin.parse("1".repeat(1025)))
			.withMessageContaining("at most 1024");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> VersionPin.parse(String.join(",", Collections.nCopies(17, "s=1"))))
			.withMessageContaining("at most 16");
		assertThat(VersionPin.parse("x".repeat(128)).versionFor("any")).hasSize(128);
		assertThatIllegalArgumentException().isThrownBy(() -> VersionPin.parse("x".repeat(129)));
	}

}
