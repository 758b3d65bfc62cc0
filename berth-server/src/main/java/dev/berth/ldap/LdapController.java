package dev.berth.ldap;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.audit.AuditLog;
import dev.berth.iam.Action;
import dev.berth.iam.Authorizer;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Harbor's {@code /api/v2.0/ldap/*}: test a configuration, search and import users, search groups.
 * For system administrators (and robots granted {@code ldap-user} at system level), as in Harbor.
 */
@RestController
@RequestMapping("/api/v2.0/ldap")
class LdapController {
    private static final int MAX_IMPORT = 1000;

    private final LdapSettings settings;
    private final LdapConnector connector;
    private final LdapLogin login;
    private final Authorizer authorizer;
    private final AuditLog audit;

    LdapController(
            LdapSettings settings, LdapConnector connector, LdapLogin login, Authorizer authorizer, AuditLog audit) {
        this.settings = settings;
        this.connector = connector;
        this.login = login;
        this.authorizer = authorizer;
        this.audit = audit;
    }

    /** Harbor's {@code LdapConf}: the settings to test; any left out are the stored ones. */
    record PingRequest(
            String ldap_url,
            String ldap_search_dn,
            String ldap_search_password,
            String ldap_base_dn,
            String ldap_filter,
            String ldap_uid,
            Integer ldap_scope,
            Integer ldap_connection_timeout,
            Boolean ldap_verify_cert) {}

    record PingResult(boolean success, String message) {}

    /**
     * Connects and binds as the search account with the given settings, or the stored ones. A
     * request without a password uses the stored one only when it is for the stored server and
     * account, so the stored password cannot be sent to another server.
     */
    @PostMapping("/ping")
    PingResult ping(HttpServletRequest request, @RequestBody(required = false) PingRequest body) {
        require(request, Action.LIST);
        LdapConfig stored = settings.current();
        LdapConfig config = body == null ? stored : merge(stored, body);
        try (LdapSession session = connector.open(config)) {
            if (config.searchDn().isEmpty()) {
                return new PingResult(false, "error: ldap search dn is empty");
            }
            session.bindSearchAccount();
            return new PingResult(true, "");
        } catch (LdapUnavailableException e) {
            return new PingResult(false, "error: " + e.getMessage());
        }
    }

    private static LdapConfig merge(LdapConfig stored, PingRequest b) {
        String url = or(b.ldap_url(), stored.url());
        String searchDn = or(b.ldap_search_dn(), stored.searchDn());
        String password = b.ldap_search_password() == null ? "" : b.ldap_search_password();
        if (password.isEmpty()) {
            boolean sameTarget = url.equals(stored.url()) && searchDn.equals(stored.searchDn());
            password = sameTarget ? stored.searchPassword() : "";
        }
        return new LdapConfig(
                url,
                searchDn,
                password,
                or(b.ldap_base_dn(), stored.baseDn()),
                or(b.ldap_filter(), stored.filter()),
                or(b.ldap_uid(), stored.uid()),
                b.ldap_scope() == null ? stored.scope() : b.ldap_scope(),
                b.ldap_connection_timeout() == null || b.ldap_connection_timeout() < 1
                        ? stored.timeoutSeconds()
                        : Math.min(b.ldap_connection_timeout(), 300),
                b.ldap_verify_cert() == null ? stored.verifyCert() : b.ldap_verify_cert(),
                stored.groupBaseDn(),
                stored.groupFilter(),
                stored.groupNameAttribute(),
                stored.groupScope(),
                stored.groupAdminDn(),
                stored.membershipAttribute());
    }

    private static String or(String given, String fallback) {
        return given == null || given.isBlank() ? fallback : given.trim();
    }

    record LdapUser(String username, String realname, String email) {}

