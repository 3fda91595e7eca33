package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The core must build and run without Jenkins: it is what the plugin and the CLI share. */
class ArchitectureTest {
    private final JavaClasses core = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.jenkins.plugins.shortlivedkubeconfig.signer");

    @Test
    void theCoreImportsNoJenkinsStaplerOrPicocli() {
        noClasses().that().resideInAPackage("io.jenkins.plugins.shortlivedkubeconfig.signer..")
                .should().dependOnClassesThat().resideInAnyPackage("hudson..", "jenkins..", "org.kohsuke..",
                        "org.jenkinsci..", "picocli..", "io.jenkins.plugins.shortlivedkubeconfig.cli..")
                .because("the signer core is Jenkins-free and the plugin compiles it in without the CLI")
                .check(core);
    }
}
