package dev.mesh.security;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpMethod;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * Decides a request that needs a token: without a validated token it is denied (the entry
 * point answers 401); otherwise the first rule whose path and methods match decides, and
 * with no matching rule the token is enough.
 * <p>
 * Methods are matched as Spring MVC dispatches them, not as they are spelled: a rule that
 * names {@code GET} also covers {@code HEAD}, because Spring MVC runs a
 * {@code @GetMapping} handler for a {@code HEAD} request; and {@code OPTIONS}, which asks
 * what a path allows, is decided by the first rule whose path matches, whatever methods
 * that rule names, so a caller a rule shuts out of a path learns nothing about it (not
 * even Spring MVC's {@code Allow} list) and never reaches an explicit {@code OPTIONS}
 * handler there.
 */
final class CallerRulesAuthorizationManager implements AuthorizationManager<RequestAuthorizationContext> {

	private static final AuthorizationDecision GRANTED = new AuthorizationDecision(true);

	private static final AuthorizationDecision NO_TOKEN = new AuthorizationDecision(false);

	private final List<CompiledRule> rules;

	CallerRulesAuthorizationManager(List<CallerRule> rules, PathPatternRequestMatcher.Builder paths) {
		this.rules = rules.stream().map((rule) -> new CompiledRule(rule, paths)).toList();
	}

	/**
	 * The decision. Spring Security 7 calls only this method (its {@code check} is gone),
	 * Spring Security 6 calls it too and keeps {@code check} abstract; the compiled
	 * class, whose erased {@code authorize(Supplier, Object)} both versions share, serves
	 * both Boot lines.
	 */
	@Override
	public AuthorizationDecision authorize(Supplier<Authentication> authentication,
			RequestAuthorizationContext context) {
		MeshCaller caller = Callers.of(authentication.get());
		if (caller == null) {
			return NO_TOKEN;
		}
		HttpServletRequest request = context.getRequest();
		for (CompiledRule rule : this.rules) {
			if (rule.matches(request)) {
				return rule.decide(caller, request);
			}
		}
		return GRANTED;
	}

	@Override
	@Deprecated
	@SuppressWarnings("deprecation")
	public AuthorizationDecision check(Supplier<Authentication> authentication, RequestAuthorizationContext context) {
		return authorize(authentication, context);
	}

	private static final class CompiledRule {

		private final CallerRule rule;

		private final PathPatternRequestMatcher path;

		/** The method names the rule covers, empty for every method. */
		private final Set<String> methods;

		CompiledRule(CallerRule rule, PathPatternRequestMatcher.Builder paths) {
			this.rule = rule;
			// the same parser defaults as Spring MVC's handler mapping, and the
			// DispatcherServlet's path as
			// base path, so rule and handler see one path
			this.path = paths.matcher(rule.path());
			this.methods = new HashSet<>();
			rule.methods().forEach((method) -> this.methods.add(method.name()));
			if (this.methods.contains(HttpMethod.GET.name())) {
				this.methods.add(HttpMethod.HEAD.name());
			}
		}

		boolean matches(HttpServletRequest request) {
			String method = request.getMethod();
			if (!this.methods.isEmpty() && !this.methods.contains(method) && !HttpMethod.OPTIONS.matches(method)) {
				return false;
			}
			return this.path.matches(request);
		}

		AuthorizationDecision decide(MeshCaller caller, HttpServletRequest request) {
			if (!this.rule.callers().isEmpty() && !this.rule.callers().contains(caller.clientId())) {
				return CallerDecision.denied(
						"caller '%s' is not allowed to %s %s (allowed: %s)".formatted(caller.clientId(),
								request.getMethod(), request.getRequestURI(), String.join(", ", this.rule.callers())),
						Set.of());
			}
			Set<String> missing = new LinkedHashSet<>(this.rule.scopes());
			missing.removeAll(caller.scopes());
			if (!missing.isEmpty()) {
				return CallerDecision.denied(((missing.size() == 1) ? "missing scope " : "missing scopes ")
						+ String.join(", ", missing) + " to " + request.getMethod() + " " + request.getRequestURI(),
						missing);
			}
			return GRANTED;
		}

	}

}
