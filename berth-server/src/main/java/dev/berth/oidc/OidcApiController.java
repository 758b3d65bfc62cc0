package dev.berth.oidc;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.audit.AuditLog;
import dev.berth.iam.Action;
import dev.berth.iam.Authorizer;
import dev.berth.iam.CredentialAuthenticator;
import dev.berth.iam.PasswordRules;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import dev.berth.iam.UserRecords;
import dev.berth.outbound.OutboundHttp;
import dev.berth.outbound.TargetRefusedException;
import dev.berth.outbound.Trust;
import jakarta.servlet.http.HttpServletRequest;
import java.util.regex.Pattern;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Harbor's OIDC operations of the API: {@code POST /system/oidc/ping} (does this endpoint serve a
 * usable discovery document? system administrators) and {@code PUT /users/{user_id}/cli_secret}
 * (the user themself or a system administrator; only in {@code oidc_auth}; an empty secret asks for
 * a generated one; Harbor's strength rule otherwise). The secret is sealed at rest and never logged.
 */
@RestController
class OidcApiController {
    private static final Pattern LOWER = Pattern.compile("[a-z]");
    private static final Pattern UPPER = Pattern.compile("[A-Z]");
    private static final Pattern DIGIT = Pattern.compile("[0-9]");

    private final OidcSettings settings;
    private final OidcProvider provider;
    private final OidcUsers oidcUsers;
    private final UserRecords users;
    private final Authorizer authorizer;
    private final OutboundHttp http;
    private final CredentialAuthenticator credentials;
    private final AuditLog audit;

    OidcApiController(
            OidcSettings settings,
            OidcProvider provider,
            OidcUsers oidcUsers,
            UserRecords users,
            Authorizer authorizer,
            OutboundHttp http,
            CredentialAuthenticator credentials,
            AuditLog audit) {
        this.settings = settings;
        this.provider = provider;
        this.oidcUsers = oidcUsers;
        this.users = users;
        this.authorizer = authorizer;
        this.http = http;
        this.credentials = credentials;
        this.audit = audit;
    }

    record PingRequest(String url, Boolean verify_cert) {}

    @PostMapping("/api/v2.0/system/oidc/ping")
    void ping(HttpServletRequest request, @RequestBody(required = false) PingRequest body) {
        Principal caller = Callers.authenticated(request);
        if (!authorizer.allowedSystem(caller, Resource.CONFIGURATION, Action.UPDATE)) {
            throw Callers.denied(caller);
        }
        if (body == null || body.url() == null || body.url().isBlank()) {
            throw ApiException.badRequest("url is required");
        }
        String url = body.url().trim();
        try {
            http.check(url, Trust.ADMINISTRATOR);
            provider.discover(url, body.verify_cert() == null || body.verify_cert());
        } catch (TargetRefusedException e) {
            throw ApiException.badRequest("failed to verify connection: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("failed to verify connection: the url is not valid");
        } catch (OidcException e) {
            throw ApiException.badRequest("failed to verify connection: " + e.getMessage());
        }
    }

    record SecretRequest(String secret) {
        @Override
        public String toString() {
            return "SecretRequest[]";
        }
    }

    @PutMapping("/api/v2.0/users/{userId}/cli_secret")
    void setCliSecret(
            HttpServletRequest request, @PathVariable long userId, @RequestBody(required = false) SecretRequest body) {
        if (!settings.active()) {
            throw ApiException.preconditionFailed("unable to update CLI secret under authmode: " + settings.mode());
        }
        Principal caller = Callers.authenticated(request);
        boolean self = caller instanceof Principal.User u && u.id() == userId;
        if (!self && !authorizer.allowedSystem(caller, Resource.USER, Action.UPDATE)) {
            throw ApiException.forbidden("Not authorized to update the CLI secret for user: " + userId);
        }
        if (users.find(userId).isEmpty()) {
            throw ApiException.notFound("user " + userId + " not found");
        }
        if (oidcUsers.meta(userId).isEmpty()) {
            throw ApiException.preconditionFailed("the user is not onboarded via OIDC AuthN");
        }
        String secret = body == null || body.secret() == null ? "" : body.secret();
        if (secret.isEmpty()) {
            secret = PasswordRules.generate(32);
        }
        if (secret.length() < 8
                || secret.length() > 128
                || !LOWER.matcher(secret).find()
                || !UPPER.matcher(secret).find()
                || !DIGIT.matcher(secret).find()) {
            throw ApiException.badRequest("the password or secret must be 8-128, inclusively, characters long with at"
                    + " least 1 uppercase letter, 1 lowercase letter and 1 number");
        }
        oidcUsers.setSecret(userId, secret);
        // The old secret must stop working at once, on every replica.
        credentials.forgetAll();
        audit.record(
                caller.name(),
                0,
                AuditLog.Operation.UPDATE,
                "user",
                users.find(userId).orElseThrow().username());
    }
}
