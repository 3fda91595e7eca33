package io.jenkins.plugins.shortlivedkubeconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.Credentials;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SecretBytes;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.cloudbees.plugins.credentials.impl.CertificateCredentialsImpl;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import io.jenkins.plugins.shortlivedkubeconfig.signer.CaSource;
import io.jenkins.plugins.shortlivedkubeconfig.signer.CaUnavailableException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.CertificateAuthority;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Pem;
import java.io.ByteArrayOutputStream;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * The signing CA from a standard certificate credential (a PKCS#12 keystore and its password), as credentials
 * providers and Configuration as Code supply it: used with scope System, refused with any other.
 */
@WithJenkins
class CertificateCaCredentialTest {
    /** At least 14 characters, which the credentials plugin demands in FIPS mode. */
    static final String PASSWORD = "keystore-password-1234";

    private final Clock clock = Clock.systemUTC();

    @BeforeEach
    void jenkins(JenkinsRule j) {
        assertTrue(j.jenkins.getRootDir().isDirectory());
    }

    /** A PKCS#12 keystore holding each CA's key and certificate, one entry per CA, as a provider stores it. */
    static byte[] pkcs12(CertificateAuthority... cas) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < cas.length; i++) {
            store.setKeyEntry(i == 0 ? "ca" : "ca-" + i, Pem.readPrivateKey(cas[i].privateKeyPem(), "test key"),
                    PASSWORD.toCharArray(), new Certificate[] {cas[i].certificate()});
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        store.store(out, PASSWORD.toCharArray());
        return out.toByteArray();
    }

    /** A certificate credential with an uploaded keystore, built as kubernetes-credentials-provider builds one. */
    @SuppressWarnings("deprecation") // the SecretBytes constructor is what providers call
    static CertificateCredentialsImpl uploaded(CredentialsScope scope, String id, byte[] keystore) {
        return new CertificateCredentialsImpl(scope, id, "test CA keystore", PASSWORD,
                new CertificateCredentialsImpl.UploadedKeyStoreSource(SecretBytes.fromRawBytes(keystore)));
    }

    static void add(Credentials credentials) throws Exception {
        SystemCredentialsProvider provider = SystemCredentialsProvider.getInstance();
        provider.getCredentials().add(credentials);
        provider.save();
    }

    static void replace(Credentials credentials) throws Exception {
        SystemCredentialsProvider provider = SystemCredentialsProvider.getInstance();
        provider.getCredentials().clear();
        provider.getCredentials().add(credentials);
        provider.save();
    }

    @Test
    void aSystemScopedKeystoreSigns() throws Exception {
        CertificateAuthority ca = SigningSetup.newCa();
        add(uploaded(CredentialsScope.SYSTEM, "ca-p12", pkcs12(ca)));

        CertificateAuthority loaded = CaCredential.load("ca-p12", clock);

        assertEquals(ca.fingerprintSha256(), loaded.fingerprintSha256());
        assertFalse(loaded.toString().contains(PASSWORD));
    }

    @Test
    void aSystemScopedPemEntryCertificateCredentialSignsToo() throws Exception {
        CertificateAuthority ca = SigningSetup.newCa();
        add(new CertificateCredentialsImpl(CredentialsScope.SYSTEM, "ca-pem", "CA as PEM entries", PASSWORD,
                new CertificateCredentialsImpl.PEMEntryKeyStoreSource(ca.certificatePem(), ca.privateKeyPem())));

        assertEquals(ca.fingerprintSha256(), CaCredential.load("ca-pem", clock).fingerprintSha256());
    }

    @Test
    void aGlobalScopedKeystoreIsRefusedNamingTheCredentialAndItsScope() throws Exception {
        add(uploaded(CredentialsScope.GLOBAL, "ca-p12", pkcs12(SigningSetup.newCa())));

        CaUnavailableException e = assertThrows(CaUnavailableException.class, () -> CaCredential.load("ca-p12", clock));

        assertEquals(Messages.CaCredential_NotSystem("ca-p12", "GLOBAL"), e.getMessage());
        assertTrue(e.getMessage().startsWith("The signing CA credential \"ca-p12\" has the scope GLOBAL"),
                e.getMessage());
        assertFalse(e.getMessage().contains(PASSWORD));
    }

    @Test
    void ourOwnCaCredentialFollowsTheSameRule() throws Exception {
        CertificateAuthority ca = SigningSetup.newCa();
        SigningSetup.addCa("pem-ca", CredentialsScope.SYSTEM, ca);
        SigningSetup.addCa("global-ca", CredentialsScope.GLOBAL, ca);

        assertEquals(ca.fingerprintSha256(), CaCredential.load("pem-ca", clock).fingerprintSha256());
        CaUnavailableException e = assertThrows(CaUnavailableException.class,
                () -> CaCredential.load("global-ca", clock));
        assertEquals(Messages.CaCredential_NotSystem("global-ca", "GLOBAL"), e.getMessage());
    }

    @Test
    void aMissingCredentialOrOneOfAnotherKindIsRefused() throws Exception {
        assertEquals(Messages.CaCredential_Missing("nope"),
                assertThrows(CaUnavailableException.class, () -> CaCredential.load("nope", clock)).getMessage());

        add(new UsernamePasswordCredentialsImpl(CredentialsScope.SYSTEM, "login", "a login", "user",
                "not-a-ca-password-123"));
        CaUnavailableException e = assertThrows(CaUnavailableException.class, () -> CaCredential.load("login", clock));
        assertTrue(e.getMessage().startsWith("The signing CA credential \"login\" is of kind \"Username with "
                + "password\""), e.getMessage());
        assertFalse(e.getMessage().contains("not-a-ca-password-123"));
    }

    @Test
    void aKeystoreWithSeveralKeysIsRefusedNamingTheirAliases() throws Exception {
        add(uploaded(CredentialsScope.SYSTEM, "two", pkcs12(SigningSetup.newCa(), SigningSetup.newCa())));

        CaUnavailableException e = assertThrows(CaUnavailableException.class, () -> CaCredential.load("two", clock));

        assertEquals("The signing CA credential \"two\" cannot be used: credential \"two\": the keystore holds 2 "
                + "private key entries (\"ca\", \"ca-1\"); it must hold only the CA's: remove the others, e.g. with "
                + "`keytool -delete -alias NAME`", e.getMessage());
    }

    @Test
    void theSourceReloadsExactlyWhenTheCredentialChanges() throws Exception {
        CertificateAuthority first = SigningSetup.newCa();
        add(uploaded(CredentialsScope.SYSTEM, "ca-p12", pkcs12(first)));
        CaSource source = CaCredential.source("ca-p12", clock);

        CertificateAuthority loaded = source.load();
        assertEquals(first.fingerprintSha256(), loaded.fingerprintSha256());
        assertSame(loaded, source.load(), "parsed once while the content is unchanged");

        CertificateAuthority second = SigningSetup.newCa();
        replace(uploaded(CredentialsScope.SYSTEM, "ca-p12", pkcs12(second)));
        assertEquals(second.fingerprintSha256(), source.load().fingerprintSha256());
        assertNotEquals(first.fingerprintSha256(), second.fingerprintSha256());

        replace(uploaded(CredentialsScope.GLOBAL, "ca-p12", pkcs12(second)));
        CaUnavailableException e = assertThrows(CaUnavailableException.class, source::load,
                "a cached CA is not used once the rule fails");
        assertEquals(Messages.CaCredential_NotSystem("ca-p12", "GLOBAL"), e.getMessage());
    }
}
