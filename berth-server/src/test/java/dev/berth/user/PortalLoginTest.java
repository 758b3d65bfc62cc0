package dev.berth.user;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestUsers;
import dev.berth.support.TestUsers.PortalSession;
import dev.berth.support.TestUsers.TestUser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** {@code /c/login} and {@code /c/log_out}: the session cookie, its CSRF token, throttling, audit. */
class PortalLoginTest {
    private static final BerthServer server = BerthServer.shared();

    @Test
    void signingInSetsAnHttpOnlySessionCookieAndAReadableCsrfToken() {
        TestUser user = TestUsers.create(server, "login");
        RegistryClient.Response r = TestUsers.login(server, user.name(), user.password());
        assertThat(r.status()).as(r.text()).isEqualTo(200);

        String sidCookie = setCookie(r, "sid");
        assertThat(sidCookie).contains("HttpOnly").contains("SameSite=Lax").contains("Path=/");
        String csrfCookie = setCookie(r, "__csrf");
        assertThat(csrfCookie)
                .doesNotContain("HttpOnly")
                .contains("SameSite=Lax")
                .contains("Path=/");
        String token = r.header("X-Harbor-CSRF-Token").orElseThrow();
        assertThat(TestUsers.cookie(r, "__csrf")).isEqualTo(token);
        assertThat(TestUsers.cookie(r, "sid")).hasSizeGreaterThan(30).isNotEqualTo(token);
        assertThat(r.text()).doesNotContain(user.password());

        RegistryClient session =
                new RegistryClient(server.baseUri(), java.util.Map.of("Cookie", "sid=" + TestUsers.cookie(r, "sid")));
        RegistryClient.Response me = session.get("/api/v2.0/users/current");
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().path("username").asString()).isEqualTo(user.name());
    }

    @Test
    void signingInOverALiveSessionNeedsItsCsrfToken() {
        TestUser user = TestUsers.create(server, "again");
        TestUser attacker = TestUsers.create(server, "swapper");
        PortalSession first = TestUsers.signIn(server, user.name(), user.password());
        RegistryClient browser = new RegistryClient(server.baseUri(), Map.of("Cookie", "sid=" + first.sid()));
        // Another site posting a sign-in form (its own account, or the user's) cannot swap the session.
        for (String[] credentials :
                new String[][] {{attacker.name(), attacker.password()}, {user.name(), user.password()}}) {
            for (String token : new String[] {null, "forged-token", ""}) {
                String form = "principal=" + credentials[0] + "&password=" + credentials[1];
                RegistryClient.Response swap = token == null
                        ? browser.send("POST", "/c/login", form.getBytes(StandardCharsets.UTF_8), FORM)
                        : browser.send(
                                "POST",
                                "/c/login",
                                form.getBytes(StandardCharsets.UTF_8),
                                "Content-Type",
                                "application/x-www-form-urlencoded",
                                "X-Harbor-CSRF-Token",
                                token);
                assertThat(swap.status()).as(swap.text()).isEqualTo(403);
                assertThat(swap.errorCode()).isEqualTo("FORBIDDEN");
                assertThat(swap.headers("Set-Cookie")).isEmpty();
            }
        }
        RegistryClient.Response still = first.client().get("/api/v2.0/users/current");
        assertThat(still.json().path("username").asString()).isEqualTo(user.name());

        // With the session's own token (what the portal sends), signing in again gives a new session.
        String form = "principal=" + user.name() + "&password=" + user.password();
        RegistryClient.Response again = browser.send(
                "POST",
                "/c/login",
                form.getBytes(StandardCharsets.UTF_8),
                "Content-Type",
                "application/x-www-form-urlencoded",
                "X-Harbor-CSRF-Token",
                first.csrf());
        assertThat(again.status()).isEqualTo(200);
        assertThat(TestUsers.cookie(again, "sid")).isNotEqualTo(first.sid());
        assertThat(first.client().get("/api/v2.0/users/current").status()).isEqualTo(401);
        // A cookie whose session is over is no session: signing in needs no token.
        RegistryClient.Response afterEnd =
                browser.send("POST", "/c/login", form.getBytes(StandardCharsets.UTF_8), FORM);
        assertThat(afterEnd.status()).isEqualTo(200);
    }

    private static final String[] FORM = {"Content-Type", "application/x-www-form-urlencoded"};

    @Test
    void wrongCredentialsAreRefusedWithoutACookie() {
        TestUser user = TestUsers.create(server, "wrong");
        RegistryClient.Response wrong = TestUsers.login(server, user.name(), "Wrong-Pass1");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.headers("Set-Cookie")).noneMatch(c -> c.startsWith("sid="));
        assertThat(TestUsers.login(server, TestUsers.uniqueName("nobody"), "Some-Pass1")
                        .status())
                .isEqualTo(401);
        assertThat(TestUsers.login(server, user.name(), "").status()).isEqualTo(401);
    }

    @Test
    void aStateChangeThroughTheSessionNeedsItsCsrfToken() {
        TestUser user = TestUsers.create(server, "csrf");
        PortalSession s = TestUsers.signIn(server, user.name(), user.password());
        String path = "/api/v2.0/users/" + user.id();
        byte[] change = "{\"comment\":\"changed\"}".getBytes(StandardCharsets.UTF_8);

        RegistryClient.Response none = s.client().send("PUT", path, change, "Content-Type", "application/json");
        assertThat(none.status()).isEqualTo(403);
        RegistryClient.Response wrong = s.client()
                .send("PUT", path, change, "Content-Type", "application/json", "X-Harbor-CSRF-Token", "forged-token");
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(s.client().get(path).json().path("comment").asString()).isEqualTo("test");

        String project = TestUsers.uniqueName("csrfp");
        RegistryClient.Response projectWithoutToken = s.client()
                .send(
                        "POST",
                        "/api/v2.0/projects",
                        ("{\"project_name\":\"" + project + "\"}").getBytes(StandardCharsets.UTF_8),
                        "Content-Type",
                        "application/json");
        assertThat(projectWithoutToken.status()).isEqualTo(403);
        assertThat(server.adminClient()
                        .head("/api/v2.0/projects?project_name=" + project)
                        .status())
                .isEqualTo(404);

        RegistryClient.Response right = s.client()
                .send("PUT", path, change, "Content-Type", "application/json", "X-Harbor-CSRF-Token", s.csrf());
        assertThat(right.status()).as(right.text()).isEqualTo(200);
        assertThat(s.client().get(path).json().path("comment").asString()).isEqualTo("changed");
    }

    @Test
    void signingOutKillsTheCookieAndBothAreAudited() {
        TestUser user = TestUsers.create(server, "logout");
        PortalSession s = TestUsers.signIn(server, user.name(), user.password());
        assertThat(s.client().get("/api/v2.0/users/current").status()).isEqualTo(200);

        RegistryClient.Response out = s.client().get("/c/log_out");
        assertThat(out.status()).isEqualTo(200);
        assertThat(setCookie(out, "sid")).contains("Max-Age=0");
        assertThat(setCookie(out, "__csrf")).contains("Max-Age=0");

        // The old cookie is now nobody's: the request is anonymous.
        assertThat(s.client().get("/api/v2.0/users/current").status()).isEqualTo(401);
        assertThat(s.client().get("/c/log_out").status()).isEqualTo(200);

        JdbcClient jdbc = server.bean(JdbcClient.class);
        List<String> operations = jdbc.sql(
                        "SELECT operation FROM audit_log WHERE username = ? AND resource_type = 'user'"
                                + " AND operation IN ('login', 'logout') ORDER BY id")
                .param(user.name())
                .query(String.class)
                .list();
        assertThat(operations).containsExactly("login", "logout");
        assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE resource LIKE ? OR username LIKE ?")
                        .param("%" + user.password() + "%")
                        .param("%" + user.password() + "%")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void repeatedFailuresSlowTheGuesser() {
        TestUser user = TestUsers.create(server, "throttle");
        int failures = 0;
        RegistryClient.Response r;
        do {
            r = TestUsers.login(server, user.name(), "Wrong-Pass" + failures);
            failures++;
        } while (r.status() == 401 && failures < 50);
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.errorCode()).isEqualTo("TOO_MANY_REQUEST");
        assertThat(Long.parseLong(r.header("Retry-After").orElseThrow())).isPositive();
        assertThat(failures).isGreaterThan(3);
        // Another name is not affected. (How the delay grows and ends: LoginThrottleTest.)
        TestUser other = TestUsers.create(server, "unthrottled");
        assertThat(TestUsers.login(server, other.name(), other.password()).status())
                .isEqualTo(200);
    }

    @Test
    void robotAccountsCannotSignInToThePortal() {
        String secret = "Robot-Secret-" + TestUsers.uniqueName("s");
        String robot = CurrentUserApiTest.systemRobot(secret);
        assertThat(server.client(robot, secret).get("/api/v2.0/systeminfo").status())
                .isEqualTo(200);
        RegistryClient.Response r = TestUsers.login(server, robot, secret);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.headers("Set-Cookie")).noneMatch(c -> c.startsWith("sid="));
    }

    private static String setCookie(RegistryClient.Response r, String name) {
        return r.headers("Set-Cookie").stream()
                .filter(c -> c.startsWith(name + "="))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no Set-Cookie " + name + " in " + r.headers("Set-Cookie")));
    }
}
