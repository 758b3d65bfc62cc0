package dev.berth.replication;

import java.util.Arrays;

/**
 * Where a repository lands, Harbor's flattening rule. With no destination namespace the name is
 * kept. Otherwise the last path component is always kept and the namespace replaces:
 *
 * <ul>
 *   <li>every other component when the replace count is -1 (Harbor's legacy mode): {@code a/b/c}
 *       into {@code ns} is {@code ns/c};
 *   <li>the first {@code n} components otherwise: {@code a/b/c} with 1 is {@code ns/b/c}, with 0 is
 *       {@code ns/a/b/c}, with 2 is {@code ns/c}; more than there are is an error.
 * </ul>
 */
final class DestinationName {
    private DestinationName() {}

    static String of(String repository, String namespace, int replaceCount) {
        if (namespace == null || namespace.isEmpty()) {
            return repository;
        }
        String[] parts = repository.split("/");
        String last = parts[parts.length - 1];
        if (replaceCount < 0) {
            return namespace + "/" + last;
        }
        if (replaceCount > parts.length - 1) {
            throw new IllegalArgumentException("the source repository \"" + repository + "\" contains only "
                    + (parts.length - 1) + " path components excepting the last one, but the destination namespace"
                    + " flattening level is " + replaceCount);
        }
        String middle = String.join("/", Arrays.copyOfRange(parts, replaceCount, parts.length - 1));
        return namespace + "/" + (middle.isEmpty() ? "" : middle + "/") + last;
    }
}
