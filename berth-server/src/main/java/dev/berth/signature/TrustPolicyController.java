package dev.berth.signature;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.artifact.ArtifactLookup;
import dev.berth.audit.AuditLog;
import dev.berth.iam.Action;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import dev.berth.project.Project;
import dev.berth.project.ProjectGuard;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Berth's extension under {@code /api/v2.0} (Harbor has no such API): a project's signature trust
 * policy, its trusted cosign public keys, and the verification result of an artifact. Members of
 * the project read (Harbor's project {@code configuration} read: every role); project admins edit
 * ({@code configuration} update). A project the caller cannot see is a 404 (401 anonymous); a key
 * id of another project is a 404, never a read or a change there.
 */
@RestController
class TrustPolicyController {
    private static final Pattern KEY_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final String RESOURCE_TYPE = "trust_policy";

    private final TrustPolicies policies;
    private final TrustStore store;
    private final ProjectGuard guard;
    private final ArtifactLookup artifacts;
    private final AuditLog audit;

    TrustPolicyController(
            TrustPolicies policies, TrustStore store, ProjectGuard guard, ArtifactLookup artifacts, AuditLog audit) {
        this.policies = policies;
        this.store = store;
        this.guard = guard;
        this.artifacts = artifacts;
        this.audit = audit;
    }

    record PolicyView(
            String mode, List<String> kinds, long version, Instant update_time, long key_count, long identity_count) {}

    record PolicyBody(String mode, List<String> kinds) {}

    record KeyView(
            long id, String name, String key_type, String fingerprint, String public_key, Instant creation_time) {}

    record KeyBody(String name, String public_key) {}

    record VerificationView(
            String status,
            boolean verified,
            String mode,
            long policy_version,
            String digest,
            String reason,
            String kind,
            String key_name,
            String signature,
            Instant checked_at) {}

    @GetMapping("/api/v2.0/projects/{projectNameOrId}/trust-policy")
    PolicyView get(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName) {
        Project project = permitted(request, projectNameOrId, isName, Action.READ);
        return view(policies.of(project.id()), project.id());
    }

    @PutMapping("/api/v2.0/projects/{projectNameOrId}/trust-policy")
    PolicyView put(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName,
            @RequestBody(required = false) PolicyBody body) {
        Project project = permitted(request, projectNameOrId, isName, Action.UPDATE);
        if (body == null) {
            throw ApiException.badRequest("a body {\"mode\": ..., \"kinds\": [...]} is required");
        }
        TrustPolicy.Mode mode = TrustPolicy.Mode.of(String.valueOf(body.mode()))
                .orElseThrow(() -> ApiException.badRequest("mode must be one of off, warn, enforce"));
        List<String> kinds = body.kinds() == null ? List.of("cosign") : body.kinds();
        if (kinds.isEmpty() || !TrustPolicy.KINDS.containsAll(kinds)) {
            throw ApiException.badRequest("kinds must be a non-empty subset of " + TrustPolicy.KINDS);
        }
        TrustPolicy policy = policies.put(project.id(), mode, List.copyOf(new LinkedHashSet<>(kinds)));
        audit.record(
                Callers.of(request).name(),
                project.id(),
                AuditLog.Operation.UPDATE,
                RESOURCE_TYPE,
                project.name(),
                "mode=" + mode.wire() + " kinds=" + String.join(",", policy.kinds()));
        return view(policy, project.id());
    }

    @GetMapping("/api/v2.0/projects/{projectNameOrId}/trust-policy/keys")
    ResponseEntity<List<KeyView>> keys(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName) {
        Project project = permitted(request, projectNameOrId, isName, Action.READ);
        List<KeyView> keys = new ArrayList<>();
        store.keys(project.id()).forEach(k -> keys.add(view(k)));
        return listed(keys);
    }

    @GetMapping("/api/v2.0/projects/{projectNameOrId}/trust-policy/keys/{keyId}")
    KeyView key(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @PathVariable long keyId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName) {
        Project project = permitted(request, projectNameOrId, isName, Action.READ);
        return store.key(project.id(), keyId)
                .map(TrustPolicyController::view)
                .orElseThrow(() -> ApiException.notFound("key " + keyId + " not found"));
    }

    @PostMapping("/api/v2.0/projects/{projectNameOrId}/trust-policy/keys")
    ResponseEntity<Void> addKey(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName,
            @RequestBody(required = false) KeyBody body) {
        Project project = permitted(request, projectNameOrId, isName, Action.UPDATE);
        if (body == null
                || body.name() == null
                || !KEY_NAME.matcher(body.name()).matches()) {
            throw ApiException.badRequest(
                    "name is required: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        PublicKeyPem key;
        try {
            key = PublicKeyPem.parse(body.public_key());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        Optional<Long> id;
        try {
            id = policies.addKey(project.id(), body.name(), key);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        if (id.isEmpty()) {
            throw ApiException.conflict("the project already trusts a key named " + body.name());
        }
        audit.record(
                Callers.of(request).name(),
                project.id(),
                AuditLog.Operation.CREATE,
                RESOURCE_TYPE,
                project.name() + "/keys/" + body.name(),
                key.type().wire() + " " + key.fingerprint());
        return created(request, id.get());
    }

    @DeleteMapping("/api/v2.0/projects/{projectNameOrId}/trust-policy/keys/{keyId}")
    ResponseEntity<Void> deleteKey(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @PathVariable long keyId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName) {
        Project project = permitted(request, projectNameOrId, isName, Action.UPDATE);
        Optional<TrustStore.TrustedKey> key = store.key(project.id(), keyId);
        if (key.isEmpty() || !policies.deleteKey(project.id(), keyId)) {
            throw ApiException.notFound("key " + keyId + " not found");
        }
        audit.record(
                Callers.of(request).name(),
                project.id(),
                AuditLog.Operation.DELETE,
                RESOURCE_TYPE,
                project.name() + "/keys/" + key.get().name());
        return ResponseEntity.ok().build();
    }

    /** The stored verification of an artifact under the project's current policy version. */
    @GetMapping("/api/v2.0/projects/{projectName}/repositories/{repositoryName}/artifacts/{reference}/verification")
    VerificationView verification(
            HttpServletRequest request,
            @PathVariable String projectName,
            @PathVariable String repositoryName,
            @PathVariable String reference) {
        Principal caller = Callers.of(request);
        ArtifactLookup.Located artifact =
                artifacts.locate(caller, projectName, repositoryName, reference, Resource.ARTIFACT, Action.READ);
        TrustPolicy policy = policies.of(artifact.project().id());
        Optional<TrustStore.Result> result =
                policy.version() == 0 ? Optional.empty() : store.result(artifact.artifactId(), policy.version());
        if (result.isEmpty()) {
            return new VerificationView(
                    policy.version() == 0 ? "no_policy" : "pending",
                    false,
                    policy.mode().wire(),
                    policy.version(),
                    artifact.digest(),
                    policy.version() == 0
                            ? "the project has no trust policy"
                            : "not verified yet under version " + policy.version() + " of the trust policy",
                    null,
                    null,
                    null,
                    null);
        }
        TrustStore.Result r = result.get();
        return new VerificationView(
                r.verified() ? "verified" : "unverified",
                r.verified(),
                policy.mode().wire(),
                r.policyVersion(),
                r.digest(),
                r.reason(),
                r.kind().orElse(null),
                r.keyName().orElse(null),
                r.signature().orElse(null),
                r.checkedAt());
    }

    private Project permitted(HttpServletRequest request, String nameOrId, boolean isName, Action action) {
        return permitted(guard, request, nameOrId, isName, action);
    }

    /**
     * The project a trust policy request is about, when the caller may do {@code action} on its
     * configuration (Harbor's project configuration permission); 404 when the caller cannot see it.
     */
    static Project permitted(
            ProjectGuard guard, HttpServletRequest request, String nameOrId, boolean isName, Action action) {
        Principal caller = Callers.of(request);
        Project project = guard.readable(caller, nameOrId, isName);
        guard.require(caller, project, Resource.CONFIGURATION, action);
        return project;
    }

    /** A whole list as the trust policy API answers lists: the items and {@code X-Total-Count}. */
    static <T> ResponseEntity<List<T>> listed(List<T> items) {
        return ResponseEntity.ok()
                .header("X-Total-Count", String.valueOf(items.size()))
                .body(items);
    }

    /** 201 with the {@code Location} of the item just added under the request's collection. */
    static ResponseEntity<Void> created(HttpServletRequest request, long id) {
        return ResponseEntity.created(URI.create(request.getRequestURI().replaceAll("/$", "") + "/" + id))
                .build();
    }

    private PolicyView view(TrustPolicy p, long projectId) {
        return new PolicyView(
                p.mode().wire(),
                p.kinds(),
                p.version(),
                p.updateTime(),
                store.countKeys(projectId),
                store.countIdentities(projectId));
    }

    private static KeyView view(TrustStore.TrustedKey k) {
        return new KeyView(k.id(), k.name(), k.type().wire(), k.fingerprint(), k.pem(), k.created());
    }
}
