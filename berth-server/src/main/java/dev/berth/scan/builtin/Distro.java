package dev.berth.scan.builtin;

import java.util.Optional;

/**
 * The image's distribution as {@code os-release} names it.
 *
 * @param id {@code ID}, e.g. {@code debian}, {@code alpine}, {@code rhel}
 * @param versionId {@code VERSION_ID}, e.g. {@code 12}, {@code 3.19.1}; empty for rolling releases
 */
public record Distro(String id, String versionId, String prettyName) {
    /** The Package URL {@code distro} qualifier: {@code debian-12}, {@code alpine-3.19.1}. */
    public Optional<String> qualifier() {
        return id.isEmpty() ? Optional.empty() : Optional.of(versionId.isEmpty() ? id : id + "-" + versionId);
    }
}
