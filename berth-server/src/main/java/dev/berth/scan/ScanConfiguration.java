package dev.berth.scan;

import dev.berth.iam.ExternalUrl;
import dev.berth.job.JobKind;
import dev.berth.robot.PullCredentials;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** The scan job kind. */
@Configuration(proxyBeanMethods = false)
class ScanConfiguration {
    @Bean
    JobKind imageScan(
            ScanReports reports,
            ScannerRecords scanners,
            Scanners registrations,
            PullCredentials credentials,
            ExternalUrl externalUrl,
            ScanSettings settings,
            JsonMapper json,
            Clock clock) {
        return new ScanJob(reports, scanners, registrations, credentials, externalUrl, settings, json, clock);
    }
}
