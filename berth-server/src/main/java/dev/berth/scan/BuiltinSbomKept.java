package dev.berth.scan;

import java.util.List;

/**
 * Published inside the transaction that keeps the built-in scanner's SBOM of an artifact, so that
 * the package index is replaced in the same transaction (the index is the only copy of the list).
 *
 * @param purls the packages, as canonical Package URLs
 */
public record BuiltinSbomKept(long manifestId, List<String> purls) {}
