package dev.mesh.sample.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.core.userdetails.UserDetailsService;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A full startup of the server, on its own so its log is captured: there are no users, so
 * Spring Boot's generated-password login must not appear.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupLogTests {

	@Test
	void shouldStartWithoutAGeneratedPasswordOrAnyUserDetailsService(CapturedOutput output) {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(AuthApplication.class)
			.main(AuthApplication.class)
			.run("--server.port=0")) {
			assertThat(context.getBeanNamesForType(UserDetailsService.class)).isEmpty();
		}
		assertThat(output).contains("Started AuthApplication").doesNotContain("Using generated security password");
	}

}
