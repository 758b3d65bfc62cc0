package dev.berth.scan.builtin;

import static dev.berth.scan.builtin.LayerFixture.fixtureJar;
import static dev.berth.scan.builtin.LayerFixture.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The SBOMs of a real catalogue (an Alpine database and log4j-core from Maven Central), validated
 * against CycloneDX's 1.6 JSON schema (as the CycloneDX library ships it) and SPDX's published 2.3
 * JSON schema (spdx/spdx-spec, branch support/2.3, schemas/spdx-schema.json).
 */
class SbomDocumentsTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SbomSubject SUBJECT = new SbomSubject(
            "registry.example:5000",
            "library/shop",
            "sha256:4ce32c148b435e0e714ff667649be2dc9ff2675e519e518efe53c558c283bc5a",
            Optional.of("1.0"));
    private static ImageCatalogue catalogue;

    @BeforeAll
    static void catalogue() throws IOException {
        catalogue = new Cataloguer()
                .catalogue(List.of(LayerFixture.gzip("base")
                        .file("etc/os-release", resource("alpine-3.14-os-release"))
                        .file("lib/apk/db/installed", resource("alpine-3.14-apk-installed"))
                        .file("app/log4j-core-2.14.1.jar", Files.readAllBytes(fixtureJar("log4j-core-2.14.1.jar")))
                        .file("app2/log4j-core-2.14.1.jar", Files.readAllBytes(fixtureJar("log4j-core-2.14.1.jar")))));
    }

    private static String classpath(String name) {
        try (InputStream in = SbomDocumentsTest.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** CycloneDX's 1.6 schema and the two it references, as the CycloneDX library ships them. */
    private static SchemaRegistry cycloneDxSchemas() {
        Map<String, String> schemas = new HashMap<>();
        for (String s : List.of("bom-1.6.schema.json", "spdx.schema.json", "jsf-0.82.schema.json")) {
            schemas.put("http://cyclonedx.org/schema/" + s, classpath(s));
        }
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7, b -> b.schemas(schemas));
    }

    private static List<Error> validate(SchemaRegistry registry, String iri, String document) {
        Schema schema = registry.getSchema(SchemaLocation.of(iri));
        return schema.validate(JSON.readTree(document));
    }

    @Test
    void cycloneDx16ValidAgainstItsSchema() {
        String bom = CycloneDxDocument.write(catalogue, SUBJECT, "0.1.0", Instant.parse("2026-12-07T10:00:00Z"), JSON);
        SchemaRegistry registry = cycloneDxSchemas();
        assertThat(validate(registry, "http://cyclonedx.org/schema/bom-1.6.schema.json", bom))
                .isEmpty();

        JsonNode doc = JSON.readTree(bom);
        assertThat(doc.path("bomFormat").asString()).isEqualTo("CycloneDX");
        assertThat(doc.path("specVersion").asString()).isEqualTo("1.6");
        assertThat(doc.path("metadata").path("component").path("type").asString())
                .isEqualTo("container");
        assertThat(doc.path("metadata").path("component").path("purl").asString())
                .isEqualTo("pkg:oci/shop@sha256%3A4ce32c148b435e0e714ff667649be2dc9ff2675e519e518efe53c558c283bc5a"
                        + "?repository_url=registry.example%3A5000%2Flibrary%2Fshop&tag=1.0");
        // 26 apk packages, log4j-core once (found twice), the operating system
        assertThat(doc.path("components").size()).isEqualTo(28);
        JsonNode log4j = null;
        for (JsonNode c : doc.path("components")) {
            if (c.path("purl").asString("").equals("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1")) {
                log4j = c;
            }
        }
        assertThat(log4j).isNotNull();
        assertThat(log4j.path("group").asString()).isEqualTo("org.apache.logging.log4j");
        assertThat(log4j.path("bom-ref").asString())
                .isEqualTo(log4j.path("purl").asString());
        assertThat(log4j.path("properties").toString())
                .contains("app/log4j-core-2.14.1.jar")
                .contains("app2/log4j-core-2.14.1.jar");
    }

    @Test
    void cycloneDxSchemaCheckCatchesABrokenDocument() {
        String bom = CycloneDxDocument.write(catalogue, SUBJECT, "0.1.0", Instant.parse("2026-12-07T10:00:00Z"), JSON);
        SchemaRegistry registry = cycloneDxSchemas();
        String broken = bom.replace("\"type\":\"library\"", "\"type\":\"no-such-type\"");
        assertThat(broken).isNotEqualTo(bom);
        assertThat(validate(registry, "http://cyclonedx.org/schema/bom-1.6.schema.json", broken))
                .isNotEmpty();
    }

    @Test
    void spdx23ValidAgainstThePublishedSchema() throws IOException {
        String spdx = SpdxDocument.write(
                catalogue, SUBJECT, "0.1.0", "https://berth.example", Instant.parse("2026-12-07T10:00:00Z"), JSON);
        String schemaText = Files.readString(resource("spdx-2.3-schema.json"));
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(
                SpecificationVersion.DRAFT_7, b -> b.schemas(Map.of("http://spdx.org/rdf/terms/2.3", schemaText)));
        assertThat(validate(registry, "http://spdx.org/rdf/terms/2.3", spdx)).isEmpty();
        assertThat(validate(registry, "http://spdx.org/rdf/terms/2.3", spdx.replace("\"SPDX-2.3\"", "2.3")))
                .isNotEmpty();

        JsonNode doc = JSON.readTree(spdx);
        assertThat(doc.path("spdxVersion").asString()).isEqualTo("SPDX-2.3");
        assertThat(doc.path("documentNamespace").asString())
                .startsWith("https://berth.example/spdx/library/shop/sha256-4ce32c14");
        // the image, the operating system, 26 apk packages, log4j-core
        assertThat(doc.path("packages").size()).isEqualTo(29);
        assertThat(doc.path("packages").toString())
                .contains("\"referenceLocator\":\"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1\"");
        assertThat(doc.path("relationships").get(0).path("relationshipType").asString())
                .isEqualTo("DESCRIBES");
    }
}
