package dev.berth.project;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.berth.cache.CacheInvalidations;
import dev.berth.iam.DirectoryMemberships;
import dev.berth.iam.ProjectAccess;
import dev.berth.iam.ProjectRole;
import dev.berth.iam.ProjectScope;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.stereotype.Service;

/**
 * Projects and roles for the authoriser. Project lookups are cached for two seconds (every registry
 * request needs one); changes made through this replica invalidate the cache at once, on the other
 * replicas too when Redis is configured. The same holds for whole projects with their metadata,
 * which the registry's pull path reads ({@link ProjectService#findByNameCached}).
 */
@Service
public class ProjectAccessService implements ProjectAccess {
    private final ProjectRecords records;
    private final Cache<String, Optional<ProjectScope>> byName = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofSeconds(2))
            .maximumSize(10_000)
            .build();

    /**
     * Whole projects (metadata included) for the registry's pull path: the pull policies and the
     * proxy cache read a project's settings on every manifest and blob request. Same expiry and
     * invalidation as {@link #byName}.
     */
    private final Cache<String, Optional<Project>> projects = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofSeconds(2))
            .maximumSize(10_000)
            .build();

    private static final String CACHE = "project";

    private final CacheInvalidations invalidations;

    private final DirectoryMemberships memberships;

    ProjectAccessService(ProjectRecords records, CacheInvalidations invalidations, DirectoryMemberships memberships) {
        this.records = records;
        this.memberships = memberships;
        this.invalidations = invalidations;
        invalidations.onInvalidate(CACHE, name -> {
            if (name.equals(CacheInvalidations.ALL)) {
                byName.invalidateAll();
                projects.invalidateAll();
            } else {
                byName.invalidate(name);
                projects.invalidate(name);
            }
        });
    }

    @Override
    public Optional<ProjectScope> findProject(String name) {
        return byName.get(name, records::scopeByName);
    }

    /**
     * The project with its metadata, remembered as {@link #findProject(String)} is; {@code load}
     * reads it on a miss.
     */
    Optional<Project> cachedProject(String name, Function<String, Optional<Project>> load) {
        return projects.get(name, load);
    }

    @Override
    public Optional<ProjectScope> findProject(long id) {
        return records.scopeById(id);
    }

    @Override
    public Optional<ProjectRole> roleOf(long projectId, long userId) {
        return records.userRole(projectId, userId, memberships.groupIds(userId));
    }

    /** Call after creating, deleting or changing the visibility of a project. */
    public void invalidate(String name) {
        byName.invalidate(name);
        projects.invalidate(name);
        invalidations.invalidate(CACHE, name);
    }
}
