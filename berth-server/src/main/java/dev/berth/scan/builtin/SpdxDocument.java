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
 * An image's catalogue as an SPDX 2.3 JSON document: the image as the described package
 * ({@code CONTAINER}), each catalogued package with its Package URL as a {@code PACKAGE-MANAGER}
 * external reference, and {@code CONTAINS} relationships between them.
 *
 * <p>Written directly against the SPDX 2.3 JSON schema rather than with {@code java-spdx-library}:
 * that library models all of SPDX 2 and 3 and needs a separate store module (with its own Jackson
 * line) to write JSON, dozens of classes to emit the dozen fields used here. The tests validate
 * the output against the published SPDX 2.3 schema.
 */
public final class SpdxDocument {
    public static final String MEDIA_TYPE = "application/spdx+json";
    private static final String NOASSERTION = "NOASSERTION";

    private SpdxDocument() {}

    /**
     * @param namespaceBase an absolute URI under which this document's unique namespace is made
     *     (the server's external URL)
     */
    public static String write(
            ImageCatalogue catalogue,
            SbomSubject subject,
            String toolVersion,
            String namespaceBase,
            Instant created,
            JsonMapper json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("spdxVersion", "SPDX-2.3");
        doc.put("dataLicense", "CC0-1.0");
        doc.put("SPDXID", "SPDXRef-DOCUMENT");
        doc.put("name", subject.repository() + "@" + subject.digest());
        String base = namespaceBase.endsWith("/") ? namespaceBase : namespaceBase + "/";
        doc.put(
                "documentNamespace",
                base + "spdx/" + subject.repository() + "/" + subject.digest().replace(':', '-') + "-"
                        + UUID.randomUUID());
        Map<String, Object> creation = new LinkedHashMap<>();
        creation.put("created", created.truncatedTo(ChronoUnit.SECONDS).toString());
        creation.put("creators", List.of("Tool: berth-" + toolVersion));
        doc.put("creationInfo", creation);

        List<Map<String, Object>> packages = new ArrayList<>();
        List<Map<String, Object>> relationships = new ArrayList<>();
        String rootId = "SPDXRef-Image";
        Map<String, Object> root = pkg(rootId, subject.repository(), subject.digest(), subject.purl(), "CONTAINER");
        packages.add(root);
        relationships.add(relationship("SPDXRef-DOCUMENT", "DESCRIBES", rootId));
        catalogue.distro().ifPresent(d -> {
            Map<String, Object> os = pkg(
                    "SPDXRef-OperatingSystem",
                    d.id(),
                    d.versionId().isEmpty() ? NOASSERTION : d.versionId(),
                    null,
                    "OPERATING_SYSTEM");
            if (!d.prettyName().isEmpty()) {
                os.put("description", d.prettyName());
            }
            packages.add(os);
            relationships.add(relationship(rootId, "CONTAINS", "SPDXRef-OperatingSystem"));
        });
        int n = 0;
        for (ImageCatalogue.Named named : catalogue.named()) {
            CataloguedPackage p = named.first();
            String id = "SPDXRef-Package-" + p.ecosystem().purlType() + "-" + (++n);
            String name = p.namespace().isEmpty() ? p.name() : p.namespace() + "/" + p.name();
            Map<String, Object> out = pkg(id, name, p.version(), named.purl().canonicalize(), "LIBRARY");
            out.put("sourceInfo", "acquired package info from " + String.join(", ", named.locations()));
            if (p.licenses().size() == 1) {
                out.put(
                        "licenseComments",
                        "as stated by the package: " + p.licenses().getFirst());
            }
            packages.add(out);
            relationships.add(relationship(rootId, "CONTAINS", id));
        }
        doc.put("documentDescribes", List.of(rootId));
        doc.put("packages", packages);
        doc.put("relationships", relationships);
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(doc);
    }

    private static Map<String, Object> pkg(String id, String name, String version, String purl, String purpose) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("SPDXID", id);
        p.put("name", name);
        p.put("versionInfo", version);
        p.put("downloadLocation", NOASSERTION);
        p.put("filesAnalyzed", false);
        p.put("licenseConcluded", NOASSERTION);
        p.put("licenseDeclared", NOASSERTION);
        p.put("copyrightText", NOASSERTION);
        if (purl != null) {
            p.put(
                    "externalRefs",
                    List.of(Map.of(
                            "referenceCategory", "PACKAGE-MANAGER",
                            "referenceType", "purl",
                            "referenceLocator", purl)));
        }
        p.put("primaryPackagePurpose", purpose);
        return p;
    }

    private static Map<String, Object> relationship(String from, String type, String to) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("spdxElementId", from);
        r.put("relationshipType", type);
        r.put("relatedSpdxElement", to);
        return r;
    }
}
