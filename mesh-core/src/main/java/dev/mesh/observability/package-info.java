/**
 * Observability: the Micrometer observations of mesh calls and attempts (metrics and
 * trace spans), the {@code mesh} health contributor and the {@code mesh} actuator
 * endpoint.
 */
package dev.mesh.observability;
