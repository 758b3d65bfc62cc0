package dev.berth.audit;

import static dev.berth.support.HarborApi.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.harborclient.ApiClient;
import dev.berth.harborclient.ApiException;
import dev.berth.harborclient.api.AuditlogApi;
import dev.berth.harborclient.api.ConfigureApi;
import dev.berth.harborclient.api.ProjectApi;
import dev.berth.harborclient.model.Configurations;
import dev.berth.harborclient.model.ProjectReq;
import dev.berth.support.BerthServer;
import dev.berth.support.FreePort;
import dev.berth.support.HarborApi;
import dev.berth.support.HarborApi.Refusal;
import dev.berth.support.SyslogReceiver;
import dev.berth.support.TestAccounts;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Harbor's {@code audit_log_forward_endpoint}, {@code skip_audit_log_database} and {@code
 * disabled_audit_log_event_types}, set through the client generated from Harbor's swagger, with a
 * syslog receiver on 127.0.0.1 (opened to outbound connections for this server only).
 */
class AuditForwardingTest {
    private static BerthServer server;
    private static SyslogReceiver syslog;
    private static ConfigureApi config;
    private static ProjectApi projects;
    private static AuditlogApi auditlog;

    @BeforeAll
    static void start() {
        server = BerthServer.withExternalDatabase(Map.of("berth.outbound.allowed-networks", "127.0.0.1/32"));
        syslog = new SyslogReceiver();
        ApiClient admin = HarborApi.admin(server);
        config = new ConfigureApi(admin);
        projects = new ProjectApi(admin);
        auditlog = new AuditlogApi(admin);
    }

    @AfterAll
    static void stop() throws IOException {
        syslog.close();
        server.close();
    }

    @AfterEach
    void forwardNothing() throws ApiException {
        config.updateConfigurations(
                new Configurations()
                        .skipAuditLogDatabase(false)
                        .auditLogForwardEndpoint("")
                        .disabledAuditLogEventTypes(""),
                null);
    }

    @Test
    void auditEventsReachTheSyslogReceiverInTheLinesHarborWrites() throws ApiException {
        config.updateConfigurations(new Configurations().auditLogForwardEndpoint(syslog.endpoint()), null);
        assertThat(config.getConfigurations(null).getAuditLogForwardEndpoint().getValue())
                .isEqualTo(syslog.endpoint());

        String name = TestAccounts.unique("fwd");
        projects.createProject(new ProjectReq().projectName(name), null, null);

        String line = syslog.await(l -> l.endsWith("resource:" + name));
        assertThat(line)
                .matches(
                        "<6>\\S+Z \\S+ audit\\[\\d+\\]: \\S+Z \\[INFO\\] \\[operator=\"admin\" resourceType=\"project\""
                                + " time=\"\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6} \\+0000 UTC\"\\]: action:create, resource:"
                                + name);
        // Still in the database too.
        assertThat(auditlog.listAuditLogs(null, "resource=" + name, null, null, null))
                .singleElement()
                .satisfies(e -> assertThat(e.getOperation()).isEqualTo("create"));
    }

    @Test
    void skippingTheDatabaseNeedsAnEndpointAndThenOnlyForwards() throws ApiException {
        Refusal alone =
                refusal(() -> config.updateConfigurations(new Configurations().skipAuditLogDatabase(true), null));
        assertThat(alone)
                .isEqualTo(new Refusal(
                        400,
                        "BAD_REQUEST",
                        "audit log forward endpoint should be configured before enable skip audit log in database"));
        assertThat(config.getConfigurations(null).getSkipAuditLogDatabase().getValue())
                .isFalse();

        config.updateConfigurations(
                new Configurations().auditLogForwardEndpoint(syslog.endpoint()).skipAuditLogDatabase(true), null);
        String name = TestAccounts.unique("skip");
        projects.createProject(new ProjectReq().projectName(name), null, null);

        syslog.await(l -> l.endsWith("action:create, resource:" + name));
        assertThat(auditlog.listAuditLogs(null, "resource=" + name, null, null, null))
                .isEmpty();
        assertThat(auditlog.listAuditLogExts(null, "resource=" + name, null, null, null))
                .isEmpty();
    }

    @Test
    void disabledEventTypesAreNeitherStoredNorForwarded() throws ApiException {
        config.updateConfigurations(
                new Configurations()
                        .auditLogForwardEndpoint(syslog.endpoint())
                        .disabledAuditLogEventTypes("create_project,delete_user"),
                null);
        String name = TestAccounts.unique("quiet");
        projects.createProject(new ProjectReq().projectName(name), null, null);
        // A later event that is recorded: lines are sent in order, so once it is in, the project's would be.
        String marker = TestAccounts.unique("banner");
        config.updateConfigurations(new Configurations().bannerMessage(marker), null);
        syslog.await(l -> l.contains("resourceType=\"configuration\"") && l.endsWith("resource:banner_message"));

        assertThat(syslog.lines()).noneMatch(l -> l.contains(name));
        assertThat(auditlog.listAuditLogs(null, "resource=" + name, null, null, null))
                .isEmpty();

        Refusal unknown = refusal(() -> config.updateConfigurations(
                new Configurations().disabledAuditLogEventTypes("create_project,explode_everything"), null));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.message())
                .startsWith("disabled_audit_log_event_types has unknown event types [explode_everything]; known: "
                        + "create_artifact, delete_artifact, pull_artifact, create_project");
    }

    @Test
    void anEndpointThatDoesNotAnswerOrMayNotBeReachedIsRefused() throws Exception {
        String closed = "127.0.0.1:" + FreePort.pick();
        Refusal silent =
                refusal(() -> config.updateConfigurations(new Configurations().auditLogForwardEndpoint(closed), null));
        assertThat(silent.status()).isEqualTo(400);
        assertThat(silent.message()).startsWith("could not connect to the audit endpoint: " + closed);

        // The cloud metadata address is never a target (server-side request forgery).
        Refusal metadata = refusal(() ->
                config.updateConfigurations(new Configurations().auditLogForwardEndpoint("169.254.169.254:514"), null));
        assertThat(metadata.message())
                .isEqualTo("could not connect to the audit endpoint: 169.254.169.254:514"
                        + " (the host is a link-local or cloud metadata address)");

        Refusal malformed = refusal(() ->
                config.updateConfigurations(new Configurations().auditLogForwardEndpoint("syslog.example.com"), null));
        assertThat(malformed.message()).isEqualTo("audit_log_forward_endpoint: the endpoint must be host:port");
        assertThat(config.getConfigurations(null).getAuditLogForwardEndpoint().getValue())
                .isEmpty();
    }

    @Test
    void onlySystemAdministratorsConfigureForwarding() {
        TestAccounts.Account user = new TestAccounts(server).user("cfg");
        ConfigureApi asUser = new ConfigureApi(HarborApi.client(server, user.name(), user.password()));
        assertThat(refusal(() -> asUser.updateConfigurations(
                        new Configurations().auditLogForwardEndpoint(syslog.endpoint()), null)))
                .isEqualTo(new Refusal(403, "FORBIDDEN", "forbidden"));
        assertThat(refusal(() -> new ConfigureApi(HarborApi.anonymous(server)).getConfigurations(null)))
                .isEqualTo(new Refusal(401, "UNAUTHORIZED", "unauthorized"));
    }
}
