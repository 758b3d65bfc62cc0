package dev.berth.scan;

/** Published when a report was stored as Success (after its transaction commits, for listeners that index it). */
public record ScanReportStored(String uuid) {}
