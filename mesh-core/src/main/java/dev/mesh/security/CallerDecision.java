package dev.mesh.security;

import java.util.Set;

import org.springframework.security.authorization.AuthorizationDecision;

/**
 * A caller rule's verdict, with what was missing when it denies; the access-denied
 * handler puts {@link #reason()} in the 403 problem and {@link #missingScopes()} in
 * {@code WWW-Authenticate}.
 */
final class CallerDecision extends AuthorizationDecision {

	private final String reason;

	private final Set<String> missingScopes;

	private CallerDecision(boolean granted, String reason, Set<String> missingScopes) {
		super(granted);
		this.reason = reason;
		this.missingScopes = missingScopes;
	}

	static CallerDecision denied(String reason, Set<String> missingScopes) {
		return new CallerDecision(false, reason, Set.copyOf(missingScopes));
	}

	String reason() {
		return this.reason;
	}

	Set<String> missingScopes() {
		return this.missingScopes;
	}

	@Override
	public String toString() {
		return "CallerDecision [granted=" + isGranted() + ", reason=" + this.reason + "]";
	}

}
