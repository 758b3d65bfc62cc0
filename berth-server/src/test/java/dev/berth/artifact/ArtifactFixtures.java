package dev.berth.artifact;

import dev.berth.storage.Digest;
import dev.berth.support.RegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Artifacts of several kinds pushed with {@link RegistryClient}, as their usual clients lay them out. */
public final class ArtifactFixtures {
    static final SecureRandom RANDOM = new SecureRandom();
    static final String HELM_CONFIG = "application/vnd.cncf.helm.config.v1+json";
    static final String HELM_LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
    static final String EMPTY = "application/vnd.oci.empty.v1+json";

    private ArtifactFixtures() {}

    static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    public static String hex(int bytes) {
        return HexFormat.of().formatHex(random(bytes));
    }

    static String encoded(String repositoryWithinProject) {
        return repositoryWithinProject.replace("/", "%252F");
    }

    /** An image for one platform, with a config carrying build history; returns its digest and sizes. */
    record Pushed(Digest digest, long size, byte[] manifest) {}

    static Pushed image(RegistryClient c, String repo, String tag, String arch, int layerSize) {
        Pushed image = unpushedImage(c, repo, arch, layerSize);
        Digest d = c.pushManifest(
                repo, tag == null ? image.digest().toString() : tag, RegistryClient.OCI_MANIFEST, image.manifest());
        return new Pushed(d, image.size(), image.manifest());
    }

    /** An image whose blobs are pushed but whose manifest is not (yet): its digest is known ahead. */
    static Pushed unpushedImage(RegistryClient c, String repo, String arch, int layerSize) {
        byte[] config = ("{\"architecture\":\"" + arch + "\",\"os\":\"linux\",\"author\":\"tester\","
                        + "\"config\":{\"Env\":[\"A=" + hex(4) + "\"]},"
                        + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},"
                        + "\"history\":[{\"created\":\"2024-01-01T00:00:00Z\",\"created_by\":\"COPY x /x\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] layer = random(layerSize);
        Digest cd = c.pushBlob(repo, config);
        Digest ld = c.pushBlob(repo, layer);
        byte[] manifest = RegistryClient.imageManifest(
                RegistryClient.descriptor(RegistryClient.OCI_CONFIG, cd, config.length),
                List.of(RegistryClient.descriptor(RegistryClient.OCI_LAYER, ld, layer.length)),
                null,
                null);
        return new Pushed(Digest.sha256(manifest), manifest.length + config.length + layer.length, manifest);
    }

    /** An OCI artifact (oras style): empty config, one layer, {@code artifactType}, optional subject. */
    static Pushed artifact(RegistryClient c, String repo, String tag, String artifactType, Pushed subject) {
        byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
        byte[] layer = random(64);
        Digest ed = c.pushBlob(repo, empty);
        Digest ld = c.pushBlob(repo, layer);
        byte[] manifest = RegistryClient.imageManifest(
                RegistryClient.descriptor(EMPTY, ed, empty.length),
                List.of(RegistryClient.descriptor("application/octet-stream", ld, layer.length)),
                subject == null
                        ? null
                        : RegistryClient.descriptor(
                                RegistryClient.OCI_MANIFEST, subject.digest(), subject.manifest().length),
                artifactType);
        Digest d = c.pushManifest(
                repo, tag == null ? Digest.sha256(manifest).toString() : tag, RegistryClient.OCI_MANIFEST, manifest);
        return new Pushed(d, manifest.length + empty.length + layer.length, manifest);
    }

    /** A Helm chart pushed as helm does: config is Chart.yaml as JSON, one chart tarball layer. */
    static Pushed chart(RegistryClient c, String repo, String name, String version) {
        String chartYaml = "apiVersion: v2\nname: " + name + "\nversion: " + version + "\ndescription: test chart\n"
                + "dependencies:\n  - name: redis\n    version: 17.0.0\n    repository: https://charts.example.com\n";
        byte[] tgz = tarGz(Map.of(
                name + "/Chart.yaml",
                chartYaml,
                name + "/values.yaml",
                "replicas: 3\nimage: nginx\n",
                name + "/README.md",
                "# " + name + "\nA chart.\n",
                name + "/templates/deployment.yaml",
                "kind: Deployment\n"));
        byte[] config = ("{\"apiVersion\":\"v2\",\"name\":\"" + name + "\",\"version\":\"" + version
                        + "\",\"description\":\"test chart\"}")
                .getBytes(StandardCharsets.UTF_8);
        Digest cd = c.pushBlob(repo, config);
        Digest ld = c.pushBlob(repo, tgz);
        byte[] manifest = RegistryClient.imageManifest(
                RegistryClient.descriptor(HELM_CONFIG, cd, config.length),
                List.of(RegistryClient.descriptor(HELM_LAYER, ld, tgz.length)),
                null,
                null);
        Digest d = c.pushManifest(repo, version, RegistryClient.OCI_MANIFEST, manifest);
        return new Pushed(d, manifest.length + config.length + tgz.length, manifest);
    }

    /** A gzipped ustar archive of the given text files. */
    public static byte[] tarGz(Map<String, String> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            for (Map.Entry<String, String> f : files.entrySet()) {
                byte[] content = f.getValue().getBytes(StandardCharsets.UTF_8);
                byte[] header = new byte[512];
                put(header, 0, f.getKey());
                put(header, 100, "0000644");
                put(header, 108, "0000000");
                put(header, 116, "0000000");
                put(header, 124, String.format("%011o", content.length));
                put(header, 136, String.format("%011o", 0));
                header[156] = '0';
                put(header, 257, "ustar");
                put(header, 263, "00");
                for (int i = 148; i < 156; i++) {
                    header[i] = ' ';
                }
                long sum = 0;
                for (byte b : header) {
                    sum += b & 0xff;
                }
                put(header, 148, String.format("%06o", sum));
                gz.write(header);
                gz.write(content);
                gz.write(new byte[(int) ((512 - content.length % 512) % 512)]);
            }
            gz.write(new byte[1024]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void put(byte[] header, int offset, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, header, offset, b.length);
    }
}
