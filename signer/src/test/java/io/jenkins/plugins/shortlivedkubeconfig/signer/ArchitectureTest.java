package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

/** The core must build and run without Jenkins: it is what the plugin and the CLI share. */
class ArchitectureTest {
    private static final String CORE = "io.jenkins.plugins.shortlivedkubeconfig.signer";

    private final JavaClasses core = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(CORE);

    @Test
    void theCoreImportsNoJenkinsStaplerOrPicocli() {
        noClasses().that().resideInAPackage("io.jenkins.plugins.shortlivedkubeconfig.signer..")
                .should().dependOnClassesThat().resideInAnyPackage("hudson..", "jenkins..", "org.kohsuke..",
                        "org.jenkinsci..", "picocli..", "io.jenkins.plugins.shortlivedkubeconfig.cli..")
                .because("the signer core is Jenkins-free and the plugin compiles it in without the CLI")
                .check(core);
    }

    /**
     * Each core class (with its nested classes) is one slice; a cycle between two of them makes a reader go back and
     * forth. Records and exceptions are values every part may share, so they take no part.
     */
    @Test
    void coreClassesHaveNoDependencyCycles() {
        slices().assignedFrom(new OneSlicePerClass()).should().beFreeOfCycles()
                .because("each step of the core reads one way: parse, decide, sign, render")
                .check(core);
    }

    private static final class OneSlicePerClass implements SliceAssignment {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            JavaClass top = javaClass;
            while (top.getEnclosingClass().isPresent()) {
                top = top.getEnclosingClass().get();
            }
            if (!top.getPackageName().equals(CORE) || isValue(javaClass) || isValue(top)) {
                return SliceIdentifier.ignore();
            }
            return SliceIdentifier.of(top.getSimpleName());
        }

        private static boolean isValue(JavaClass c) {
            return c.isRecord() || c.isAssignableTo(Throwable.class);
        }

        @Override
        public String getDescription() {
            return "core classes (records and exceptions aside)";
        }
    }
}
