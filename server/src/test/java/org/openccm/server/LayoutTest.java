// SPDX-License-Identifier: Apache-2.0
package org.openccm.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/**
 * The layout the developers' guide decides, as rules the build enforces: the attestation library knows nothing of
 * Spring or the server; server features do not depend on each other in circles; HTTP types stay in the {@code web}
 * packages (and the few web-infrastructure places named below); and only {@code config} reads the wall clock, so
 * every other class takes a {@link Clock} and archived evidence can be replayed at its own instant.
 */
class LayoutTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.openccm");

    @Test
    void theAttestationLibraryHasNoSpringAndNoServer() {
        noClasses().that().resideInAPackage("org.openccm.attestation..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "jakarta..", "org.openccm.server..")
                .check(CLASSES);
    }

    @Test
    void serverFeaturesHaveNoCycles() {
        slices().matching("org.openccm.server.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void onlyWebPackagesUseHttpTypes() {
        noClasses().that().resideInAPackage("org.openccm.server..")
                .and().resideOutsideOfPackages("..web..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.springframework.web..", "org.springframework.http..", "jakarta.servlet..")
                .check(CLASSES);
    }

    @Test
    void onlyConfigReadsTheWallClock() {
        noClasses().that().resideOutsideOfPackage("org.openccm.server.config..")
                .should().callMethod(Instant.class, "now")
                .orShould().callMethod(Clock.class, "systemUTC")
                .orShould().callMethod(Clock.class, "systemDefaultZone")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(LocalDate.class, "now")
                .orShould().callMethod(LocalDateTime.class, "now")
                .orShould().callMethod(OffsetDateTime.class, "now")
                .orShould().callMethod(ZonedDateTime.class, "now")
                .orShould().callConstructor(java.util.Date.class)
                .check(CLASSES);
    }
}
