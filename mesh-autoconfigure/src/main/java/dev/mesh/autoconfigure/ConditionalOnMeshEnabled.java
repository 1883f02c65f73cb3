package dev.mesh.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;

/**
 * Matches unless {@value #PROPERTY} is {@code false}: the switch for the whole starter.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
@Documented
@ConditionalOnProperty(value = ConditionalOnMeshEnabled.PROPERTY, havingValue = "true", matchIfMissing = true)
public @interface ConditionalOnMeshEnabled {

	/** The property that switches the mesh starter off. */
	String PROPERTY = "mesh.enabled";

}
