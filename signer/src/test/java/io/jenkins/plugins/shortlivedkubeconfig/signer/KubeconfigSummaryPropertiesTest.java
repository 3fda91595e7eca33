package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Generated kubeconfigs for {@code inspect} ({@link KubeconfigSummary#read}): structural edits of real kubeconfigs
 * (fields removed, of the wrong type, pointing at missing entries, certificate data that is garbage, a key, or
 * several certificates), text edits, random YAML and JSON, pathological YAML and bytes. Each is summarised or
 * refused with an {@link InvalidInputException} naming the file; no message repeats the client key.
 */
class KubeconfigSummaryPropertiesTest {
    static final String SOURCE = "generated-kubeconfig";
    static final List<String> SEEDS = new ArrayList<>();
    /** Every form of the seeds' client keys that must never appear in a message. */
    static final List<String> SECRETS = new ArrayList<>();

    static {
        try {
            Clock clock = Clock.systemUTC();
            CertificateAuthority ca = CertificateAuthority.generate("kc ca", Duration.ofDays(2), KeyAlgorithm.EC_P256, clock);
            Issuer issuer = new Issuer(ca, new PolicyParser().parse(PolicySeeds.FULL, "robots.yaml"), clock, AuditSink.NONE);
            for (ClusterEndpoint cluster : List.of(
                    ClusterEndpoint.of("prod", "https://10.0.0.1:6443", ca.certificatePem(), "kube.internal", "ci"),
                    ClusterEndpoint.of("k", "https://[::1]:6443", null, null, null))) {
                IssuedKubeconfig issued = issuer.issue(IssueRequest.of("jenkins", Duration.ofHours(1), cluster)
                        .withKubernetesUser("ci-deployer"));
                String yaml = new String(issued.kubeconfig(), StandardCharsets.UTF_8);
                SEEDS.add(yaml);
                Map<String, Object> parsed = new Yaml().load(yaml);
                @SuppressWarnings("unchecked")
                Map<String, Object> user = (Map<String, Object>) ((Map<String, Object>) ((List<Object>) parsed.get("users"))
                        .get(0)).get("user");
                String keyData = (String) user.get("client-key-data");
                SECRETS.add(keyData);
                String keyPem = new String(Base64.getDecoder().decode(keyData), StandardCharsets.US_ASCII);
                SECRETS.add(keyPem.replaceAll("-----[^-]+-----", "").replace("\n", ""));
            }
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static void summarisesOrRefusesNamingTheFile(byte[] kubeconfig) {
        Outcome<KubeconfigSummary> o = Outcome.within(() -> KubeconfigSummary.read(kubeconfig, SOURCE))
                .isValueOrDocumentedError(InvalidInputException.class, SOURCE, PemPropertiesTest::withoutEchoedLabel);
        if (o.returned()) {
            KubeconfigSummary s = o.value();
            assertThat(s.toString()).doesNotContain("PRIVATE KEY");
            assertThat(s.notAfter()).isAfterOrEqualTo(s.notBefore().minusSeconds(1));
            // the key is never read into a summary (unless the file itself copied it into a field the summary shows)
            String text = new String(kubeconfig, StandardCharsets.UTF_8);
            for (String secret : SECRETS) {
                String probe = secret.substring(0, 20);
                if (text.indexOf(probe) == text.lastIndexOf(probe)) {
                    assertThat(s.toString()).doesNotContain(probe);
                }
            }
        } else {
            String message = o.thrown().getMessage();
            assertThat(message).doesNotContain("PRIVATE KEY").hasSizeLessThan(1_000);
            Matcher m = Pattern.compile("[A-Za-z0-9+/]{20,}").matcher(message);
            while (m.find()) {
                for (String secret : SECRETS) {
                    for (int i = 0; i + 20 <= m.group().length(); i++) {
                        assertThat(secret).as("message %s quotes the key", message)
                                .doesNotContain(m.group().substring(i, i + 20));
                    }
                }
            }
        }
    }

    @Property(tries = 10_000)
    void anyKubeconfigIsSummarisedOrRefusedNamingTheFile(@ForAll("kubeconfigs") byte[] kubeconfig) {
        summarisesOrRefusesNamingTheFile(kubeconfig);
    }

    @Provide
    Arbitrary<byte[]> kubeconfigs() {
        return Arbitraries.frequencyOf(
                Tuple.of(45, structural()),
                Tuple.of(25, TextMutation.mutated(SEEDS).map(KubeconfigSummaryPropertiesTest::bytes)),
                Tuple.of(12, GeneratedYaml.stream(GeneratedYaml.node(4)).map(KubeconfigSummaryPropertiesTest::bytes)),
                Tuple.of(5, Combinators.combine(Arbitraries.of(SEEDS), Arbitraries.integers(), Arbitraries.integers())
                        .as(GeneratedYaml::withInvalidUtf8)),
                Tuple.of(4, Arbitraries.oneOf(
                        Arbitraries.integers().between(2, 12).map(n -> bytes(GeneratedYaml.aliasBomb(n, 8))),
                        Arbitraries.integers().between(20, 300).map(n -> bytes(GeneratedYaml.deepNesting(n, n % 2 == 0, "users"))),
                        Arbitraries.of(1_000, 100_000, PolicyParser.MAX_BYTES + 1).map(n -> bytes(SEEDS.get(0)
                                .replace("current-context: \"prod\"", "current-context: \"" + "p".repeat(n) + "\""))))),
                Tuple.of(3, Arbitraries.strings().all().ofMaxLength(200).map(KubeconfigSummaryPropertiesTest::bytes)),
                Tuple.of(2, Arbitraries.bytes().array(byte[].class).ofMaxSize(200)));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    record Change(int path, Object replacement, boolean json) { }

    /** One field of a real kubeconfig (chosen by its pre-order index) removed or replaced; dumped as YAML or JSON. */
    static Arbitrary<byte[]> structural() {
        String cert = SEEDS.get(0).replaceAll("(?s).*client-certificate-data: ([A-Za-z0-9+/=]+).*", "$1");
        String certPem = new String(Base64.getDecoder().decode(cert), StandardCharsets.US_ASCII);
        List<Object> garbage = List.of(
                Base64.getEncoder().encodeToString(certPem.substring(0, certPem.length() / 2).getBytes(StandardCharsets.US_ASCII)),
                Base64.getEncoder().encodeToString((certPem + certPem).getBytes(StandardCharsets.US_ASCII)),
                SECRETS.get(0), certPem, "%%%not base64%%%", "AAAA", "====",
                Base64.getEncoder().encodeToString("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
                        .getBytes(StandardCharsets.US_ASCII)),
                Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, 0, 1}));
        List<Object> others = new ArrayList<>(List.of(0, -1, 3.5, true, false, List.of(), List.of("prod"),
                List.of(Map.of()), List.of(Map.of("name", "prod")), Map.of(), Map.of("name", "prod"),
                Map.of("cluster", "prod", "user", "prod")));
        others.add(null);
        Arbitrary<Object> replacement = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.<Object>of("REMOVE", "", "prod", "k", "nope", "https://x", "ftp://x", "-", "~")),
                Tuple.of(3, Arbitraries.of(others)),
                Tuple.of(2, Arbitraries.of(garbage)),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(20).map(s -> (Object) s)));
        return Combinators.combine(Arbitraries.of(SEEDS), Arbitraries.integers().between(0, 500), replacement,
                Arbitraries.of(false, true), Arbitraries.integers().between(1, 3)).as((seed, path, value, json, times) -> {
                    Object tree = new Yaml().load(seed);
                    for (int i = 0; i < times; i++) {
                        tree = change(tree, new int[] {(path * (i + 7)) % (count(tree) + 1)}, value);
                    }
                    DumperOptions options = new DumperOptions();
                    options.setDefaultFlowStyle(json ? DumperOptions.FlowStyle.FLOW : DumperOptions.FlowStyle.BLOCK);
                    options.setDefaultScalarStyle(json ? DumperOptions.ScalarStyle.DOUBLE_QUOTED : DumperOptions.ScalarStyle.PLAIN);
                    options.setWidth(Integer.MAX_VALUE);
                    try {
                        return bytes(new Yaml(options).dump(tree));
                    } catch (org.yaml.snakeyaml.error.YAMLException unprintable) {
                        return bytes(String.valueOf(tree)); // SnakeYAML will not write some characters: use the raw text
                    }
                });
    }

    private static int count(Object node) {
        if (node instanceof Map<?, ?> m) {
            return 1 + m.values().stream().mapToInt(KubeconfigSummaryPropertiesTest::count).sum();
        }
        if (node instanceof List<?> l) {
            return 1 + l.stream().mapToInt(KubeconfigSummaryPropertiesTest::count).sum();
        }
        return 1;
    }

    private static Object change(Object node, int[] counter, Object value) {
        if (counter[0]-- == 0) {
            return value;
        }
        if (node instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                Object v = change(e.getValue(), counter, value);
                if (!"REMOVE".equals(v)) {
                    out.put(e.getKey(), v);
                }
            }
            return out;
        }
        if (node instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object o : l) {
                Object v = change(o, counter, value);
                if (!"REMOVE".equals(v)) {
                    out.add(v);
                }
            }
            return out;
        }
        return node;
    }

    @Example
    void theSeedsAreSummarisedWithoutTheirKeys() throws Exception {
        for (String seed : SEEDS) {
            KubeconfigSummary s = KubeconfigSummary.read(bytes(seed), SOURCE);
            assertThat(s.commonName()).isEqualTo("ci-deployer");
            summarisesOrRefusesNamingTheFile(bytes(seed));
        }
    }
}
