package dev.berth.support;

import dev.berth.iam.PasswordHasher;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Users for tests. {@link #createUser} and {@link #addMember} write straight to the server's
 * database, for tests that only need accounts; {@link #create} and {@link #signIn} go through
 * {@code POST /api/v2.0/users} and {@code POST /c/login}, for the tests of those endpoints.
 */
public final class TestUsers {
    /** A password that satisfies Harbor's rule. */
    public static final String PASSWORD = "Passw0rd-Test";

    private TestUsers() {}

    /** A user as created: id, name, password, and a client sending their Basic credentials. */
    public record TestUser(long id, String name, String password, RegistryClient client) {}

    /** A portal session: the cookie value and the CSRF token, and a client sending the cookie. */
    public record PortalSession(String sid, String csrf, RegistryClient client) {}

    /** A unique name with the given prefix: lower case, letters and digits. */
    public static String uniqueName(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    /** Creates a non-administrator with {@link #PASSWORD} through {@code POST /api/v2.0/users} as admin. */
    public static TestUser create(BerthServer server, String prefix) {
        String name = uniqueName(prefix);
        RegistryClient.Response r = server.adminClient().send("POST", "/api/v2.0/users", json(name), CONTENT_JSON);
        RegistryClient.check(r, 201);
        String location = r.header("Location").orElseThrow();
        long id = Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
        return new TestUser(id, name, PASSWORD, server.client(name, PASSWORD));
    }

    /** The body of a user creation for {@code name}. */
    public static byte[] json(String name) {
        return ("{\"username\":\"" + name + "\",\"email\":\"" + name + "@example.com\",\"realname\":\"Test " + name
                        + "\",\"comment\":\"test\",\"password\":\"" + PASSWORD + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** {@code POST /c/login} as the portal sends it. */
    public static RegistryClient.Response login(BerthServer server, String principal, String password) {
        String form = "principal=" + URLEncoder.encode(principal, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        return server.anonymousClient()
                .send(
                        "POST",
                        "/c/login",
                        form.getBytes(StandardCharsets.UTF_8),
                        "Content-Type",
                        "application/x-www-form-urlencoded");
    }

    /** Signs in and returns the session; fails the test unless the sign-in succeeds. */
    public static PortalSession signIn(BerthServer server, String principal, String password) {
        RegistryClient.Response r = login(server, principal, password);
        RegistryClient.check(r, 200);
        String sid = cookie(r, "sid");
        String csrf = r.header("X-Harbor-CSRF-Token").orElseThrow();
        return new PortalSession(
                sid, csrf, new RegistryClient(server.baseUri(), Map.of("Cookie", "sid=" + sid + "; __csrf=" + csrf)));
    }

    /** The value of a cookie the response sets. */
    public static String cookie(RegistryClient.Response r, String name) {
        return r.headers("Set-Cookie").stream()
                .filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(name.length() + 1, c.indexOf(';') < 0 ? c.length() : c.indexOf(';')))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no cookie " + name + " in " + r.headers("Set-Cookie")));
    }

    public static final String[] CONTENT_JSON = {"Content-Type", "application/json"};

    /** JSON body bytes. */
    public static byte[] body(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    public static long createUser(BerthServer server, String username, String password) {
        String hash = server.bean(PasswordHasher.class).hash(password);
        return server.bean(JdbcClient.class)
                .sql("INSERT INTO app_user (username, email, password_hash) VALUES (?, ?, ?) RETURNING id")
                .param(username)
                .param(username + "@example.test")
                .param(hash)
                .query(Long.class)
                .single();
    }

    /** Makes the user a member of the project with a Harbor role id (1 admin, 2 developer, 3 guest, 4 maintainer, 5 limited guest). */
    public static void addMember(BerthServer server, String project, long userId, int roleId) {
        server.bean(JdbcClient.class)
                .sql("""
                        INSERT INTO project_member (project_id, entity_type, entity_id, role)
                        SELECT id, 'u', ?, ? FROM project WHERE name = ?
                        """)
                .param(userId)
                .param(roleId)
                .param(project)
                .update();
    }
}
