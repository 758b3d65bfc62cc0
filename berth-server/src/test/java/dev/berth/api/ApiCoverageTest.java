package dev.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.HarborSwagger;
import dev.berth.support.RegistryClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Walks every operation of Harbor v2.14's swagger against a started Berth, as the administrator, and
 * records which ones Berth has no handler for ("no such API", or a 405 for a path it serves with
 * other methods). The operations not answered yet are listed in {@code harbor/unanswered.txt}, each
 * under the issue that adds it; the test fails when an operation is missing that the list does not
 * name (a regression) and when one the list names is answered now (so the list only shrinks).
 */
class ApiCoverageTest {
    private static final String LIST = "/harbor/unanswered.txt";
    private static BerthServer server;

    @BeforeAll
    static void start() {
        // Its own server: the walk deletes, stops and schedules whatever the example ids name.
        server = BerthServer.withExternalDatabase(Map.of());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyOperationIsAnsweredOrListedAsNotYet() {
        Set<String> listed = listed();
        Map<String, String> unanswered = new TreeMap<>();
        RegistryClient admin = server.adminClient();
        int operations = 0;
        for (HarborSwagger.Operation op : HarborSwagger.load().operations()) {
            operations++;
            boolean body = Set.of("POST", "PUT", "PATCH").contains(op.method());
            RegistryClient.Response r = body
                    ? admin.send(op.method(), op.examplePath(), "{}".getBytes(), "Content-Type", "application/json")
                    : admin.send(op.method(), op.examplePath(), null);
            if (noHandler(r)) {
                unanswered.put(op.operationId(), op.method() + " " + op.pathTemplate() + " -> " + r.status());
            }
        }
        assertThat(operations).isEqualTo(203);
        Set<String> notListed = new TreeSet<>(unanswered.keySet());
        notListed.removeAll(listed);
        Set<String> answeredNow = new TreeSet<>(listed);
        answeredNow.removeAll(unanswered.keySet());
        assertThat(notListed)
                .as("operations with no handler that %s does not list: %s", LIST, unanswered)
                .isEmpty();
        assertThat(answeredNow)
                .as("operations %s lists as not answered that are answered now: remove them from the list", LIST)
                .isEmpty();
    }

    /** Spring found no handler: Berth's "no such API" 404, or 405 for a path served with other methods. */
    private static boolean noHandler(RegistryClient.Response r) {
        if (r.status() == 405) {
            return true;
        }
        return r.status() == 404 && r.text().contains("no such API");
    }

    private static Set<String> listed() {
        try (InputStream in = ApiCoverageTest.class.getResourceAsStream(LIST)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + LIST);
            }
            Set<String> ids = new TreeSet<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String id = line.strip();
                if (!id.isEmpty() && !id.startsWith("#")) {
                    ids.add(id);
                }
            }
            return ids;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
