package dev.berth.authproxy;

import dev.berth.iam.DirectoryLogin;
import dev.berth.iam.DirectoryMemberships;
import dev.berth.iam.Principal;
import dev.berth.iam.Sessions;
import dev.berth.iam.UserAccount;
import dev.berth.iam.UserRecords;
import dev.berth.outbound.OutboundClient;
import dev.berth.outbound.OutboundException;
import dev.berth.outbound.OutboundHttp;
import dev.berth.outbound.OutboundOptions;
import dev.berth.outbound.OutboundRequest;
import dev.berth.outbound.OutboundResponse;
import dev.berth.outbound.RequestBody;
import dev.berth.outbound.Trust;
import dev.berth.system.SystemSettings;
import dev.berth.usergroup.UserGroupRecords;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Harbor's {@code http_auth}: a password is checked by a POST with Basic credentials to {@code
 * http_authproxy_endpoint}; a 200 carries {@code {"session_id":"..."}}, which is then sent as a
 * Kubernetes {@code TokenReview} to {@code http_authproxy_tokenreview_endpoint}, whose answer names
 * the user and their groups (HTTP user groups, type 2, created when new). {@code
 * http_authproxy_admin_usernames} and {@code http_authproxy_admin_groups} make administrators. A
 * registry client may also present a token itself, as Harbor's {@code tokenreview$<user>} user name
 * with the token as the password: the review must name that user. The user is onboarded at first
 * login with Harbor's fields. Both endpoints are administrators' targets of the outbound rules; with
 * {@code http_authproxy_verify_cert} their certificates must chain to {@code
 * http_authproxy_server_certificate} when one is set (Harbor's pinning), else to the JVM's trust store.
 */
@Service
class AuthProxyLogin implements DirectoryLogin {
    private static final Logger log = LoggerFactory.getLogger(AuthProxyLogin.class);
    static final String TOKEN_PREFIX = "tokenreview$";
    private static final String NO_LOCAL_PASSWORD = "!directory";

    private final SystemSettings settings;
    private final OutboundHttp http;
    private final JsonMapper json;
    private final UserRecords users;
    private final UserGroupRecords groups;
    private final DirectoryMemberships memberships;
    private final Sessions sessions;
    private final Clock clock;

    AuthProxyLogin(
            SystemSettings settings,
            OutboundHttp http,
            JsonMapper json,
            UserRecords users,
            UserGroupRecords groups,
            DirectoryMemberships memberships,
            Sessions sessions,
            Clock clock) {
        this.settings = settings;
        this.http = http;
        this.json = json;
        this.users = users;
        this.groups = groups;
        this.memberships = memberships;
        this.sessions = sessions;
        this.clock = clock;
    }

    @Override
    public boolean active() {
        return "http_auth".equals(settings.authMode());
    }

    /** What a TokenReview said. */
    record Review(String username, List<String> groups) {}

    @Override
    public Outcome login(String username, String password) {
        if (username.isBlank() || password.isEmpty()) {
            return new Outcome.Refused();
        }
        try {
            Optional<Review> review;
            if (username.startsWith(TOKEN_PREFIX)) {
                review = review(password).filter(r -> r.username().equals(username.substring(TOKEN_PREFIX.length())));
            } else {
                Optional<String> session = checkPassword(username, password);
                review = session.isEmpty() ? Optional.empty() : review(session.get());
            }
            if (review.isEmpty() || review.get().username().isBlank()) {
                log.info("event=authproxy_login_refused principal={}", username);
                return new Outcome.Refused();
            }
            Review r = review.get();
            UserAccount account = onboard(r.username());
            boolean admin = list("http_authproxy_admin_usernames").contains(r.username())
                    || list("http_authproxy_admin_groups").stream().anyMatch(r.groups()::contains);
            List<Long> groupIds = groups.httpGroupIds(r.groups());
            memberships.record(account.id(), groupIds, admin, clock.instant().plus(sessions.timeout()));
            log.info(
                    "event=authproxy_login user={} groups={} directory_admin={}",
                    account.username(),
                    groupIds.size(),
                    admin);
            return new Outcome.Success(
                    new Principal.User(account.id(), account.username(), account.sysadmin() || admin));
        } catch (OutboundException | IllegalArgumentException | IOException e) {
            return new Outcome.Unavailable("the HTTP auth proxy cannot be asked: " + e.getMessage());
        }
    }

    /** The proxy's session id for these credentials; empty when it answers 401. */
    private Optional<String> checkPassword(String username, String password) throws IOException {
        String basic = Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        OutboundRequest request = OutboundRequest.post(
                        URI.create(settings.string("http_authproxy_endpoint").trim()),
                        RequestBody.of("application/json", new byte[0]))
                .withHeader("Authorization", "Basic " + basic);
        try (OutboundResponse r = client().send(request)) {
            if (r.status() == 401 || r.status() == 403) {
                return Optional.empty();
            }
            if (r.status() != 200) {
                throw new IOException("the login endpoint answered HTTP " + r.status());
            }
            JsonNode body = json.readTree(r.body().readAllBytes());
            return Optional.of(body.path("session_id").asString(""));
        }
    }

    /** Kubernetes' TokenReview of a token; empty when not authenticated. */
    Optional<Review> review(String token) throws IOException {
        Map<String, Object> body = Map.of(
                "apiVersion", "authentication.k8s.io/v1beta1",
                "kind", "TokenReview",
                "spec", Map.of("token", token));
        OutboundRequest request = OutboundRequest.post(
                        URI.create(settings.string("http_authproxy_tokenreview_endpoint")
                                .trim()),
                        RequestBody.of("application/json", json.writeValueAsBytes(body)))
                .withHeader("Accept", "application/json");
        try (OutboundResponse r = client().send(request)) {
            if (r.status() != 200 && r.status() != 201) {
                throw new IOException("the token review endpoint answered HTTP " + r.status());
            }
            JsonNode status = json.readTree(r.body().readAllBytes()).path("status");
            if (!status.path("authenticated").asBoolean(false)) {
                return Optional.empty();
            }
            List<String> names = new ArrayList<>();
            status.path("user").path("groups").forEach(g -> {
                if (g.isString() && !g.asString().isBlank() && g.asString().length() <= 255) {
                    names.add(g.asString());
                }
            });
            return Optional.of(new Review(status.path("user").path("username").asString(""), names));
        }
    }

    /** Harbor's onboarding of an auth proxy user: real name the user name, email when it is one. */
    private UserAccount onboard(String username) {
        Optional<UserAccount> existing = users.findByName(username);
        if (existing.isPresent()) {
            return existing.get();
        }
        String email = username.contains("@") && users.findByEmail(username).isEmpty() ? username : null;
        try {
            long id = users.insert(username, email, username, "By Authproxy", NO_LOCAL_PASSWORD, false);
            log.info("event=authproxy_user_onboarded user={}", username);
            return users.find(id).orElseThrow();
        } catch (DuplicateKeyException e) {
            return users.findByName(username)
                    .orElseThrow(() -> new IllegalArgumentException(
                            "the user cannot be onboarded: a user with a similar name or the same email exists"));
        }
    }

    private List<String> list(String name) {
        return Arrays.stream(settings.string(name).split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    private OutboundClient client() {
        boolean verify = settings.raw("http_authproxy_verify_cert")
                .map(JsonNode::asBoolean)
                .orElse(true);
        return http.client(
                Trust.ADMINISTRATOR,
                OutboundOptions.defaults()
                        .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(15))
                        .withSkipCertVerify(!verify)
                        // Harbor's pinning: with verification on, a PEM certificate set here is the
                        // only one the endpoints' certificates may chain to.
                        .withTrustedCertificates(settings.string("http_authproxy_server_certificate"))
                        .withMaxResponseBytes(64 * 1024));
    }
}
