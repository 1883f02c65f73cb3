package dev.mesh.autoconfigure;

import java.beans.PropertyDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.core.ResolvableType;

/**
 * Suggests the {@code mesh.*} property a misspelt one was meant to be, for the startup
 * failure of an unknown key: the key's path is followed through {@link MeshProperties} (a
 * map's key, such as the service of {@code mesh.clients.<service>}, or a list's index, is
 * taken as it is) to the first part that names no property there, which is replaced by
 * the closest name of that level (by edit distance). The structure is read from the
 * properties classes themselves, so a new property needs nothing here.
 */
final class MeshPropertyNames {

	/** Farther than this from every name of its level, a part gets no suggestion. */
	private static final int MAX_DISTANCE = 4;

	private MeshPropertyNames() {
	}

	/**
	 * @param unknown a name under {@code mesh.} that binds to nothing
	 * @return the closest valid name, or {@code null} when none is close
	 */
	static String closest(ConfigurationPropertyName unknown) {
		String match = match(unknown);
		return (match != null && !match.equals(unknown.toString())) ? match : null;
	}

	/**
	 * @param name a name under {@code mesh.}
	 * @return whether it is a mesh property (with any map key and list index), so that
	 * the binder leaving it unbound means it has no value rather than no meaning
	 */
	static boolean exists(ConfigurationPropertyName name) {
		return name.toString().equals(match(name));
	}

	/**
	 * @return the name itself when it is a property, the closest property when it is not
	 * and one is close, else {@code null}
	 */
	private static String match(ConfigurationPropertyName unknown) {
		if (unknown.getNumberOfElements() < 2
				|| !"mesh".equals(unknown.getElement(0, ConfigurationPropertyName.Form.UNIFORM))) {
			return null;
		}
		ResolvableType type = ResolvableType.forClass(MeshProperties.class);
		List<String> parts = new ArrayList<>(List.of("mesh"));
		for (int i = 1; i < unknown.getNumberOfElements(); i++) {
			String element = unknown.getElement(i, ConfigurationPropertyName.Form.DASHED);
			Class<?> raw = type.resolve(Object.class);
			if (Map.class.isAssignableFrom(raw)) {
				parts.add(element);
				type = type.asMap().getGeneric(1);
				continue;
			}
			if (List.class.isAssignableFrom(raw)) {
				parts.add(unknown.isNumericIndex(i) ? "[" + element + "]" : element);
				type = type.asCollection().getGeneric(0);
				continue;
			}
			PropertyDescriptor match = null;
			String best = null;
			int bestDistance = Integer.MAX_VALUE;
			for (PropertyDescriptor property : properties(raw)) {
				String name = DataObjectPropertyName.toDashedForm(property.getName());
				if (name.equals(element)) {
					match = property;
					break;
				}
				int distance = distance(element, name);
				if (distance < bestDistance) {
					bestDistance = distance;
					best = name;
				}
			}
			if (match == null) {
				if (best == null || bestDistance > Math.min(MAX_DISTANCE, Math.max(1, element.length() / 2))) {
					return null;
				}
				parts.add(best);
				for (int rest = i + 1; rest < unknown.getNumberOfElements(); rest++) {
					parts.add(unknown.getElement(rest, ConfigurationPropertyName.Form.DASHED));
				}
				return join(parts);
			}
			parts.add(element);
			type = ResolvableType.forMethodReturnType(match.getReadMethod());
		}
		return join(parts);
	}

	/**
	 * The bean properties of a properties class: those with a getter, other than
	 * {@code getClass()}.
	 */
	private static List<PropertyDescriptor> properties(Class<?> type) {
		if (type.getName().startsWith("java.") || type.isPrimitive() || type.isEnum()) {
			return List.of();
		}
		List<PropertyDescriptor> properties = new ArrayList<>();
		for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(type)) {
			if (property.getReadMethod() != null && !"class".equals(property.getName())) {
				properties.add(property);
			}
		}
		return properties;
	}

	private static String join(List<String> parts) {
		StringBuilder name = new StringBuilder();
		for (String part : parts) {
			if (!part.startsWith("[") && name.length() > 0) {
				name.append('.');
			}
			name.append(part);
		}
		return name.toString();
	}

	/**
	 * Levenshtein distance (names are short: a table per comparison is cheap, and runs
	 * only on failure).
	 */
	private static int distance(String a, String b) {
		int[] previous = new int[b.length() + 1];
		int[] current = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++) {
			previous[j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			current[0] = i;
			for (int j = 1; j <= b.length(); j++) {
				int substitution = previous[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
				current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
			}
			int[] swap = previous;
			previous = current;
			current = swap;
		}
		return previous[b.length()];
	}

}
