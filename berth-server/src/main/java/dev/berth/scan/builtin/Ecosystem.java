package dev.berth.scan.builtin;

/** The package ecosystems the cataloguer reads, with their Package URL types. */
public enum Ecosystem {
    DEB("deb"),
    APK("apk"),
    RPM("rpm"),
    MAVEN("maven"),
    NPM("npm"),
    PYPI("pypi"),
    GOLANG("golang"),
    CARGO("cargo"),
    GEM("gem");

    private final String purlType;

    Ecosystem(String purlType) {
        this.purlType = purlType;
    }

    public String purlType() {
        return purlType;
    }

    /** Whether the packages are the operating system's (their Package URLs name the distribution). */
    public boolean isOsPackage() {
        return this == DEB || this == APK || this == RPM;
    }
}
