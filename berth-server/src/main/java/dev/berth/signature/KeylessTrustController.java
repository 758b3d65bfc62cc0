package dev.berth.signature;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.audit.AuditLog;
import dev.berth.iam.Action;
import dev.berth.iam.Authorizer;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import dev.berth.project.Project;
import dev.berth.project.ProjectGuard;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
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
 * Berth's extension for keyless cosign verification: a project's trusted keyless identities (members
 * read, project admins edit, as the rest of the trust policy; an id of another project is a 404) and
 * the site's Sigstore trust root (system administrators read and replace it).
 */
@RestController
class KeylessTrustController {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final String RESOURCE_TYPE = "trust_policy";

    private final TrustPolicies policies;
    private final TrustStore store;
    private final SigstoreRoots roots;
    private final ProjectGuard guard;
    private final Authorizer authorizer;
    private final AuditLog audit;

    KeylessTrustController(
            TrustPolicies policies,
            TrustStore store,
            SigstoreRoots roots,
            ProjectGuard guard,
            Authorizer authorizer,
            AuditLog audit) {
        this.policies = policies;
        this.store = store;
        this.roots = roots;
        this.guard = guard;
        this.authorizer = authorizer;
        this.audit = audit;
    }

    record IdentityView(
            long id,
            String name,
            String issuer,
            String issuer_regex,
            String subject,
            String subject_regex,
            Instant creation_time) {}

    record IdentityBody(String name, String issuer, String issuer_regex, String subject, String subject_regex) {}

    record AuthorityView(String uri, String subject, Instant valid_from, Instant valid_to) {}

    record LogView(String base_url, String log_id, String key_type, Instant valid_from, Instant valid_to) {}

    record RootView(
            String source,
            Instant update_time,
            List<AuthorityView> certificate_authorities,
            List<LogView> tlogs,
            int ctlogs,
            int timestamp_authorities,
            String document) {}

    @GetMapping("/api/v2.0/projects/{projectNameOrId}/trust-policy/identities")
    ResponseEntity<List<IdentityView>> identities(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName) {
        Project project = TrustPolicyController.permitted(guard, request, projectNameOrId, isName, Action.READ);
        List<IdentityView> views = store.identities(project.id()).stream()
                .map(KeylessTrustController::view)
                .toList();
        return TrustPolicyController.listed(views);
    }

    @GetMapping("/api/v2.0/projects/{projectNameOrId}/trust-policy/identities/{identityId}")
    IdentityView identity(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @PathVariable long identityId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName) {
        Project project = TrustPolicyController.permitted(guard, request, projectNameOrId, isName, Action.READ);
        return store.identity(project.id(), identityId)
                .map(KeylessTrustController::view)
                .orElseThrow(() -> ApiException.notFound("identity " + identityId + " not found"));
    }

