package dev.mesh.security;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

import org.springframework.http.HttpMethod;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * Who may call a path: requests to {@code path} (with one of {@code methods}, if any) are
 * allowed only to the {@code callers} listed (if any) and only with every scope in
 * {@code scopes}.
 *
 * @param path a path pattern ({@link org.springframework.web.util.pattern.PathPattern}
 * syntax, such as {@code /api/reservations/**})
 * @param methods the HTTP methods the rule applies to; empty for every method.
 * {@code GET} also covers {@code HEAD} (Spring MVC answers {@code HEAD} with the
 * {@code GET} handler), and an {@code OPTIONS} request is decided by the first rule whose
 * path matches, whatever methods it names
 * @param callers the client ids allowed; empty for any caller
 * @param scopes the scopes the token must all have; empty for none
 */
public record CallerRule(String path, Set<HttpMethod> methods, Set<String> callers, Set<String> scopes) {

	public CallerRule {
		Assert.isTrue(StringUtils.hasText(path), "path: empty (expected: a path pattern such as /api/**)");
		methods = Collections.unmodifiableSet(new LinkedHashSet<>(methods));
		callers = Collections.unmodifiableSet(new LinkedHashSet<>(callers));
		scopes = Collections.unmodifiableSet(new LinkedHashSet<>(scopes));
	}

}
