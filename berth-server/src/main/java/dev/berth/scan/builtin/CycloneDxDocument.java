package dev.berth.scan.builtin;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.json.JsonMapper;

/**
 * An image's catalogue as a CycloneDX 1.6 JSON BOM: the image as the metadata component
 * ({@code container}), its distribution as an {@code operating-system} component, and every
 * package as a {@code library} with its Package URL ({@code bom-ref} too) and where it was found
 * ({@code berth:location} properties).
 *
 * <p>Written with Berth's Jackson against the CycloneDX 1.6 JSON schema, which the tests validate
 * it with. Not with {@code cyclonedx-core-java}: its generators load its schema validator
 * (networknt json-schema-validator 1.5), whose packages clash with the 3.x line Berth's API
 * contract checks use, and they need Jackson 2 with its XML module besides.
 */
public final class CycloneDxDocument {
    public static final String MEDIA_TYPE = "application/vnd.cyclonedx+json";

    private CycloneDxDocument() {}

    public static String write(
            ImageCatalogue catalogue, SbomSubject subject, String toolVersion, Instant created, JsonMapper json) {
        Map<String, Object> bom = new LinkedHashMap<>();
        bom.put("$schema", "http://cyclonedx.org/schema/bom-1.6.schema.json");
        bom.put("bomFormat", "CycloneDX");
        bom.put("specVersion", "1.6");
        bom.put("serialNumber", "urn:uuid:" + UUID.randomUUID());
        bom.put("version", 1);

        String imageRef = subject.purl();
        Map<String, Object> image = new LinkedHashMap<>();
        image.put("type", "container");
        image.put("bom-ref", imageRef);
        image.put("name", subject.repository());
        image.put("version", subject.digest());
        image.put("purl", imageRef);
        Map<String, Object> tool = new LinkedHashMap<>();
        tool.put("type", "application");
        tool.put("name", "berth");
        tool.put("version", toolVersion);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("timestamp", created.truncatedTo(ChronoUnit.SECONDS).toString());
        metadata.put("tools", Map.of("components", List.of(tool)));
        metadata.put("component", image);
        bom.put("metadata", metadata);

        List<Map<String, Object>> components = new ArrayList<>();
        List<String> dependsOn = new ArrayList<>();
        catalogue.distro().ifPresent(d -> {
            Map<String, Object> os = new LinkedHashMap<>();
            String ref = "os:" + d.id() + (d.versionId().isEmpty() ? "" : "@" + d.versionId());
            os.put("type", "operating-system");
            os.put("bom-ref", ref);
            os.put("name", d.id());
            if (!d.versionId().isEmpty()) {
                os.put("version", d.versionId());
            }
            if (!d.prettyName().isEmpty()) {
                os.put("description", d.prettyName());
            }
            components.add(os);
            dependsOn.add(ref);
        });
        for (ImageCatalogue.Named named : catalogue.named()) {
            CataloguedPackage p = named.first();
            String purl = named.purl().canonicalize();
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("type", "library");
            c.put("bom-ref", purl);
            if (!p.namespace().isEmpty() && !p.ecosystem().isOsPackage()) {
                c.put("group", p.namespace());
            }
            c.put("name", p.name());
            c.put("version", p.version());
            if (!p.licenses().isEmpty()) {
                // As the package database words it: a name, not necessarily an SPDX expression.
                c.put(
                        "licenses",
                        p.licenses().stream()
                                .map(l -> Map.of("license", Map.of("name", l)))
                                .toList());
            }
            c.put("purl", purl);
            List<Map<String, String>> properties = new ArrayList<>();
            properties.add(
                    Map.of("name", "berth:package:type", "value", p.ecosystem().purlType()));
            for (String location : named.locations()) {
                properties.add(Map.of("name", "berth:location", "value", location));
            }
            c.put("properties", properties);
            components.add(c);
            dependsOn.add(purl);
        }
        bom.put("components", components);
        bom.put("dependencies", List.of(Map.of("ref", imageRef, "dependsOn", dependsOn)));
        return json.writeValueAsString(bom);
    }
}
