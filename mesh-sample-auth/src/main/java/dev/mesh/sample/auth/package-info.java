/**
 * Sample OAuth2 authorization server for the mesh: issues client-credentials JWTs whose
 * audience is derived from the granted scopes
 * ({@link dev.mesh.sample.auth.ScopeAudienceTokenCustomizer}), for the clients listed
 * under {@code mesh-auth.clients} ({@link dev.mesh.sample.auth.AuthProperties}).
 */
package dev.mesh.sample.auth;
