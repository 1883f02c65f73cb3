/**
 * The mesh client: the {@link dev.mesh.client.MeshClient @MeshClient} annotation, the
 * bean post-processor that turns an annotated {@code RestClient} into a mesh client, and
 * the request pipeline each call goes through.
 */
package dev.mesh.client;
