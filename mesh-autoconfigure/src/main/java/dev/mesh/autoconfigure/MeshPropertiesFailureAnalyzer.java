package dev.mesh.autoconfigure;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.origin.Origin;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * Explains a bad {@code mesh.*} property at startup: which property, the value given,
 * where it came from and what is allowed; for a key that is no mesh property, the closest
 * one that is. It runs before Spring Boot's generic binding analyzers and leaves every
 * property outside {@code mesh.} to them.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class MeshPropertiesFailureAnalyzer extends AbstractFailureAnalyzer<BindException> {

	private static final String PREFIX = "mesh";

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
		String name = cause.getName().toString();
		if (!name.equals(PREFIX) && !name.startsWith(PREFIX + ".")) {
			return null;
		}
		if (cause.getCause() instanceof BindValidationException validation) {
			return analyzeValidation(validation, cause);
		}
		if (cause.getCause() instanceof UnboundConfigurationPropertiesException unbound) {
			return analyzeUnknown(unbound, cause);
		}
		PropertyChecks.InvalidMeshPropertyException refused = findCause(cause,
				PropertyChecks.InvalidMeshPropertyException.class);
		if (refused != null) {
			return analyzeRefused(refused, cause);
		}
		return analyzeConversion(cause);
	}

	private FailureAnalysis analyzeValidation(BindValidationException validation, BindException cause) {
		StringBuilder description = new StringBuilder("Invalid mesh configuration:\n");
		StringBuilder action = new StringBuilder("Update your application's configuration:\n");
		String prefix = validation.getValidationErrors().getName().toString();
		for (ObjectError error : validation.getValidationErrors().getAllErrors()) {
			if (error instanceof FieldError field) {
				String property = prefix + "." + kebab(field.getField());
				ConfigurationProperty bound = boundProperty(validation, property);
				Object value = (bound != null) ? bound.getValue() : field.getRejectedValue();
				description.append(String.format("%n    Property: %s%n    Value: \"%s\"%n", property, value));
				appendOrigin(description, (bound != null) ? bound.getOrigin() : Origin.from(field));
				description.append(String.format("    Reason: %s%n", field.getDefaultMessage()));
				action.append(String.format("%n    Set %s to a value that %s.", property, field.getDefaultMessage()));
			}
			else {
				description.append(String.format("%n    %s%n", error.getDefaultMessage()));
			}
		}
		return new FailureAnalysis(description.toString(), action.toString(), cause);
	}

	/**
	 * A key under {@code mesh.} that is no property: a misspelling would otherwise be
	 * ignored, and under {@code mesh.security.rules} that can leave a path open.
	 */
	private FailureAnalysis analyzeUnknown(UnboundConfigurationPropertiesException unbound, BindException cause) {
		StringBuilder description = new StringBuilder("Invalid mesh configuration:\n");
		StringBuilder action = new StringBuilder("Correct these mesh properties:\n");
		for (ConfigurationProperty property : unbound.getUnboundProperties()) {
			String name = property.getName().toString();
			if (MeshPropertyNames.exists(property.getName())) {
				// a mesh property the binder left unbound: it was given no value
				description.append(String.format("%n    Property: %s%n    Value: \"%s\"%n", name, property.getValue()));
				appendOrigin(description, property.getOrigin());
				description.append(String.format("    Reason: no value given%n"));
				action.append(String.format("%n    Give %s a value (docs/configuration.md lists what each takes), "
						+ "or remove it to keep its default.", name));
				continue;
			}
			String closest = MeshPropertyNames.closest(property.getName());
			description.append(String.format("%n    Property: %s%n    Value: \"%s\"%n", name, property.getValue()));
			appendOrigin(description, property.getOrigin());
			description.append(String.format("    Reason: no such mesh property%s%n",
					(closest != null) ? "; did you mean " + closest + "?" : ""));
			action.append(String.format("%n    %s", (closest != null) ? "Rename " + name + " to " + closest + "."
					: "Remove " + name + " (docs/configuration.md lists the mesh properties)."));
		}
		return new FailureAnalysis(description.toString(), action.toString(), cause);
	}

	/**
	 * A value its setter refused ({@link PropertyChecks}): the binder names the property
	 * it bound last, the one whose setter threw.
	 */
	private FailureAnalysis analyzeRefused(PropertyChecks.InvalidMeshPropertyException refused, BindException cause) {
		ConfigurationProperty property = cause.getProperty();
		StringBuilder description = new StringBuilder("Invalid mesh configuration:\n");
		String name;
		if (property != null && property.getName().isLastElementIndexed()) {
			// a list bound element by element: its setter refused the whole list, and
			// the reason names the bad element
			name = property.getName().getParent().toString();
			description.append(String.format("%n    Property: %s%n", name));
		}
		else {
			name = (property != null) ? property.getName().toString() : cause.getName().toString();
			description.append(String.format("%n    Property: %s%n    Value: \"%s\"%n", name,
					(property != null) ? property.getValue() : null));
			if (property != null) {
				appendOrigin(description, property.getOrigin());
			}
		}
		description.append(String.format("    Reason: %s%n", refused.getMessage()));
		return new FailureAnalysis(description.toString(),
				String.format("Update your application's configuration:%n%n    Set %s to a value that %s.", name,
						refused.getMessage()),
				cause);
	}

	private static ConfigurationProperty boundProperty(BindValidationException validation, String property) {
		ConfigurationPropertyName name = ConfigurationPropertyName.of(property);
		for (ConfigurationProperty bound : validation.getValidationErrors().getBoundProperties()) {
			if (bound.getName().equals(name)) {
				return bound;
			}
		}
		return null;
	}

	private FailureAnalysis analyzeConversion(BindException cause) {
		ConfigurationProperty property = cause.getProperty();
		String name = (property != null) ? property.getName().toString() : cause.getName().toString();
		Object value = (property != null) ? property.getValue() : null;
		Class<?> type = cause.getTarget().getType().resolve(Object.class);
		StringBuilder description = new StringBuilder("Invalid mesh configuration:\n");
		if (isGroup(type)) {
			// a value where a group of properties belongs (mesh.clients.inventory=x)
			description.append(String.format("%n    Property: %s%n", name));
			description.append(String.format("    Reason: a group of mesh properties, not a single value%n"));
			String example = MeshClientProperties.class.equals(type) ? "such as " + name + ".timeout; " : "";
			return new FailureAnalysis(description.toString(), "Set the properties under " + name + " (" + example
					+ "docs/configuration.md lists them) instead of a value for " + name + " itself.", cause);
		}
		description.append(String.format("%n    Property: %s%n    Value: \"%s\"%n", name, value));
		if (property != null) {
			appendOrigin(description, property.getOrigin());
		}
		description.append(String.format("    Reason: not a valid %s%n", describe(type)));
		return new FailureAnalysis(description.toString(), "Set " + name + " to " + allowed(type) + ".", cause);
	}

	private static void appendOrigin(StringBuilder description, Origin origin) {
		if (origin != null) {
			description.append(String.format("    Origin: %s%n", origin));
		}
	}

	/** One of the mesh's own property groups, such as {@link MeshClientProperties}. */
	private static boolean isGroup(Class<?> type) {
		return !type.isEnum() && type.getName().startsWith("dev.mesh.autoconfigure.");
	}

	private static String describe(Class<?> type) {
		if (type.isEnum()) {
			return kebab(type.getSimpleName()).replace('-', ' ');
		}
		if (Duration.class.equals(type)) {
			return "duration";
		}
		if (DataSize.class.equals(type)) {
			return "data size";
		}
		return type.getSimpleName().toLowerCase(Locale.ROOT);
	}

	private static String allowed(Class<?> type) {
		if (type.isEnum()) {
			return "one of: " + Arrays.stream(type.getEnumConstants())
				.map((constant) -> ((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-'))
				.collect(Collectors.joining(", "));
		}
		if (Duration.class.equals(type)) {
			return "a duration such as 500ms, 2s or 1m";
		}
		if (DataSize.class.equals(type)) {
			return "a data size such as 512KB or 10MB";
		}
		if (Integer.class.equals(type) || int.class.equals(type) || Long.class.equals(type)
				|| long.class.equals(type)) {
			return "a whole number";
		}
		if (Boolean.class.equals(type) || boolean.class.equals(type)) {
			return "true or false";
		}
		return "a valid " + type.getSimpleName();
	}

	/**
	 * {@code clients[inventory].loadBalancer} → {@code clients.inventory.load-balancer};
	 * list indexes stay: {@code security.rules[0].path} → {@code security.rules[0].path}.
	 */
	static String kebab(String field) {
		StringBuilder result = new StringBuilder(field.length() + 8);
		for (int i = 0; i < field.length(); i++) {
			char c = field.charAt(i);
			if (c == '[') {
				int end = field.indexOf(']', i);
				String key = field.substring(i + 1, end);
				result.append(key.chars().allMatch(Character::isDigit) ? "[" + key + "]" : "." + key);
				i = end;
			}
			else if (Character.isUpperCase(c)) {
				if (i > 0 && field.charAt(i - 1) != '.') {
					result.append('-');
				}
				result.append(Character.toLowerCase(c));
			}
			else {
				result.append(c);
			}
		}
		return result.toString();
	}

}
