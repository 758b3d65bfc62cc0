package dev.berth.support.contract;

/**
 * One way a response differed from Harbor's swagger: the request, the operation it matched (or
 * {@code -} for none), where in the body (a JSON pointer; empty for the whole body), the kind of
 * problem (a JSON Schema keyword such as {@code enum}, {@code required}, {@code
 * additionalProperties}, {@code type}; or {@code status}, {@code body}, {@code operation}) and what
 * was wrong.
 */
public record Violation(
        String method, String uri, int status, String operationId, String pointer, String problem, String message) {
    @Override
    public String toString() {
        return method + " " + uri + " -> " + status + " [" + operationId + "] "
                + (pointer.isEmpty() ? "(body)" : pointer) + " " + problem + ": " + message;
    }
}
