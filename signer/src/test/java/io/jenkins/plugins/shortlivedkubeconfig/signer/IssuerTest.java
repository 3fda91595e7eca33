package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static io.jenkins.plugins.shortlivedkubeconfig.signer.TestPki.openssl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

class IssuerTest {
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    final List<AuditEvent> audit = Collections.synchronizedList(new ArrayList<>());

    @TempDir
    Path dir;

    static CertificateAuthority ca(Clock clock, Duration lifetime) throws Exception {
        return CertificateAuthority.generate("test CA", lifetime, KeyAlgorithm.EC_P256, clock);
    }

    static ClusterEndpoint cluster() throws Exception {
        return ClusterEndpoint.of("prod", "https://127.0.0.1:6443", null, null, null);
    }

    Issuer issuer(String yaml) throws Exception {
        return new Issuer(ca(clock, Duration.ofDays(365)), new PolicyParser().parse(yaml, "robots.yaml"), clock, audit::add);
    }

    static X509Certificate jdkParse(X509Certificate cert) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(cert.getEncoded()));
    }

    @Test
    void issuesACertificateWithExactlyTheFieldsKubernetesReads() throws Exception {
        Issuer issuer = issuer(PolicyParserTest.SEED);
        IssuedKubeconfig issued = issuer.issue(IssueRequest.of("jenkins", Duration.ofHours(25), cluster()));
        X509Certificate cert = jdkParse(issued.certificate());

        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=jenkins,O=system:masters");
        assertThat(cert.getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofMinutes(1)));
        assertThat(cert.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofHours(25)));
        assertThat(cert.getSerialNumber().bitLength()).isBetween(100, 128);
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        assertThat(cert.getKeyUsage()).startsWith(true, false, false); // digitalSignature only for EC
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2"); // clientAuth
        assertThat(cert.getCriticalExtensionOIDs()).contains("2.5.29.15", "2.5.29.19");
        cert.verify(issuer.ca().certificate().getPublicKey());
        byte[] caSki = SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(
                issuer.ca().certificate().getExtensionValue("2.5.29.14")).getOctets()).getKeyIdentifier();
        byte[] aki = AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(
                cert.getExtensionValue("2.5.29.35")).getOctets()).getKeyIdentifierObject().getOctets();
        assertThat(aki).isEqualTo(caSki);
        assertThat(cert.getExtensionValue("2.5.29.14")).isNotNull();

        assertThat(issued.serialHex()).isEqualTo(cert.getSerialNumber().toString(16));
        assertThat(issued.groups()).containsExactly("system:masters");
        assertThat(issued.kubernetesUser()).isEqualTo("jenkins");
        assertThat(issued.toString()).doesNotContain("PRIVATE", "client-key-data");
    }

    @Test
    void secretValuesCoverTheKeyAndCertificateDataButNothingElse() throws Exception {
        IssuedKubeconfig issued = issuer(PolicyParserTest.SEED).issue(IssueRequest.of("jenkins", Duration.ofHours(1),
                ClusterEndpoint.of("prod", "https://10.0.0.1:6443", issuerCaPem(), null, null)));
        String text = new String(issued.kubeconfig(), StandardCharsets.UTF_8);
        String keyData = text.lines().filter(l -> l.contains("client-key-data: ")).findFirst().orElseThrow()
                .replaceAll(".*: ", "");
        String keyPem = new String(Base64.getDecoder().decode(keyData), StandardCharsets.UTF_8);
        List<String> secrets = issued.secretValues();
        assertThat(secrets.get(0).length()).isGreaterThanOrEqualTo(secrets.get(secrets.size() - 1).length());
        assertThat(secrets).contains(keyData);
        assertThat(keyPem.lines().filter(l -> !l.startsWith("-----") && l.length() >= 16)).allMatch(secrets::contains);
        assertThat(secrets).allMatch(s -> s.length() >= 16).noneMatch(s -> s.contains("https://") || s.contains("prod"));
        // The server CA is public and stays readable in the log.
        String caData = text.lines().filter(l -> l.contains("certificate-authority-data: ")).findFirst().orElseThrow()
                .replaceAll(".*: ", "");
        assertThat(secrets).doesNotContain(caData);
    }

    @Test
    void rsaKeysAlsoGetKeyEncipherment() throws Exception {
        IssuedKubeconfig issued = issuer(PolicyParserTest.SEED).issue(IssueRequest.of("jenkins", Duration.ofHours(1),
                cluster()).withKeyAlgorithm(KeyAlgorithm.RSA_2048));
        X509Certificate cert = jdkParse(issued.certificate());
        assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("RSA");
        assertThat(cert.getKeyUsage()).startsWith(true, false, true);
    }

    @Test
    void everyGroupIsItsOwnOrganization() throws Exception {
        String yaml = PolicyParserTest.SEED.replace("[\"system:masters\"]", "[deployers, 'viewers, \"quoted\"', 'a+b=c']");
        X509Certificate cert = issuer(yaml).issue(IssueRequest.of("jenkins", Duration.ofHours(1), cluster())).certificate();
        KubeconfigSummary s = KubeconfigSummary.read(Kubeconfig.render(cluster(), Pem.encode(cert), "x"), "k");
        assertThat(s.groups()).containsExactly("a+b=c", "deployers", "viewers, \"quoted\"");
    }

    @Test
    void opensslVerifiesTheCertificateForClientAuth() throws Exception {
        Issuer issuer = new Issuer(ca(Clock.systemUTC(), Duration.ofDays(1)),
                new PolicyParser().parse(PolicyParserTest.SEED, "robots.yaml"), Clock.systemUTC(), audit::add);
        IssuedKubeconfig issued = issuer.issue(IssueRequest.of("jenkins", Duration.ofHours(1), cluster()));
        Files.writeString(dir.resolve("ca.crt"), issuer.ca().certificatePem());
        Files.writeString(dir.resolve("client.crt"), Pem.encode(issued.certificate()));
        assertThat(openssl(dir, "verify", "-purpose", "sslclient", "-CAfile", "ca.crt", "client.crt")).contains("client.crt: OK");
    }

    @Test
    void theKubeconfigHoldsTheCertificateAndAMatchingKey() throws Exception {
        IssuedKubeconfig issued = issuer(PolicyParserTest.SEED).issue(IssueRequest.of("jenkins", Duration.ofHours(1),
                ClusterEndpoint.of("prod", "https://k8s.example.com:6443", issuerCaPem(), "kubernetes.default", "ci")));
        Map<String, Object> config = new Yaml().load(new String(issued.kubeconfig(), StandardCharsets.UTF_8));
        assertThat(config).containsEntry("apiVersion", "v1").containsEntry("kind", "Config").containsEntry("current-context", "prod");
        @SuppressWarnings("unchecked")
        Map<String, Object> user = (Map<String, Object>) ((Map<String, Object>) ((List<?>) config.get("users")).get(0)).get("user");
        String certPem = new String(Base64.getDecoder().decode((String) user.get("client-certificate-data")), StandardCharsets.UTF_8);
        String keyPem = new String(Base64.getDecoder().decode((String) user.get("client-key-data")), StandardCharsets.UTF_8);
        assertThat(Pem.readCertificate(certPem, "cert")).isEqualTo(issued.certificate());
        java.security.Signature s = java.security.Signature.getInstance("SHA256withECDSA");
        s.initSign(Pem.readPrivateKey(keyPem, "key"));
        s.update(new byte[] {1, 2, 3});
        byte[] sig = s.sign();
        s.initVerify(issued.certificate().getPublicKey());
        s.update(new byte[] {1, 2, 3});
        assertThat(s.verify(sig)).isTrue();
        KubeconfigSummary summary = KubeconfigSummary.read(issued.kubeconfig(), "kubeconfig");
        assertThat(summary.server()).isEqualTo("https://k8s.example.com:6443");
        assertThat(summary.namespace()).isEqualTo("ci");
    }

    private String issuerCaPem() throws Exception {
        return ca(clock, Duration.ofDays(2)).certificatePem();
    }

    @Test
    void refusesATtlAboveTheRoleMaximumNamingTheRole() throws Exception {
        Issuer issuer = issuer(PolicyParserTest.SEED.replace("spec:\n  allow:", "spec:\n  options:\n    max_session_ttl: 2h\n  allow:"));
        assertThatThrownBy(() -> issuer.issue(IssueRequest.of("jenkins", Duration.ofHours(3), cluster())))
                .isInstanceOfSatisfying(PolicyRefusal.class, r -> assertThat(r.rule()).isEqualTo("ttl-above-maximum"))
                .hasMessage("ttl: 3h is above the maximum of 2h (role \"robot\" spec.options.max_session_ttl); ask for 2h or less");
        assertThat(issuer.issue(IssueRequest.of("jenkins", Duration.ofHours(2), cluster())).notAfter())
                .isEqualTo(NOW.plus(Duration.ofHours(2)));
    }

    @Test
    void refusesATtlAboveTheDefaultMaximumOf30Hours() throws Exception {
        assertThatThrownBy(() -> issuer(PolicyParserTest.SEED).issue(IssueRequest.of("jenkins", Duration.ofHours(31), cluster())))
                .hasMessage("ttl: 31h is above the maximum of 30h (the default maximum; no role of user \"jenkins\" "
                        + "sets spec.options.max_session_ttl); ask for 30h or less");
    }

    @Test
    void refusesATtlUnderOneMinute() throws Exception {
        assertThatThrownBy(() -> issuer(PolicyParserTest.SEED).issue(IssueRequest.of("jenkins", Duration.ofSeconds(59), cluster())))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("ttl: 59s is below the minimum of 1m");
        assertThat(audit).singleElement().satisfies(e -> assertThat(e.rule()).isEqualTo("invalid-request"));
    }

    @Test
    void neverIssuesPastTheCaExpiry() throws Exception {
        Issuer issuer = new Issuer(ca(clock, Duration.ofHours(10)), new PolicyParser().parse(PolicyParserTest.SEED, "r"),
                clock, audit::add);
        assertThatThrownBy(() -> issuer.issue(IssueRequest.of("jenkins", Duration.ofHours(12), cluster())))
                .isInstanceOfSatisfying(PolicyRefusal.class, r -> assertThat(r.rule()).isEqualTo("ttl-beyond-ca-expiry"))
                .hasMessage("ttl: 12h would end at 2026-11-26T00:00:00Z, after the CA expires at "
                        + "2026-11-25T22:00:00Z; ask for at most 10h or rotate the CA");
    }

    @Test
    void neverIssuesPastTheRobotUsersExpiry() throws Exception {
        Issuer issuer = issuer(PolicyParserTest.SEED.replace("  name: jenkins", "  name: jenkins\n  expires: 2026-11-25T14:00:00Z"));
        assertThat(issuer.issue(IssueRequest.of("jenkins", Duration.ofHours(2), cluster()))).isNotNull();
        assertThatThrownBy(() -> issuer.issue(IssueRequest.of("jenkins", Duration.ofHours(3), cluster())))
                .hasMessage("ttl: 3h would end at 2026-11-25T15:00:00Z, after robot user \"jenkins\" expires at "
                        + "2026-11-25T14:00:00Z (metadata.expires)");
    }

    @Test
    void recordsOneAuditEventPerIssuanceAndRefusal_withoutKeys() throws Exception {
        Issuer issuer = issuer(PolicyParserTest.SEED + "---\nkind: job_binding\nversion: v1\nmetadata: {name: b}\nspec:\n  users: [jenkins]\n  jobs: ['deploy/**']\n");
        IssuedKubeconfig ok = issuer.issue(IssueRequest.of("jenkins", Duration.ofHours(1), cluster())
                .withRequester(new Requester("deploy/api", 42)));
        assertThatThrownBy(() -> issuer.issue(IssueRequest.of("jenkins", Duration.ofHours(1), cluster())
                .withRequester(new Requester("test/api", 7)))).isInstanceOf(PolicyRefusal.class);
        assertThat(audit).hasSize(2);
        assertThat(audit.get(0).toJson()).isEqualTo("{\"time\":\"2026-11-25T12:00:00Z\",\"outcome\":\"issued\","
                + "\"job\":\"deploy/api\",\"build\":42,\"robot_user\":\"jenkins\",\"kubernetes_user\":\"jenkins\","
                + "\"groups\":[\"system:masters\"],\"cluster\":\"prod\",\"ttl\":\"1h\",\"serial\":\"" + ok.serialHex()
                + "\",\"not_after\":\"2026-11-25T13:00:00Z\"}");
        AuditEvent refused = audit.get(1);
        assertThat(refused.outcome()).isEqualTo(AuditEvent.Outcome.REFUSED);
        assertThat(refused.rule()).isEqualTo("job-not-allowed");
        assertThat(refused.requester()).isEqualTo(new Requester("test/api", 7));
        assertThat(refused.serialHex()).isNull();
        String all = audit.toString() + audit.stream().map(AuditEvent::toJson).toList();
        assertThat(all).doesNotContain("PRIVATE", "BEGIN");
    }

    @Test
    void noKubeconfigIsHandedOutWhenTheAuditRecordCannotBeWritten() throws Exception {
        Issuer issuer = new Issuer(ca(clock, Duration.ofDays(1)), new PolicyParser().parse(PolicyParserTest.SEED, "r"),
                clock, e -> { throw new java.io.UncheckedIOException(new java.io.IOException("disk full")); });
        assertThatThrownBy(() -> issuer.issue(IssueRequest.of("jenkins", Duration.ofHours(1), cluster())))
                .isInstanceOf(java.io.UncheckedIOException.class);
    }

    @Test
    void checkDecidesWithoutSigningOrAuditing() throws Exception {
        Grant g = issuer(PolicyParserTest.SEED).check(IssueRequest.of("jenkins", Duration.ofHours(1), cluster()));
        assertThat(g.groups()).containsExactly("system:masters");
        assertThat(audit).isEmpty();
    }

    @Test
    void signsAKeyTheCallerHolds() throws Exception {
        java.security.KeyPair pair = KeyAlgorithm.EC_P256.generate(new java.security.SecureRandom());
        X509Certificate cert = issuer(PolicyParserTest.SEED).issueCertificate(
                IssueRequest.of("jenkins", Duration.ofHours(1), cluster()), pair.getPublic());
        assertThat(cert.getPublicKey()).isEqualTo(pair.getPublic());
        assertThat(audit).singleElement().satisfies(e -> assertThat(e.outcome()).isEqualTo(AuditEvent.Outcome.ISSUED));
    }
}