    /** Users whose {@code ldap_uid} equals {@code username} (all, up to a bound, when it is empty). */
    @GetMapping("/users/search")
    List<LdapUser> searchUsers(HttpServletRequest request, @RequestParam(required = false) String username) {
        require(request, Action.LIST);
        try (LdapSession session = connector.open(settings.current())) {
            session.bindSearchAccount();
            return session.searchUsers(username == null ? "" : username.trim()).stream()
                    .filter(u -> !u.username().isEmpty())
                    .map(u -> new LdapUser(u.username(), u.realname(), u.email()))
                    .toList();
        } catch (LdapUnavailableException e) {
            throw unavailable(e);
        }
    }

    record ImportRequest(List<String> ldap_uid_list) {}

    record FailedImport(String uid, String error) {}

    /**
     * Onboards the listed directory users now (as their first login would). 200 when all were
     * imported; 404 with Harbor's list of failures otherwise.
     */
    @PostMapping("/users/import")
    ResponseEntity<List<FailedImport>> importUsers(HttpServletRequest request, @RequestBody ImportRequest body) {
        Principal caller = require(request, Action.CREATE);
        if (body == null || body.ldap_uid_list() == null || body.ldap_uid_list().isEmpty()) {
            throw ApiException.badRequest("ldap_uid_list is required");
        }
        if (body.ldap_uid_list().size() > MAX_IMPORT) {
            throw ApiException.badRequest("at most " + MAX_IMPORT + " users can be imported at once");
        }
        List<FailedImport> failed = new ArrayList<>();
        try (LdapSession session = connector.open(settings.current())) {
            session.bindSearchAccount();
            for (String uid : new LinkedHashSet<>(body.ldap_uid_list())) {
                String name = uid == null ? "" : uid.trim();
                if (name.isEmpty()) {
                    failed.add(new FailedImport(uid, "empty uid"));
                    continue;
                }
                List<LdapEntries.User> found = session.searchUsers(name);
                if (found.size() != 1 || found.getFirst().username().isEmpty()) {
                    failed.add(new FailedImport(
                            name, found.isEmpty() ? "user not found in LDAP" : "several LDAP entries match"));
                    continue;
                }
                var account = login.onboard(found.getFirst());
                audit.record(caller.name(), 0, AuditLog.Operation.CREATE, "user", account.username());
            }
        } catch (LdapUnavailableException e) {
            throw unavailable(e);
        }
        return failed.isEmpty()
                ? ResponseEntity.ok().build()
                : ResponseEntity.status(404).body(failed);
    }

    /** Groups named {@code groupname}, or the group at {@code groupdn}; 404 when none. */
    @GetMapping("/groups/search")
    List<Map<String, Object>> searchGroups(
            HttpServletRequest request,
            @RequestParam(required = false) String groupname,
            @RequestParam(required = false) String groupdn) {
        require(request, Action.LIST);
        String name = groupname == null ? "" : groupname.trim();
        String dn = groupdn == null ? "" : groupdn.trim();
        if (!dn.isEmpty() && !LdapSession.isDn(dn)) {
            throw ApiException.badRequest("groupdn is not a valid DN");
        }
        List<LdapEntries.Group> found;
        try (LdapSession session = connector.open(settings.current())) {
            session.bindSearchAccount();
            found = dn.isEmpty()
                    ? session.groupsByName(name)
                    : session.groupByDn(dn).stream().toList();
        } catch (LdapUnavailableException e) {
            throw unavailable(e);
        }
        if (found.isEmpty()) {
            throw ApiException.notFound("no LDAP group found (group name: " + name + ", group DN: " + dn + ")");
        }
        return found.stream()
                .map(g -> {
                    Map<String, Object> v = new LinkedHashMap<>();
                    v.put("group_name", g.name());
                    v.put("group_type", 1);
                    v.put("ldap_group_dn", g.dn());
                    return v;
                })
                .toList();
    }

    private Principal require(HttpServletRequest request, Action action) {
        Principal caller = Callers.of(request);
        if (!authorizer.allowedSystem(caller, Resource.LDAP_USER, action)) {
            throw Callers.denied(caller);
        }
        return caller;
    }

    private static ApiException unavailable(LdapUnavailableException e) {
        return new ApiException(dev.berth.api.ApiErrorCode.SERVICE_UNAVAILABLE, e.getMessage());
    }
}
