package dev.mesh.sample.auth;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scope to audience mapping: {@code <service>.<permission>} names {@code <service>}.
 */
class ScopeAudienceTokenCustomizerTests {

	@Test
	void shouldNameEachServiceOnceSorted() {
		assertThat(ScopeAudienceTokenCustomizer
			.audience(List.of("order.read", "inventory.read", "inventory.write", "inventory.admin.delete")))
			.containsExactly("inventory", "order");
	}

	@Test
	void shouldIgnoreScopesThatNameNoService() {
		assertThat(ScopeAudienceTokenCustomizer.audience(List.of("openid", ".read", "profile"))).isEmpty();
	}

	@Test
	void shouldBeEmptyWithoutScopes() {
		assertThat(ScopeAudienceTokenCustomizer.audience(List.of())).isEmpty();
	}

}
