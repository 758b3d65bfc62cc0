package dev.berth;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Package rules from CONVENTIONS.md that the compiler cannot check. */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importProductionClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.berth");
    }

    @Test
    void storageKnowsNothingOfTheFeaturesAboveIt() {
        noClasses()
                .that()
                .resideInAPackage("dev.berth.storage..")
                .should()
                .dependOnClassesThat(resideInAPackage("dev.berth..")
                        .and(not(resideInAnyPackage("dev.berth.storage..", "dev.berth.config..")))
                        // the one PEM-bundle reader, shared with the outbound client (which depends on nothing)
                        .and(not(type(dev.berth.outbound.CaBundle.class))))
                .because("blob drivers are the bottom layer; registry, web and the rest sit on top of them")
                .check(classes);
    }

    @Test
    void configurationPropertiesDependOnNoFeature() {
        noClasses()
                .that()
                .resideInAPackage("dev.berth.config..")
                .should()
                .dependOnClassesThat(resideInAPackage("dev.berth..")
                        .and(not(resideInAPackage("dev.berth.config..")))
                        .and(not(resideInAPackage("dev.berth"))))
                .check(classes);
    }

    @Test
    void nothingReachesIntoTheWebPackage() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.berth.web..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.berth.web..")
                .because("web holds cross-cutting HTTP plumbing (filters) wired by Spring, not an API")
                .check(classes);
    }

    @Test
    void onlyTheStoragePackageKnowsWhichDriverIsInUse() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.berth.storage..")
                .should()
                .dependOnClassesThat()
                .implement(dev.berth.storage.BlobStore.class)
                .because("callers use BlobStore or its role interfaces, so every driver is interchangeable")
                .check(classes);
    }

    @Test
    void theCoreNeverDependsOnExtensions() {
        noClasses()
                .that()
                .resideInAnyPackage("dev.berth.registry..", "dev.berth.storage..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.berth.scan..",
                        "dev.berth.remote..",
                        "dev.berth.replication..",
                        "dev.berth.webhook..",
                        "dev.berth.preheat..",
                        "dev.berth.retention..",
                        "dev.berth.proxy..")
                .because("scanning, replication, webhooks, preheat, retention and the proxy cache plug into the core,"
                        + " not the other way round")
                .check(classes);
    }

    @Test
    void identityKnowsNoDirectory() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "dev.berth.iam..", "dev.berth.user..", "dev.berth.usergroup..", "dev.berth.project..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.berth.ldap..", "com.unboundid..")
                .because("LDAP plugs into identity through iam.DirectoryLogin; identity works without it")
                .check(classes);
    }

    @Test
    void outboundHttpStandsAlone() {
        noClasses()
                .that()
                .resideInAPackage("dev.berth.outbound..")
                .should()
                .dependOnClassesThat(resideInAPackage("dev.berth..").and(not(resideInAPackage("dev.berth.outbound.."))))
                .because(
                        "webhooks, scanners, replication, preheat and OIDC all call out through it; it knows none of them")
                .check(classes);
    }

    @Test
    void onlyTheOutboundPackageOpensHttpConnections() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.berth.outbound..")
                // the image's health probe calls Berth itself on loopback, without a Spring context
                .and(not(type(dev.berth.system.HealthCheck.class)))
                .should()
                .dependOnClassesThat(resideInAnyPackage("org.apache.hc..", "java.net.http..")
                        .or(type(java.net.HttpURLConnection.class)))
                .because("calls to configured URLs go through OutboundHttp, which applies the SSRF rules")
                .check(classes);
    }

    @Test
    void featurePackagesAreFreeOfCycles() {
        slices().matching("dev.berth.(*)..").should().beFreeOfCycles().check(classes);
    }
}
