package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node side: the key is made and kept in the private directory; certificates come in, kubeconfigs go out there. */
class KeyDirectoryTest {
    final Clock clock = Clock.fixed(Instant.parse("2026-12-01T09:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path tmp;

    Issuer issuer() throws Exception {
        return new Issuer(IssuerTest.ca(clock, Duration.ofDays(30)),
                new PolicyParser().parse(PolicyParserTest.SEED, "robots.yaml"), clock, AuditSink.NONE);
    }

    @Test
    void theKeyStaysInAPrivateDirectoryAndTheKubeconfigIsWrittenBesideIt() throws Exception {
        for (KeyAlgorithm algorithm : new KeyAlgorithm[] {KeyAlgorithm.EC_P256, KeyAlgorithm.RSA_2048}) {
            KeyDirectory.Created created = KeyDirectory.create(tmp.resolve("ws@tmp"), algorithm);
            Path dir = created.directory();
            assertThat(dir.getFileName().toString()).matches("kubeconfig-[0-9]+");
            assertThat(LiveDirectory.isDirectoryName(dir.getFileName().toString())).isTrue();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
            Path key = dir.resolve(KeyDirectory.KEY);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
            assertThat(created.csr().toString()).doesNotContain("PRIVATE");

            IssuedCertificate issued = issuer().issue(IssueRequest.of("jenkins", Duration.ofHours(1),
                    IssuerTest.cluster()), created.csr());
            Path kubeconfig = KeyDirectory.install(dir, issued.cluster(), issued.certificatePem());
            assertThat(kubeconfig).isEqualTo(dir.resolve("kubeconfig"));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kubeconfig))).isEqualTo("rw-------");
            KubeconfigSummary summary = KubeconfigSummary.read(Files.readAllBytes(kubeconfig), "kubeconfig");
            assertThat(summary.notAfter()).isEqualTo(issued.notAfter());
            String keyPem = Files.readString(key);
            String keyBody = keyPem.lines().skip(1).findFirst().orElseThrow();
            // The kubeconfig names the key file and holds no key: printing it in a build log shows none.
            String text = Files.readString(kubeconfig, StandardCharsets.UTF_8);
            assertThat(text).contains("    client-key: \"" + key.toAbsolutePath() + "\"\n")
                    .doesNotContain("client-key-data", keyBody, "PRIVATE");
        }
    }

    @Test
    void aRenewalReplacesTheKubeconfigWithTheSameKeyAndLeavesNoTemporaryFile() throws Exception {
        KeyDirectory.Created created = KeyDirectory.create(tmp, KeyAlgorithm.EC_P256);
        Issuer issuer = issuer();
        IssueRequest request = IssueRequest.of("jenkins", Duration.ofHours(1), IssuerTest.cluster());
        IssuedCertificate first = issuer.issue(request, created.csr());
        IssuedCertificate second = issuer.issue(request, created.csr());
        Path kubeconfig = KeyDirectory.install(created.directory(), first.cluster(), first.certificatePem());
        KeyDirectory.install(created.directory(), second.cluster(), second.certificatePem());
        assertThat(KubeconfigSummary.read(Files.readAllBytes(kubeconfig), "kubeconfig").serialHex())
                .isEqualTo(second.serialHex());
        try (Stream<Path> files = Files.list(created.directory())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("client.key", "kubeconfig");
        }
    }

    @Test
    void aCertificateForAnotherKeyIsRefusedAndTheFileKept() throws Exception {
        KeyDirectory.Created created = KeyDirectory.create(tmp, KeyAlgorithm.EC_P256);
        Issuer issuer = issuer();
        IssueRequest request = IssueRequest.of("jenkins", Duration.ofHours(1), IssuerTest.cluster());
        IssuedCertificate mine = issuer.issue(request, created.csr());
        Path kubeconfig = KeyDirectory.install(created.directory(), mine.cluster(), mine.certificatePem());
        byte[] before = Files.readAllBytes(kubeconfig);
        IssuedCertificate other = issuer.issue(request,
                ClientCsr.create(KeyAlgorithm.EC_P256.generate(new SecureRandom())));
        assertThatThrownBy(() -> KeyDirectory.install(created.directory(), other.cluster(), other.certificatePem()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("certificate: it is not for the client key in " + created.directory() + "; nothing was "
                        + "written");
        assertThat(kubeconfig).hasBinaryContent(before);
    }

    @Test
    void aMissingKeyIsNamed() throws Exception {
        KeyDirectory.Created created = KeyDirectory.create(tmp, KeyAlgorithm.EC_P256);
        PrivateFiles.deleteDirectory(created.directory());
        assertThatThrownBy(() -> KeyDirectory.install(created.directory(), IssuerTest.cluster(), "x"))
                .hasMessage(created.directory().resolve("client.key") + ": the client key is missing (was the "
                        + "directory deleted?)");
    }
}
