package dev.mesh.autoconfigure;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.springframework.http.HttpMethod;
import org.springframework.util.StringUtils;
import org.springframework.validation.Errors;
import org.springframework.web.util.pattern.PathPatternParser;
import org.springframework.web.util.pattern.PatternParseException;

/**
 * Checks {@code mesh.security.*}: path patterns that parse, rules with a path, known HTTP
 * methods, no blank callers or scopes, and a clock skew Spring Security can honour.
 */
final class SecurityPropertiesValidator {

	/** The HTTP methods a rule may name. */
	static final String METHODS = Arrays.stream(HttpMethod.values())
		.map(HttpMethod::name)
		.collect(Collectors.joining(", "));

	/**
	 * Spring Security's default timestamp check, which Spring Boot's decoder always
	 * applies, allows 60s.
	 */
	static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(60);

	private SecurityPropertiesValidator() {
	}

	static void validate(String path, MeshProperties.Security security, Errors errors) {
		Duration skew = security.getClockSkew();
		if (skew == null || skew.isNegative() || skew.compareTo(MAX_CLOCK_SKEW) > 0) {
			errors.rejectValue(path + ".clockSkew", "range", "must be a duration from 0s to 60s, such as 30s");
		}
		if (security.getAudience() != null && !StringUtils.hasText(security.getAudience())) {
			errors.rejectValue(path + ".audience", "blank",
					"must not be blank (leave it unset to use spring.application.name)");
		}
		if (security.getIssuer() != null && !StringUtils.hasText(security.getIssuer())) {
			errors.rejectValue(path + ".issuer", "blank",
					"must not be blank (set it to the exact iss of your tokens, or leave it unset to use "
							+ "spring.security.oauth2.resourceserver.jwt.issuer-uri)");
		}
		List<String> publicPaths = security.getPublicPaths();
		for (int i = 0; publicPaths != null && i < publicPaths.size(); i++) {
			pattern(errors, path + ".publicPaths[" + i + "]", publicPaths.get(i));
		}
		List<MeshProperties.Rule> rules = security.getRules();
		for (int i = 0; rules != null && i < rules.size(); i++) {
			rule(errors, path + ".rules[" + i + "]", rules.get(i));
		}
	}

	private static void rule(Errors errors, String path, MeshProperties.Rule rule) {
		if (!StringUtils.hasText(rule.getPath())) {
			errors.rejectValue(path + ".path", "required",
					"must be set to a path pattern such as /api/reservations/** (every rule needs one)");
		}
		else {
			pattern(errors, path + ".path", rule.getPath());
		}
		List<String> unknown = rule.getMethods().stream().filter((method) -> method(method) == null).toList();
		if (!unknown.isEmpty()) {
			errors.rejectValue(path + ".methods", "method",
					"must list only HTTP methods from: " + METHODS + " (unknown: " + String.join(", ", unknown) + ")");
		}
		if (rule.getCallers().stream().anyMatch((caller) -> !StringUtils.hasText(caller))) {
			errors.rejectValue(path + ".callers", "blank", "must list client ids, none of them blank");
		}
		if (rule.getScopes().stream().anyMatch((scope) -> !StringUtils.hasText(scope))) {
			errors.rejectValue(path + ".scopes", "blank", "must list scopes, none of them blank");
		}
	}

	private static void pattern(Errors errors, String field, String pattern) {
		String problem = null;
		if (!StringUtils.hasText(pattern) || !pattern.startsWith("/")) {
			problem = "it must start with /";
		}
		else {
			try {
				PathPatternParser.defaultInstance.parse(pattern);
			}
			catch (PatternParseException ex) {
				problem = ex.getMessage();
			}
		}
		if (problem != null) {
			errors.rejectValue(field, "pattern",
					"must be a path pattern such as /api/** or /actuator/health/** (" + problem + ")");
		}
	}

	/**
	 * @param method a method name in any case
	 * @return the standard HTTP method, or {@code null} if it is none
	 */
	static HttpMethod method(String method) {
		if (method == null) {
			return null;
		}
		String name = method.trim().toUpperCase(Locale.ROOT);
		return Arrays.stream(HttpMethod.values())
			.filter((candidate) -> candidate.name().equals(name))
			.findFirst()
			.orElse(null);
	}

}
