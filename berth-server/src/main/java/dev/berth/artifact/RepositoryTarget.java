package dev.berth.artifact;

import dev.berth.project.Project;

/** A repository addressed by an API path, after the caller passed the project checks. */
record RepositoryTarget(Project project, String fullName, RepositoryListing.Row row) {
    long id() {
        return row.id();
    }
}
