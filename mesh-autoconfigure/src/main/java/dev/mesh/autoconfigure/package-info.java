/**
 * Auto-configuration of the mesh: the {@code @AutoConfiguration} classes,
 * {@link dev.mesh.autoconfigure.MeshProperties} ({@code mesh.*}) and the failure
 * analyzers that explain bad configuration at startup.
 */
package dev.mesh.autoconfigure;
