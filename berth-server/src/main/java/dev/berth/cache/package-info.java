/**
 * Keeps the in-memory caches of several replicas in step. Each replica caches credentials, project
 * visibility and settings for a few seconds; a change made on one replica is announced through
 * {@link CacheInvalidations} and, when Redis is configured ({@code berth.redis.url}), reaches every
 * other replica at once over pub/sub. Without Redis, or while it is down, the caches' own expiry
 * bounds staleness exactly as on a single node: Redis only ever shortens it.
 */
package dev.berth.cache;
