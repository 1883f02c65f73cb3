/**
 * Graceful drain of a mesh member on shutdown: leaving the registry, telling callers in
 * every answer that this instance is going away ({@link dev.mesh.shutdown.GoingAway}),
 * and waiting for them to notice before the web server finishes the requests in flight.
 * Depends on no other mesh package.
 */
package dev.mesh.shutdown;
