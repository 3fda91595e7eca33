package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
                # short-lived-kubeconfig live directories v1
                agent-1\t/ws/api@tmp\tkubeconfig-1\tapps/api\t7
                \t/var/jenkins/ws@tmp\tkubeconfig-3\tapps/api\t7
                odd%09node%25\t/w s/ünï@tmp\tkubeconfig-5\ta%0Ab\t0
                """);
        assertThat(LiveDirectories.parse(text, "live.txt")).isEqualTo(registry);
        assertThat(LiveDirectories.parse(LiveDirectories.empty().toText(), "live.txt").entries()).isEmpty();
    }

    @Test
    void garbageIsRefusedNamingTheLine() {
        String header = LiveDirectories.HEADER + "\n";
        assertRefused("", "live.txt: line 1: not a live directories file");
        assertRefused("hello\n", "live.txt: line 1: not a live directories file");
        assertRefused(header + "a\tb\n", "live.txt: line 2: expected 5 tab-separated fields, found 2");
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
        return directory.list().ofMaxSize(5).map(list -> {
            LiveDirectories r = LiveDirectories.empty();
            for (LiveDirectory d : list) {
                r = r.with(d);
            }
            return r;
        });
    }
}
