package dev.berth.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Harbor's stored replication policies read as Harbor's own reader reads them, 1.x shapes included. */
class ReplicationPolicyImportTest {
    private final ReplicationPolicyImport importer = new ReplicationPolicyImport(
            new ImportContext(null, new ImportReport(true), new HashMap<>(), new HashMap<>()), null, Map.of(7L, 70L));

    @Test
    void todaysShapesPassAsTheyAre() {
        assertThat(importer.filters("[{\"type\":\"name\",\"value\":\"a/**\"},{\"type\":\"label\",\"value\":[\"x\"],"
                                + "\"decoration\":\"excludes\"}]")
                        .toString())
                .isEqualTo("[{\"type\":\"name\",\"value\":\"a/**\"},{\"type\":\"label\",\"value\":[\"x\"],"
                        + "\"decoration\":\"excludes\"}]");
        assertThat(importer.trigger("{\"type\":\"scheduled\",\"trigger_settings\":{\"cron\":\"0 0 1 * * *\"}}")
                        .toString())
                .isEqualTo("{\"type\":\"scheduled\",\"trigger_settings\":{\"cron\":\"0 0 1 * * *\"}}");
        assertThat(importer.trigger("")).isNull();
        assertThat(importer.filters("").size()).isZero();
    }

    @Test
    void harbor1ShapesAreConvertedAsHarborConvertsThem() {
        // a repository filter merges into the name filter; a tag filter's pattern is its value; label
        // filters of 1.x are dropped
        assertThat(importer.filters(
                                "[{\"type\":\"name\",\"value\":\"lib/**\"},{\"kind\":\"repository\",\"pattern\":"
                                        + "\"base\"},{\"kind\":\"tag\",\"pattern\":\"1.*\"},{\"kind\":\"label\",\"value\":\"x\"}]")
                        .toString())
                .isEqualTo("[{\"type\":\"name\",\"value\":\"lib/base\"},{\"type\":\"tag\",\"value\":\"1.*\"}]");
        assertThat(importer.trigger("{\"kind\":\"Immediate\"}").toString()).isEqualTo("{\"type\":\"event_based\"}");
        // 1.x daily and weekly schedules: seconds since midnight (UTC) and a weekday
        assertThat(importer.trigger("{\"kind\":\"Scheduled\",\"schedule_param\":{\"type\":\"Daily\",\"offtime\":9045}}")
                        .path("trigger_settings")
                        .path("cron")
                        .asString())
                .isEqualTo("45 30 2 * * *");
        assertThat(importer.trigger(
                                "{\"kind\":\"Scheduled\",\"schedule_param\":{\"type\":\"Weekly\",\"weekday\":7,\"offtime\":3600}}")
                        .path("trigger_settings")
                        .path("cron")
                        .asString())
                .isEqualTo("0 0 1 * * 0");
        assertThat(importer.trigger("{\"kind\":\"Sometimes\"}")).isNull();
    }

    @Test
    void endpointsAreMappedAndAMissingOneIsSaid() {
        HarborDatabase.ReplicationPolicy push = new HarborDatabase.ReplicationPolicy(
                1, "p", "", "alice", 0, 7, "", -1, "[]", "", false, true, true, 0, false, false);
        assertThat(importer.body(push).path("dest_registry").path("id").asLong())
                .isEqualTo(70);
        assertThat(importer.body(push).has("src_registry")).isFalse();
        HarborDatabase.ReplicationPolicy orphan = new HarborDatabase.ReplicationPolicy(
                2, "q", "", "alice", 0, 8, "", -1, "[]", "", false, true, true, 0, false, false);
        assertThatThrownBy(() -> importer.body(orphan))
                .hasMessage("its registry endpoint (Harbor's #8) was not imported");
        HarborDatabase.ReplicationPolicy broken = new HarborDatabase.ReplicationPolicy(
                3, "r", "", "alice", 0, 7, "", -1, "{not json", "", false, true, true, 0, false, false);
        assertThatThrownBy(() -> importer.body(broken)).hasMessage("its filter list is not JSON Harbor would read");
    }
}
