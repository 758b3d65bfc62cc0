package dev.berth.preheat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Harbor's preheat filters and triggers as JSON strings: parsing, refusals, matching, project overrides. */
class PolicyFiltersTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static Candidate c(String repo, String tag, List<String> labels, boolean signed) {
        return new Candidate("lib", repo, tag, "sha256:" + "a".repeat(64), labels, signed, Candidate.NOT_SCANNED);
    }

    @Test
    void repositoryTagAndLabelFiltersAllApply() {
        PolicyFilters f = PolicyFilters.parse(
                "[{\"type\":\"label\",\"value\":\"prod,eu\"},{\"type\":\"repository\",\"value\":\"team/**\"},"
                        + "{\"type\":\"tag\",\"value\":\"v{1,2}.*\"}]",
                JSON);
        assertThat(f.types()).containsExactly("repository", "tag", "label");
        assertThat(f.matches(c("team/app", "v1.0", List.of("prod", "eu", "x"), false)))
                .isTrue();
        assertThat(f.matches(c("team/app", "v3.0", List.of("prod", "eu"), false)))
                .isFalse();
        assertThat(f.matches(c("other/app", "v1.0", List.of("prod", "eu"), false)))
                .isFalse();
        assertThat(f.matches(c("team/app", "v1.0", List.of("prod"), false))).isFalse();
        assertThat(PolicyFilters.parse("[{\"type\":\"tag\",\"value\":\"\"}]", JSON)
                        .matches(c("a", "b", List.of(), false)))
                .isTrue();
    }

    @Test
    void signatureAndVulnerabilityFollowTheProjectWhenThePolicyRuns() {
        String filters = "[{\"type\":\"repository\",\"value\":\"**\"},{\"type\":\"signature\",\"value\":true},"
                + "{\"type\":\"vulnerability\",\"value\":\"3\"}]";
        PolicyFilters own = PolicyFilters.parse(filters, JSON);
        assertThat(own.matches(c("a", "t", List.of(), true))).isFalse(); // not scanned: 99, not below 3
        PolicyFilters none = PolicyFilters.effective(filters, Map.of(), JSON);
        assertThat(none.types()).containsExactly("repository");
        assertThat(none.matches(c("a", "t", List.of(), false))).isTrue();
        PolicyFilters trust = PolicyFilters.effective(filters, Map.of("enable_content_trust", "true"), JSON);
        assertThat(trust.matches(c("a", "t", List.of(), false))).isFalse();
        assertThat(trust.matches(c("a", "t", List.of(), true))).isTrue();
        PolicyFilters vul = PolicyFilters.effective(filters, Map.of("prevent_vul", "true", "severity", "high"), JSON);
        assertThat(vul.matches(c("a", "t", List.of(), true))).isFalse();
    }

    @Test
    void malformedFiltersAndTriggersAreRefusedWithAReason() {
        for (String bad : List.of(
                "",
                "[]",
                "{}",
                "not json",
                "[{\"type\":\"colour\",\"value\":\"red\"}]",
                "[{\"type\":\"tag\"}]",
                "[{\"type\":\"tag\",\"value\":3}]",
                "[{\"type\":\"signature\",\"value\":\"yes\"}]",
                "[{\"type\":\"vulnerability\",\"value\":\"high\"}]",
                "[{\"type\":\"repository\",\"value\":\"a[\"}]")) {
            assertThatThrownBy(() -> PolicyFilters.parse(bad, JSON))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(PolicyTrigger.parse("{\"type\":\"scheduled\",\"trigger_setting\":{\"cron\":\"0 0 2 * * *\"}}", JSON)
                        .schedule())
                .isPresent();
        assertThat(PolicyTrigger.parse("{\"type\":\"scheduled\"}", JSON).schedule())
                .isEmpty();
        assertThat(PolicyTrigger.parse("{\"type\":\"event_based\"}", JSON).setting())
                .isEqualTo("-");
        for (String bad : List.of(
                "",
                "{}",
                "{\"type\":\"daily\"}",
                "{\"type\":\"scheduled\",\"trigger_setting\":{\"cron\":\"0 2 * * *\"}}")) {
            assertThatThrownBy(() -> PolicyTrigger.parse(bad, JSON))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
