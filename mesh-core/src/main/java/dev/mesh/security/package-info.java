/**
 * Security of mesh calls, server side: the caller's identity
 * ({@link dev.mesh.security.MeshCaller}), the caller rules that decide which callers
 * reach which paths ({@link dev.mesh.security.CallerRule}), and the pieces of the JWT
 * resource server that checks callers' tokens, offered by
 * {@link dev.mesh.security.MeshResourceServer} so a hand-written
 * {@code SecurityFilterChain} can reuse them.
 */
package dev.mesh.security;
