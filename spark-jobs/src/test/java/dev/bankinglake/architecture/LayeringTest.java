package dev.bankinglake.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lake service's lower layers, as {@code spark-jobs/README.md} draws them: {@code contract} <
 * {@code table} (storage layout, partition state, the registration and location ports) <
 * {@code lake} (the write path and the table readers) < {@code metastore}, {@code lineage}. A lower
 * layer never imports a higher one, and the lower layers hold no cycle. The packages above them
 * ({@code compaction}, {@code jobs}, {@code windows}, {@code service}, {@code analytics}) still
 * reach each other; they are not under these rules yet.
 */
class LayeringTest {
    private static final String ROOT = "dev.bankinglake";
    private static final String[] ABOVE_THE_WRITE_PATH = {ROOT + ".compaction..", ROOT + ".jobs..", ROOT + ".windows..", ROOT + ".service..",
            ROOT + ".analytics.."};
    private static JavaClasses classes;

    @BeforeAll
    static void importProductionClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);
    }

    @Test
    void theSettingsGrammarDependsOnNothingOfTheProject() {
        noClasses().that().resideInAPackage(ROOT + ".settings..")
                .should().dependOnClassesThat().resideOutsideOfPackages(ROOT + ".settings..", "java..")
                .because("every config class, at any layer, parses its durations and sizes with it")
                .check(classes);
    }

    @Test
    void theTableLayerDependsOnTheContractOnly() {
        noClasses().that().resideInAPackage(ROOT + ".table..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".lake..", ROOT + ".metastore..", ROOT + ".lineage..")
                .orShould().dependOnClassesThat().resideInAnyPackage(ABOVE_THE_WRITE_PATH)
                .because("the storage layout sits below the write path and everything that maintains or reads the lake")
                .check(classes);
    }

    @Test
    void theWritePathDependsOnNothingAboveIt() {
        noClasses().that().resideInAPackage(ROOT + ".lake..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".metastore..", ROOT + ".lineage..")
                .orShould().dependOnClassesThat().resideInAnyPackage(ABOVE_THE_WRITE_PATH)
                .because("the write path reaches the metastore and the lineage only through the ports of the table layer")
                .check(classes);
    }

    @Test
    void theMetastoreAndTheLineageDependOnNothingAboveThem() {
        noClasses().that().resideInAnyPackage(ROOT + ".metastore..", ROOT + ".lineage..")
                .should().dependOnClassesThat().resideInAnyPackage(ABOVE_THE_WRITE_PATH)
                .check(classes);
    }

    @Test
    void theLowerLayersHoldNoCycle() {
        slices().matching(ROOT + ".(contract|table|lake|metastore|lineage)..").should().beFreeOfCycles().check(classes);
    }
}
