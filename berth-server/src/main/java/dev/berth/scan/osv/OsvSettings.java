package dev.berth.scan.osv;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The built-in scanner's OSV database ({@code berth.scan.osv.*}).
 *
 * @param url where the archives are: {@code <url>/<Ecosystem>/all.zip}, OSV's bucket layout (a
 *     mirror inside the network works the same); empty turns scheduled updates off (air-gapped
 *     sites import archives through the API instead)
 * @param ecosystems the archives to load
 * @param schedule when to update, a cron with seconds first; empty for never
 * @param maxAge a scan against a database older than this says so in its report
 * @param maxArchiveBytes the largest archive accepted, downloaded or imported
 * @param maxRecordBytes the largest single advisory accepted; larger ones are skipped and counted
 * @param connectTimeout connecting to the archive server
 * @param readTimeout waiting for the server between two reads
 */
@ConfigurationProperties("berth.scan.osv")
public record OsvSettings(
        @DefaultValue("https://osv-vulnerabilities.storage.googleapis.com")
        String url,

        @DefaultValue({"Debian", "Ubuntu", "Alpine", "Maven", "npm", "PyPI", "Go", "crates.io", "RubyGems"})
        List<String> ecosystems,

        @DefaultValue("0 30 3 * * *") String schedule,
        @DefaultValue("72h") Duration maxAge,
        @DefaultValue("4294967296") long maxArchiveBytes,
        @DefaultValue("8388608") int maxRecordBytes,
        @DefaultValue("10s") Duration connectTimeout,
        @DefaultValue("60s") Duration readTimeout) {
    public OsvSettings {
        ecosystems = List.copyOf(ecosystems);
        url = url.strip();
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
    }
}
