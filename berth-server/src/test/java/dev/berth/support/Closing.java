package dev.berth.support;

/** Closing what a test class started, in the order given, skipping what never started. */
public final class Closing {
    private Closing() {}

    /** Closes each non-null resource in turn; the first failure is rethrown after all were tried. */
    public static void all(AutoCloseable... resources) {
        RuntimeException failure = null;
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing " + resource, e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
