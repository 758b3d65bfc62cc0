package dev.berth.iam;

/**
 * One grant of a robot account: {@code kind} "system" or "project", {@code namespace} "/" for system
 * grants, a project name or "*" for project grants.
 */
public record RobotPermission(String kind, String namespace, Resource resource, Action action) {
    public boolean coversProject(String projectName) {
        return kind.equals("project") && (namespace.equals("*") || namespace.equals(projectName));
    }
}
