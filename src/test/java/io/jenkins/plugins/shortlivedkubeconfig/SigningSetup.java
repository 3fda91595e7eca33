package io.jenkins.plugins.shortlivedkubeconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import hudson.model.Run;
import org.jvnet.hudson.test.MockQueueItemAuthenticator;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import jenkins.security.QueueItemAuthenticatorConfiguration;
import jenkins.model.Jenkins;
import hudson.security.Permission;
import hudson.model.User;
import hudson.model.Item;
import hudson.util.Secret;
import io.jenkins.plugins.shortlivedkubeconfig.signer.CertificateAuthority;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KeyAlgorithm;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockFolder;

/** What every build test needs: a throwaway CA as a SYSTEM credential, one cluster and a policy fixture. */
final class SigningSetup {
    static final String CA_ID = "kube-ca";
    static final String CLUSTER = "demo";
    static final String SERVER = "https://127.0.0.1:6443";
    /** Tests print the kubeconfig's path after this marker; it is not a secret. */
    static final String PATH_MARKER = "kubeconfig at ";

    private static final Pattern PATH_LINE = Pattern.compile(Pattern.quote(PATH_MARKER) + "(.+)");
    private static final Pattern KEY_FILE = Pattern.compile("client-key: \"([^\"]+)\"");
    private static final Pattern KEY_DATA = Pattern.compile("client-key-data: \"?([A-Za-z0-9+/=]+)");

    private SigningSetup() {}

    /** A new CA for one test: generated, never stored anywhere but in that test's Jenkins. */
    static CertificateAuthority newCa() throws Exception {
        return CertificateAuthority.generate("test client CA", Duration.ofDays(1), KeyAlgorithm.EC_P256,
                Clock.systemUTC());
    }

    static KubernetesClientCaCredentials addCa(String id, CredentialsScope scope, CertificateAuthority ca)
            throws IOException {
        KubernetesClientCaCredentials credentials = new KubernetesClientCaCredentials(scope, id, "test CA",
                ca.certificatePem(), Secret.fromString(ca.privateKeyPem()));
        SystemCredentialsProvider provider = SystemCredentialsProvider.getInstance();
        provider.getCredentials().add(credentials);
        provider.save();
        return credentials;
    }

    /** CA {@value #CA_ID}, cluster {@value #CLUSTER}, and the policy read from {@code <TestClass>/<policy>}. */
    static CertificateAuthority configure(JenkinsRule j, Class<?> testClass, String policy) throws Exception {
        assertNotNull(j.jenkins);
        CertificateAuthority ca = newCa();
        addCa(CA_ID, CredentialsScope.SYSTEM, ca);
        ShortLivedKubeconfigConfiguration config = ShortLivedKubeconfigConfiguration.get();
        config.setClusters(List.of(new KubernetesCluster(CLUSTER, SERVER)));
        config.setCaCredentialsId(CA_ID);
        config.setCaFingerprint(ca.fingerprintSha256()); // as choosing the CA on the page pins it
        config.setPolicy(fixture(testClass, policy));
        return ca;
    }

    /** The folder the fixtures' job bindings name: jobs inside it may act as robot user "jenkins". */
    static final String BOUND_FOLDER = "deploy";

    /** The folder {@value #BOUND_FOLDER}, created on first use. */
    static MockFolder boundFolder(JenkinsRule j) throws IOException {
        MockFolder folder = j.jenkins.getItemByFullName(BOUND_FOLDER, MockFolder.class);
        return folder != null ? folder : j.createFolder(BOUND_FOLDER);
    }

    /** A fixture file under {@code src/test/resources/<package>/<TestClass>/}. */
    static String fixture(Class<?> testClass, String name) throws IOException {
        String path = testClass.getSimpleName() + "/" + name;
        try (InputStream in = testClass.getResourceAsStream(path)) {
            assertNotNull(in, "fixture " + path);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The kubeconfig path a build printed after {@link #PATH_MARKER}. */
    static Path printedPath(Run<?, ?> build) throws IOException {
        Matcher m = PATH_LINE.matcher(JenkinsRule.getLog(build));
        assertTrue(m.find(), "the build printed the kubeconfig's path");
        return Path.of(m.group(1).strip());
    }

    /** The file and its directory exist, are readable by their owner only, and sit in the workspace's @tmp. */
    static void assertPrivate(Path file) {
        assertTrue(Files.isRegularFile(file), file + " exists during the block");
        Path directory = file.getParent();
        assertNotNull(directory);
        assertTrue(directory.getFileName().toString().startsWith("kubeconfig-"), directory.toString());
        assertNotNull(directory.getParent());
        assertTrue(directory.getParent().getFileName().toString().endsWith("@tmp"),
                "outside the checkout, in the workspace's @tmp: " + directory);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            try {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
                assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** The file and its private directory are gone. */
    static void assertDeleted(Path file) {
        assertTrue(Files.notExists(file), file + " is deleted after the block");
        Path directory = file.getParent();
        assertNotNull(directory);
        assertTrue(Files.notExists(directory), directory + " is deleted after the block");
    }

    /**
     * The client key PEM of a kubeconfig: read from the file its {@code client-key:} names (a key made on the
     * block's node stays in its own file; the test runs on the same host), or decoded from {@code client-key-data}.
     */
    static String clientKeyPem(String kubeconfig) throws IOException {
        Matcher file = KEY_FILE.matcher(kubeconfig);
        if (file.find()) {
            return Files.readString(Path.of(file.group(1)), StandardCharsets.US_ASCII);
        }
        return new String(java.util.Base64.getDecoder().decode(clientKeyData(kubeconfig)), StandardCharsets.US_ASCII);
    }

    /** The first line of a PEM's body: 64 characters of the key that must appear in no log. */
    static String firstBodyLine(String pem) {
        return pem.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
    }

    /** The base64 client key as the kubeconfig holds it. */
    static String clientKeyData(String kubeconfig) {
        Matcher m = KEY_DATA.matcher(kubeconfig);
        assertTrue(m.find(), "the kubeconfig has client-key-data");
        return m.group(1);
    }

    /**
     * Builds of {@code job} run as {@code user} (a {@code QueueItemAuthenticator}), who holds {@code permissions}
     * everywhere; "admin" administers. Returns the strategy, to grant more later.
     */
    static MockAuthorizationStrategy buildsRunAs(JenkinsRule j, Item job, String user, Permission... permissions) {
        j.jenkins.setSecurityRealm(j.createDummySecurityRealm());
        MockAuthorizationStrategy authorization = new MockAuthorizationStrategy()
                .grant(Jenkins.ADMINISTER).everywhere().to("admin")
                .grant(permissions).everywhere().to(user);
        j.jenkins.setAuthorizationStrategy(authorization);
        QueueItemAuthenticatorConfiguration.get().getAuthenticators()
                .add(new MockQueueItemAuthenticator().authenticate(job.getFullName(),
                        User.getById(user, true).impersonate2()));
        return authorization;
    }
}
