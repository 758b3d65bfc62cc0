package dev.berth.importer;

import dev.berth.importer.ImportReport.Outcome;
import dev.berth.scan.ScannerImport;

/** Harbor's scanner registrations, through the API's checks. */
final class ScannerRegistrationImport {
    private final HarborDatabase harbor;
    private final ScannerImport scannerImport;
    private final ImportReport report;

    ScannerRegistrationImport(ImportContext context, ScannerImport scannerImport) {
        this.harbor = context.harbor();
        this.scannerImport = scannerImport;
        this.report = context.report();
    }

    /** Scanner registrations, through the API's checks; a project's choice of scanner is not carried. */
    void run() throws Exception {
        for (HarborDatabase.Scanner sc : harbor.scanners()) {
            if (report.dryRun()) {
                report.count(
                        "scanner registrations", scannerImport.exists(sc.name()) ? Outcome.EXISTING : Outcome.IMPORTED);
                continue;
            }
            ScannerImport.Result result = scannerImport.create(
                    sc.name(),
                    sc.description(),
                    sc.url(),
                    sc.auth(),
                    sc.accessCredential(),
                    sc.skipCertVerify(),
                    sc.useInternalAddr(),
                    sc.disabled());
            switch (result) {
                case ScannerImport.Result.Created c -> report.count("scanner registrations", Outcome.IMPORTED);
                case ScannerImport.Result.Existing e -> report.count("scanner registrations", Outcome.EXISTING);
                case ScannerImport.Result.Refused refused -> {
                    report.count("scanner registrations", Outcome.SKIPPED);
                    report.note("scanner " + sc.name() + ": not imported, " + refused.reason());
                }
            }
        }
    }
}
