package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The leftover registry: which private directories are live where, what to sweep, and its persisted form. */
class LiveDirectoriesTest {
    static final Requester BUILD_7 = new Requester("apps/api", 7);
    static final Requester BUILD_8 = new Requester("apps/api", 8);
    static final LiveDirectory ON_AGENT_7 = new LiveDirectory("agent-1", "/ws/api@tmp", "kubeconfig-1", BUILD_7);
    static final LiveDirectory ON_AGENT_8 = new LiveDirectory("agent-1", "/ws/api@tmp", "kubeconfig-2", BUILD_8);
    static final LiveDirectory ON_CONTROLLER = new LiveDirectory("", "/var/jenkins/ws@tmp", "kubeconfig-3", BUILD_7);
    static final ClientCsr CSR = ClientCsr.create(KeyAlgorithm.EC_P256.generate(new SecureRandom()));
    static final Instant ISSUED = Instant.parse("2026-12-03T10:00:00Z");
    static final Renewal RENEWAL_7 = new Renewal(new KubeconfigRequest("prod", "deployer", "1h", null, "KUBECONFIG",
            BUILD_7, "apps"), CSR, ISSUED, ISSUED.plus(Duration.ofHours(1)));

    @Test
    void addAndRemove() {
        LiveDirectories registry = LiveDirectories.empty().with(ON_AGENT_7).with(ON_AGENT_8).with(ON_AGENT_7);
        assertThat(registry.entries()).containsExactly(ON_AGENT_7, ON_AGENT_8);
        assertThat(registry.without(ON_AGENT_7).entries()).containsExactly(ON_AGENT_8);
        assertThat(registry.without("agent-2", "/ws/api@tmp", "kubeconfig-1")).isSameAs(registry);
        assertThat(LiveDirectories.empty().entries()).isEmpty();
    }

    @Test
    void theSweepTakesTheNodesDirectoriesOfBuildsNoLongerRunning() {
        LiveDirectories registry = LiveDirectories.empty().with(ON_AGENT_7).with(ON_AGENT_8).with(ON_CONTROLLER);
        assertThat(registry.leftovers("agent-1", Set.of(BUILD_8))).containsExactly(ON_AGENT_7);
        assertThat(registry.leftovers("agent-1", Set.of())).containsExactly(ON_AGENT_7, ON_AGENT_8);
        assertThat(registry.leftovers("agent-1", Set.of(BUILD_7, BUILD_8))).isEmpty();
        assertThat(registry.leftovers("", Set.of(BUILD_8))).containsExactly(ON_CONTROLLER);
        assertThat(registry.leftovers("agent-9", Set.of())).isEmpty();
        assertThat(registry.nodes()).containsExactly("agent-1", "");
    }

    @Test
    void describesWhereADirectoryIs() {
        assertThat(ON_AGENT_7.describe()).isEqualTo("/ws/api@tmp/kubeconfig-1 on node \"agent-1\"");
        assertThat(ON_CONTROLLER.describe()).isEqualTo("/var/jenkins/ws@tmp/kubeconfig-3 on the built-in node");
        assertThat(new LiveDirectory("win", "C:\\ws@tmp", "kubeconfig-4", BUILD_7).path())
                .isEqualTo("C:\\ws@tmp\\kubeconfig-4");
    }

