package dev.berth.label;

import static dev.berth.label.LabelApiTest.DEVELOPER;
import static dev.berth.label.LabelApiTest.GUEST;
import static dev.berth.label.LabelApiTest.create;
import static dev.berth.label.LabelApiTest.member;
import static dev.berth.label.LabelApiTest.post;
import static dev.berth.label.LabelApiTest.project;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.support.BerthServer;
import dev.berth.support.RegistryClient;
import dev.berth.support.TestUsers;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Labels on artifacts: who may add and remove them, which labels fit, and filtering by label. */
class ArtifactLabelTest {
    private BerthServer server;
    private RegistryClient admin;
    private String secret;
    private String artifacts;
    private long own;
    private long global;
    private long foreign;
    private RegistryClient.Image image;

    @BeforeEach
    void setUp() {
        server = BerthServer.shared();
        admin = server.adminClient();
        secret = TestUsers.uniqueName("al");
        long secretId = project(server, secret, false);
        String other = TestUsers.uniqueName("al");
        long otherId = project(server, other, false);
        image = admin.pushImage(secret + "/app", "v1", "layer-one".getBytes(StandardCharsets.UTF_8));
        admin.pushImage(secret + "/app", "v2", "layer-two".getBytes(StandardCharsets.UTF_8));
        artifacts = "/api/v2.0/projects/" + secret + "/repositories/app/artifacts";
        own = create(admin, "{\"name\":\"own\",\"scope\":\"p\",\"project_id\":" + secretId + "}");
        foreign = create(admin, "{\"name\":\"foreign\",\"scope\":\"p\",\"project_id\":" + otherId + "}");
        global = create(admin, "{\"name\":\"" + TestUsers.uniqueName("g") + "\",\"scope\":\"g\"}");
    }

    private static String ids(long... ids) {
        StringBuilder s = new StringBuilder();
        for (long id : ids) {
            s.append(s.isEmpty() ? "" : " ").append(id);
        }
        return s.toString();
    }

    private List<String> tagsOfListed(RegistryClient c, String q) {
        RegistryClient.Response r = c.get(artifacts + "?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        List<String> tags = new ArrayList<>();
        r.json().forEach(a -> a.get("tags").forEach(t -> tags.add(t.get("name").asString())));
        return tags;
    }

    @Test
    void membersWithArtifactLabelRightsAddAndRemoveLabels() {
        RegistryClient developer = member(server, secret, DEVELOPER);
        RegistryClient guest = member(server, secret, GUEST);
        RegistryClient outsider = member(server, secret, 0);
        RegistryClient anonymous = server.anonymousClient();
        String labels = artifacts + "/v1/labels";
        String body = "{\"id\":" + own + "}";

        assertThat(post(anonymous, labels, body).status()).isEqualTo(401);
        assertThat(post(outsider, labels, body).status()).isEqualTo(404);
        assertThat(post(guest, labels, body).status()).isEqualTo(403);
        assertThat(post(developer, labels, body).status()).isEqualTo(200);
        assertThat(post(developer, labels, body).status()).isEqualTo(409);
        assertThat(post(developer, labels, "{\"id\":" + global + "}").status()).isEqualTo(200);
        assertThat(post(developer, artifacts + "/nope/labels", body).status()).isEqualTo(404);
        assertThat(post(developer, labels, "{}").status()).isEqualTo(400);

        JsonNode art = guest.get(artifacts + "/v1?with_label=true").json();
        List<Long> attached = new ArrayList<>();
        art.get("labels").forEach(l -> attached.add(l.get("id").asLong()));
        assertThat(attached).containsExactlyInAnyOrder(own, global);
        assertThat(guest.get(artifacts + "/v1").json().has("labels")).isFalse();
        JsonNode listed = guest.get(artifacts + "?with_label=true&q=tags%3Dv1").json();
        assertThat(listed.get(0).get("labels").size()).isEqualTo(2);

        assertThat(guest.delete(labels + "/" + own).status()).isEqualTo(403);
        assertThat(outsider.delete(labels + "/" + own).status()).isEqualTo(404);
        assertThat(anonymous.delete(labels + "/" + own).status()).isEqualTo(401);
        assertThat(developer.delete(labels + "/" + own).status()).isEqualTo(200);
        assertThat(developer.delete(labels + "/" + own).status()).isEqualTo(404);
        assertThat(guest.get(artifacts + "/" + image.manifest() + "?with_label=true")
                        .json()
                        .get("labels")
                        .size())
                .isEqualTo(1);
    }

    @Test
    void aLabelOfAnotherProjectCannotBeAttachedNorProbed() {
        String labels = artifacts + "/v1/labels";
        RegistryClient.Response foreignLabel = post(admin, labels, "{\"id\":" + foreign + "}");
        RegistryClient.Response missing = post(admin, labels, "{\"id\":999999999}");
        assertThat(foreignLabel.status()).isEqualTo(404);
        assertThat(missing.status()).isEqualTo(404);
        // Both refusals read the same apart from the id, so a label id of another project is not confirmed.
        assertThat(foreignLabel.text().replace(String.valueOf(foreign), "N"))
                .isEqualTo(missing.text().replace("999999999", "N"));
        assertThat(admin.delete(labels + "/" + foreign).status()).isEqualTo(404);
        assertThat(admin.get(artifacts + "/v1?with_label=true")
                        .json()
                        .get("labels")
                        .size())
                .isZero();
    }

    @Test
    void artifactsFilterByLabels() {
        String labels = artifacts + "/v1/labels";
        assertThat(post(admin, labels, "{\"id\":" + own + "}").status()).isEqualTo(200);
        assertThat(post(admin, labels, "{\"id\":" + global + "}").status()).isEqualTo(200);
        assertThat(post(admin, artifacts + "/v2/labels", "{\"id\":" + global + "}")
                        .status())
                .isEqualTo(200);

        assertThat(tagsOfListed(admin, "labels=(" + ids(own, global) + ")")).containsExactly("v1");
        assertThat(tagsOfListed(admin, "labels=(" + ids(global) + ")")).containsExactlyInAnyOrder("v1", "v2");
        assertThat(tagsOfListed(admin, "labels={" + ids(own, foreign) + "}")).containsExactly("v1");
        assertThat(tagsOfListed(admin, "labels=" + own)).containsExactly("v1");
        assertThat(tagsOfListed(admin, "labels=(" + ids(foreign) + ")")).isEmpty();
        assertThat(admin.get(artifacts + "?q=labels%3D~x").status()).isEqualTo(400);
        assertThat(admin.get(artifacts + "?q=labels%3D(abc)").status()).isEqualTo(400);

        // Deleting a label takes it off every artifact.
        assertThat(admin.delete("/api/v2.0/labels/" + global).status()).isEqualTo(200);
        assertThat(tagsOfListed(admin, "labels=(" + ids(global) + ")")).isEmpty();
        assertThat(tagsOfListed(admin, "labels=(" + ids(own) + ")")).containsExactly("v1");
    }
}
