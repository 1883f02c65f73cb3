package dev.mesh.security;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * Decides a request that needs a token: without a validated token it is denied (the entry point answers
 * 401); otherwise the first rule whose path and methods match decides, and with no matching rule the
 * token is enough.
 */
final class CallerRulesAuthorizationManager implements AuthorizationManager<RequestAuthorizationContext> {

	private static final AuthorizationDecision GRANTED = new AuthorizationDecision(true);

	private static final AuthorizationDecision NO_TOKEN = new AuthorizationDecision(false);

	private final List<CompiledRule> rules;

	CallerRulesAuthorizationManager(List<CallerRule> rules) {
		this.rules = rules.stream().map(CompiledRule::new).toList();
	}

	@Override
	@SuppressWarnings("deprecation")
	public AuthorizationDecision check(Supplier<Authentication> authentication, RequestAuthorizationContext context) {
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

	private static final class CompiledRule {

		private final CallerRule rule;

		private final PathPatternRequestMatcher path;

		CompiledRule(CallerRule rule) {
			this.rule = rule;
			this.path = PathPatternRequestMatcher.withDefaults().matcher(rule.path());
		}

		boolean matches(HttpServletRequest request) {
			if (!this.rule.methods().isEmpty()
					&& this.rule.methods().stream().noneMatch((method) -> method.matches(request.getMethod()))) {
				return false;
			}
			return this.path.matches(request);
		}

		AuthorizationDecision decide(MeshCaller caller, HttpServletRequest request) {
			if (!this.rule.callers().isEmpty() && !this.rule.callers().contains(caller.clientId())) {
				return CallerDecision.denied("caller '%s' is not allowed to %s %s (allowed: %s)".formatted(caller.clientId(),
						request.getMethod(), request.getRequestURI(), String.join(", ", this.rule.callers())), Set.of());
			}
			Set<String> missing = new LinkedHashSet<>(this.rule.scopes());
			missing.removeAll(caller.scopes());
			if (!missing.isEmpty()) {
				return CallerDecision.denied(((missing.size() == 1) ? "missing scope " : "missing scopes ")
						+ String.join(", ", missing) + " to " + request.getMethod() + " " + request.getRequestURI(), missing);
			}
			return GRANTED;
		}

	}

}