    @PostMapping("/api/v2.0/projects/{projectNameOrId}/trust-policy/identities")
    ResponseEntity<Void> addIdentity(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName,
            @RequestBody(required = false) IdentityBody body) {
        Project project = TrustPolicyController.permitted(guard, request, projectNameOrId, isName, Action.UPDATE);
        if (body == null || body.name() == null || !NAME.matcher(body.name()).matches()) {
            throw ApiException.badRequest(
                    "name is required: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        KeylessIdentity identity;
        Optional<Long> id;
        try {
            identity = KeylessIdentity.of(
                    0, body.name(), body.issuer(), body.issuer_regex(), body.subject(), body.subject_regex());
            id = policies.addIdentity(project.id(), identity);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        if (id.isEmpty()) {
            throw ApiException.conflict("the project already trusts an identity named " + body.name());
        }
        audit.record(
                Callers.of(request).name(),
                project.id(),
                AuditLog.Operation.CREATE,
                RESOURCE_TYPE,
                project.name() + "/identities/" + body.name(),
                "issuer="
                        + identity.issuer().orElse("~" + identity.issuerRegex().orElse("")) + " subject="
                        + identity.subject()
                                .orElse("~" + identity.subjectRegex().orElse("")));
        return TrustPolicyController.created(request, id.get());
    }

    @DeleteMapping("/api/v2.0/projects/{projectNameOrId}/trust-policy/identities/{identityId}")
    ResponseEntity<Void> deleteIdentity(
            HttpServletRequest request,
            @PathVariable String projectNameOrId,
            @PathVariable long identityId,
            @RequestHeader(name = "X-Is-Resource-Name", defaultValue = "false") boolean isName) {
        Project project = TrustPolicyController.permitted(guard, request, projectNameOrId, isName, Action.UPDATE);
        Optional<TrustStore.StoredIdentity> identity = store.identity(project.id(), identityId);
        if (identity.isEmpty() || !policies.deleteIdentity(project.id(), identityId)) {
            throw ApiException.notFound("identity " + identityId + " not found");
        }
        audit.record(
                Callers.of(request).name(),
                project.id(),
                AuditLog.Operation.DELETE,
                RESOURCE_TYPE,
                project.name() + "/identities/" + identity.get().identity().name());
        return ResponseEntity.ok().build();
    }

    @GetMapping("/api/v2.0/system/sigstore/trusted-root")
    RootView trustedRoot(HttpServletRequest request) {
        requireSystem(request, Action.READ);
        return view(roots.current());
    }

    /** Replaces the site's trust root with the {@code trusted_root.json} document in the body. */
    @PutMapping("/api/v2.0/system/sigstore/trusted-root")
    RootView putTrustedRoot(HttpServletRequest request, @RequestBody(required = false) byte[] body) {
        requireSystem(request, Action.UPDATE);
        if (body == null || body.length == 0) {
            throw ApiException.badRequest("the body must be a Sigstore trusted_root.json document");
        }
        SigstoreTrustedRoot root;
        try {
            root = SigstoreTrustedRoot.parse(body);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("not a usable trust root: " + e.getMessage());
        }
        policies.putTrustedRoot(Optional.of(new String(body, StandardCharsets.UTF_8)));
        audit.record(
                Callers.of(request).name(),
                0,
                AuditLog.Operation.UPDATE,
                "sigstore_trusted_root",
                "site",
                root.authorities().size() + " certificate authorities, "
                        + root.tlogs().size() + " logs");
        return view(roots.current());
    }

    /** Goes back to the trust root of the configuration file or the shipped public-good one. */
    @DeleteMapping("/api/v2.0/system/sigstore/trusted-root")
    RootView deleteTrustedRoot(HttpServletRequest request) {
        requireSystem(request, Action.UPDATE);
        policies.putTrustedRoot(Optional.empty());
        audit.record(Callers.of(request).name(), 0, AuditLog.Operation.DELETE, "sigstore_trusted_root", "site");
        return view(roots.current());
    }

    private void requireSystem(HttpServletRequest request, Action action) {
        Principal caller = Callers.of(request);
        if (!authorizer.allowedSystem(caller, Resource.CONFIGURATION, action)) {
            throw Callers.denied(caller);
        }
    }

    private static IdentityView view(TrustStore.StoredIdentity s) {
        KeylessIdentity i = s.identity();
        return new IdentityView(
                i.id(),
                i.name(),
                i.issuer().orElse(null),
                i.issuerRegex().orElse(null),
                i.subject().orElse(null),
                i.subjectRegex().orElse(null),
                s.created());
    }

    private static RootView view(SigstoreRoots.Current c) {
        SigstoreTrustedRoot r = c.root();
        return new RootView(
                c.source(),
                c.updated().orElse(null),
                r.authorities().stream()
                        .map(a -> new AuthorityView(
                                a.uri(),
                                a.chain().getFirst().getSubjectX500Principal().getName(),
                                a.start(),
                                a.end().orElse(null)))
                        .toList(),
                r.tlogs().stream()
                        .map(l -> new LogView(
                                l.baseUrl(),
                                Base64.getEncoder().encodeToString(l.logId()),
                                l.keyType().wire(),
                                l.start(),
                                l.end().orElse(null)))
                        .toList(),
                r.ctlogs().size(),
                r.timestampAuthorities().size(),
                c.document());
    }
}