    @Test
    void directoryNamesCannotClimbOut() {
        for (String bad : new String[] {"", "..", ".hidden", "a/b", "a\\b", "kubeconfig-1\n"}) {
            assertThat(LiveDirectory.isDirectoryName(bad)).as(bad).isFalse();
            assertThatThrownBy(() -> new LiveDirectory("n", "/p", bad, BUILD_7))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(LiveDirectory.isDirectoryName("kubeconfig-8123551203")).isTrue();
    }

    @Test
    void theTextFormRoundTripsAndIsReadable() throws Exception {
        LiveDirectories registry = LiveDirectories.empty().with(ON_AGENT_7).with(ON_CONTROLLER)
                .with(new LiveDirectory("odd\tnode%", "/w s/ünï@tmp", "kubeconfig-5", new Requester("a\nb", 0)));
        String text = registry.toText();
        assertThat(text).isEqualTo("""
                # short-lived-kubeconfig live directories v2
                agent-1\t/ws/api@tmp\tkubeconfig-1\tapps/api\t7
                \t/var/jenkins/ws@tmp\tkubeconfig-3\tapps/api\t7
                odd%09node%25\t/w s/ünï@tmp\tkubeconfig-5\ta%0Ab\t0
                """);
        assertThat(LiveDirectories.parse(text, "live.txt")).isEqualTo(registry);
        assertThat(LiveDirectories.parse(LiveDirectories.empty().toText(), "live.txt").entries()).isEmpty();
    }

    @Test
    void aRenewedDirectoryKeepsWhatItsRenewerNeeds() throws Exception {
        LiveDirectories registry = LiveDirectories.empty().with(ON_AGENT_8).withRenewal(ON_AGENT_7, RENEWAL_7);
        assertThat(registry.entries()).containsExactly(ON_AGENT_8, ON_AGENT_7);
        assertThat(registry.renewal(ON_AGENT_7)).isEqualTo(RENEWAL_7);
        assertThat(registry.renewal(ON_AGENT_8)).isNull();
        assertThat(registry.of(BUILD_7)).containsExactly(ON_AGENT_7);

        Renewal renewed = RENEWAL_7.renewed(ISSUED.plus(Duration.ofMinutes(40)), ISSUED.plus(Duration.ofMinutes(100)));
        LiveDirectories after = registry.withRenewal(ON_AGENT_7, renewed);
        assertThat(after.entries()).containsExactly(ON_AGENT_8, ON_AGENT_7);
        assertThat(after.renewal(ON_AGENT_7)).isEqualTo(renewed);
        assertThat(after.without(ON_AGENT_7).renewal(ON_AGENT_7)).isNull();
        assertThat(after.without(ON_AGENT_7).with(ON_AGENT_7).renewal(ON_AGENT_7)).as("forgotten with the directory")
                .isNull();

        String text = after.toText();
        assertThat(text.split("\n")[2]).isEqualTo("agent-1\t/ws/api@tmp\tkubeconfig-1\tapps/api\t7\tprod\tdeployer"
                + "\t1h\t\tKUBECONFIG\tapps\t" + Base64.getEncoder().encodeToString(CSR.der())
                + "\t2026-12-03T10:40:00Z\t2026-12-03T11:40:00Z");
        assertThat(text).doesNotContain("PRIVATE");
        LiveDirectories read = LiveDirectories.parse(text, "live.txt");
        assertThat(read).isEqualTo(after);
        assertThat(read.renewal(ON_AGENT_7).request().requester()).isEqualTo(BUILD_7);
    }

    @Test
    void aRenewalBelongsToTheBuildThatOwnsTheDirectory() {
        assertThatThrownBy(() -> LiveDirectories.empty().withRenewal(ON_AGENT_8, RENEWAL_7))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the build that owns it");
        assertThatThrownBy(() -> new Renewal(RENEWAL_7.request(), CSR, ISSUED, ISSUED))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRenewalResumesItsSchedule() {
        Clock at50 = Clock.fixed(ISSUED.plus(Duration.ofMinutes(50)), ZoneOffset.UTC);
        RenewalSchedule schedule = RENEWAL_7.schedule(at50);
        assertThat(schedule.nextAttempt()).isEqualTo(ISSUED.plus(Duration.ofMinutes(40)));
        assertThat(schedule.due()).as("two thirds of the lifetime passed during the restart: renew at once").isTrue();
        assertThat(RENEWAL_7.schedule(Clock.fixed(ISSUED.plus(Duration.ofMinutes(10)), ZoneOffset.UTC)).delay())
                .isEqualTo(Duration.ofMinutes(30));
        assertThat(RENEWAL_7.expiredAt(ISSUED.plus(Duration.ofMinutes(59)))).isFalse();
        assertThat(RENEWAL_7.expiredAt(ISSUED.plus(Duration.ofHours(1)))).isTrue();
    }

    @Test
    void versionOneFilesAreStillRead() throws Exception {
        LiveDirectories read = LiveDirectories.parse(LiveDirectories.HEADER_V1 + "\nagent-1\t/ws/api@tmp\tkubeconfig-1"
                + "\tapps/api\t7\n", "live.txt");
        assertThat(read.entries()).containsExactly(ON_AGENT_7);
        assertThat(read.renewal(ON_AGENT_7)).isNull();
        assertRefused(LiveDirectories.HEADER_V1 + "\n" + LiveDirectories.empty().withRenewal(ON_AGENT_7, RENEWAL_7)
                .toText().split("\n")[1] + "\n", "live.txt: line 2: expected 5 tab-separated fields, found 14");
    }

    @Test
    void aDamagedRenewalIsRefusedNamingTheLineAndField() {
        String line = LiveDirectories.empty().withRenewal(ON_AGENT_7, RENEWAL_7).toText().split("\n")[1];
        String[] f = line.split("\t");
        assertRefused(withField(f, 11, "%%%"), "live.txt: line 2, csr: not base64");
        assertRefused(withField(f, 11, ""), "live.txt: line 2, csr: empty");
        assertRefused(withField(f, 11, "MAA="), "live.txt: line 2, csr: not a PKCS#10 certificate signing request");
        assertRefused(withField(f, 12, "yesterday"), "live.txt: line 2, issued at: not an ISO-8601 instant");
        assertRefused(withField(f, 13, "2026-12-03T09:00:00Z"), "live.txt: line 2: a certificate expires after");
        assertRefused(withField(f, 5, "a%"), "live.txt: line 2, cluster: '%' not followed");
        assertRefused(LiveDirectories.HEADER + "\n" + line + "\tmore\n", "live.txt: line 2: expected 5 or 14 "
                + "tab-separated fields, found 15");
    }

    @Test
    void readLenientlyADamagedRenewalLosesOnlyItself() throws Exception {
        String text = LiveDirectories.empty().with(ON_AGENT_8).withRenewal(ON_AGENT_7, RENEWAL_7).toText()
                .replace(Base64.getEncoder().encodeToString(CSR.der()), "MAA=");
        java.util.List<String> dropped = new java.util.ArrayList<>();
        LiveDirectories read = LiveDirectories.parse(text, "live.txt", dropped::add);
        assertThat(read.entries()).containsExactly(ON_AGENT_8, ON_AGENT_7);
        assertThat(read.renewal(ON_AGENT_7)).isNull();
        assertThat(dropped).singleElement().asString().startsWith("live.txt: line 3, csr: not a PKCS#10");
        assertRefused(text, "live.txt: line 3, csr: not a PKCS#10");
    }

    private static String withField(String[] fields, int index, String value) {
        String[] copy = fields.clone();
        copy[index] = value;
        return LiveDirectories.HEADER + "\n" + String.join("\t", copy) + "\n";
    }

    @Test
    void garbageIsRefusedNamingTheLine() {
        String header = LiveDirectories.HEADER + "\n";
        assertRefused("", "live.txt: line 1: not a live directories file");
        assertRefused("hello\n", "live.txt: line 1: not a live directories file");
        assertRefused(header + "a\tb\n", "live.txt: line 2: expected 5 or 14 tab-separated fields, found 2");
        assertRefused(header + "a\t/p\tkubeconfig-1\tjob\tx\n", "live.txt: line 2, build number: not a number");
        assertRefused(header + "a\t/p\tkubeconfig-1\tjob\t-1\n", "live.txt: line 2, build number: not a number");
        assertRefused(header + "a\t/p\tkubeconfig-1\tjob\t99999999999\n", "live.txt: line 2, build number");
        assertRefused(header + "a\t/p\t../etc\tjob\t1\n", "live.txt: line 2: not a private directory name");
        assertRefused(header + "a%zz\t/p\tkubeconfig-1\tjob\t1\n", "live.txt: line 2, node: '%' not followed");
        assertRefused(header + "a\t\tkubeconfig-1\tjob\t1\n", "live.txt: line 2: the parent directory's path is empty");
        assertRefused(header + "a\t/p\tkubeconfig-1\t \t1\n", "live.txt: line 2: a requester needs a job full name");
        assertRefused(header + "a\r\t/p\tkubeconfig-1\tjob\t1\n", "live.txt: line 2, node: a control character");
        assertRefused(header + "a\t/p\tkubeconfig-1\tjob\t1", "live.txt: line 2: the file is truncated");
    }

    private static void assertRefused(String text, String messageStart) {
        assertThatThrownBy(() -> LiveDirectories.parse(text, "live.txt"))
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith(messageStart);
    }

    @Property(tries = 1000)
    void anyRegistryRoundTrips(@ForAll("registries") LiveDirectories registry) throws Exception {
        assertThat(LiveDirectories.parse(registry.toText(), "live.txt")).isEqualTo(registry);
    }

    @Provide
    Arbitrary<LiveDirectories> registries() {
        Arbitrary<String> any = Arbitraries.strings().ofMinLength(1).ofMaxLength(20);
        Arbitrary<LiveDirectory> directory = Combinators.combine(Arbitraries.strings().ofMaxLength(10), any,
                        Arbitraries.strings().withCharRange('a', 'z').numeric().ofMinLength(1).ofMaxLength(12),
                        any.filter(s -> !s.isBlank()), Arbitraries.integers().between(0, Integer.MAX_VALUE))
                .as((node, parent, name, job, number) -> new LiveDirectory(node, parent, name,
                        new Requester(job, number)));
        Arbitrary<String> optional = Arbitraries.oneOf(Arbitraries.just(""), any);
        return Combinators.combine(directory.list().ofMaxSize(5), Arbitraries.integers().between(0, 31),
                optional.list().ofSize(6)).as((list, renewed, fields) -> {
                    LiveDirectories r = LiveDirectories.empty();
                    for (int i = 0; i < list.size(); i++) {
                        LiveDirectory d = list.get(i);
                        r = (renewed >> i & 1) == 0 ? r.with(d) : r.withRenewal(d, new Renewal(new KubeconfigRequest(
                                fields.get(0), fields.get(1), fields.get(2), fields.get(3), fields.get(4), d.build(),
                                fields.get(5)), CSR, ISSUED, ISSUED.plusSeconds(1 + i)));
                    }
                    return r;
                });
    }
}
