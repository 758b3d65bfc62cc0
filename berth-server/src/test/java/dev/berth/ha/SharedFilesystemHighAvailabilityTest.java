package dev.berth.ha;

/** The replicas share one data directory (a ReadWriteMany volume, NFS): blobs and uploads in progress. */
class SharedFilesystemHighAvailabilityTest extends HighAvailabilityScenario {
    @Override
    Replicas.Storage storage() {
        return Replicas.SHARED_FILESYSTEM;
    }
}
