package dev.berth.support;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/** Creates users through the API and signs them in to the portal, for tests. */
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
}
