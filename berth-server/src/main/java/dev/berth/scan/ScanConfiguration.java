package dev.berth.scan;

import dev.berth.artifact.ArtifactInventory;
import dev.berth.iam.ExternalUrl;
import dev.berth.job.Executions;
import dev.berth.job.JobKind;
import dev.berth.project.ProjectService;
import dev.berth.robot.PullCredentials;
import dev.berth.scan.builtin.BuiltinScanner;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** The scan job kinds: one artifact's scan, scan all, and the scan data export. */
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
            Clock clock,
            BuiltinScanner builtin,
            BuiltinSboms sboms,
            SbomAccessories accessories) {
        return new ScanJob(
                reports,
                scanners,
                registrations,
                credentials,
                externalUrl,
                settings,
                json,
                clock,
                builtin,
                sboms,
                accessories);
    }

    @Bean
    JobKind scanAll(
            ArtifactInventory inventory,
            ProjectService projects,
            Scanners scanners,
            ObjectProvider<ScanService> scans,
            ObjectProvider<Executions> executions,
            TransactionTemplate tx,
            ScanSettings settings) {
        return new ScanAllJob(inventory, projects, scanners, scans, executions, tx, settings);
    }

    @Bean
    JobKind scanDataExport(ScanExportRecords records, Clock clock) {
        return new ScanExportJob(records, clock);
    }
}
