package io.jenkins.plugins.shortlivedkubeconfig.benchmarks;

import io.jenkins.plugins.shortlivedkubeconfig.signer.ClusterEndpoint;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Issuer;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KeyAlgorithm;
import io.jenkins.plugins.shortlivedkubeconfig.signer.SecretMasker;
import io.jenkins.plugins.shortlivedkubeconfig.signer.SignerException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Masking a build log, side by side: {@link SecretMasker} against the alternation regex that credentials-binding's
 * {@code SecretPatterns} builds (every value {@code Pattern.quote}d, longest first, joined with {@code |}) and its
 * {@code MaskingOutputStream.eol} applies per line (decode the line, {@code find()}, and only when found
 * {@code replaceAll("****")} and encode; else write the bytes as they are). Both get the same lines as byte arrays in
 * UTF-8, as a {@code LineTransformationOutputStream} hands them over, and write into the same counting sink.
 *
 * <p>One operation masks exactly 1,000,000 bytes of typical build output (Maven, Gradle, kubectl, Docker and shell
 * lines of about 100 characters with timestamps and paths), so ops/s is MB/s. {@code secrets=none} is that log
 * without a secret (a); {@code secrets=every1000Lines} puts one secret line into every 1,000 lines (b): a
 * kubeconfig line as {@code cat} prints it or a PEM body line as {@code base64 -d} does. The values are the
 * {@code secretValues()} of one real issued kubeconfig (EC P-256, the default) or of five (five parallel blocks of
 * one build, whose filter masks all their values). Targets: the masker at least 5x the regex on (a) and (b), and
 * at least 500 MB/s on (a).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MaskingBenchmark {
    /** Bytes of log per operation: ops/s is MB/s. */
    static final int LOG_BYTES = 1_000_000;
    static final int SECRET_EVERY = 1_000;
    static final Charset CHARSET = StandardCharsets.UTF_8;

    @Param({"1", "5"})
    public int kubeconfigs;

    @Param({"none", "every1000Lines"})
    public String secrets;

    private byte[][] lines;
    private SecretMasker masker;
    private Pattern alternation;
    private final Sink sink = new Sink();

    @Setup
    public void setUp() throws SignerException {
        var ca = Fixtures.ca(KeyAlgorithm.EC_P256);
        Issuer issuer = Fixtures.issuer(ca, Fixtures.seedPolicy());
        ClusterEndpoint cluster = Fixtures.cluster(ca);
        TreeSet<String> values = new TreeSet<>();
        List<byte[]> kubeconfigFiles = new ArrayList<>();
        for (int i = 0; i < kubeconfigs; i++) {
            var issued = issuer.issue(Fixtures.seedRequest(cluster, KeyAlgorithm.EC_P256));
            values.addAll(issued.secretValues());
            kubeconfigFiles.add(issued.kubeconfig());
        }
        masker = SecretMasker.of(values, CHARSET);
        alternation = credentialsBindingPattern(values);
        List<String> secretLines = secretLines(kubeconfigFiles, values);
        lines = buildLog(secrets.equals("none") ? List.of() : secretLines);
        int withSecret = 0;
        for (byte[] line : lines) {
            byte[] masked = masker.maskedOrNull(line, line.length);
            if (masked != null) {
                withSecret++;
            }
        }
        System.out.printf("%nMaskingBenchmark: %d kubeconfig(s), %d values (%d-%d chars), %d lines, %d with a secret, "
                + "%d bytes%n", kubeconfigs, values.size(), values.stream().mapToInt(String::length).min().orElse(0),
                values.stream().mapToInt(String::length).max().orElse(0), lines.length, withSecret, LOG_BYTES);
    }

    /** credentials-binding's {@code SecretPatterns.getAggregateSecretPattern}, for the literal form of each value. */
    static Pattern credentialsBindingPattern(Iterable<String> values) {
        List<String> list = new ArrayList<>();
        values.forEach(list::add);
        return Pattern.compile(list.stream()
                .filter(v -> !v.isEmpty())
                .filter(v -> v.length() >= 3)
                .sorted(Comparator.comparingInt(String::length).reversed().thenComparing(String::compareTo))
                .distinct()
                .map(Pattern::quote)
                .collect(Collectors.joining("|")));
    }

    @Benchmark
    public long secretMasker() throws java.io.IOException {
        Sink out = sink;
        out.reset();
        SecretMasker m = masker;
        for (byte[] line : lines) {
            m.mask(line, line.length, out);
        }
        return out.checksum;
    }

    @Benchmark
    public long alternationRegex() throws java.io.IOException {
        Sink out = sink;
        out.reset();
        Pattern p = alternation;
        for (byte[] b : lines) {
            int len = b.length;
            Matcher m = p.matcher(new String(b, 0, len, CHARSET));
            if (m.find()) {
                out.write(m.replaceAll("****").getBytes(CHARSET));
            } else {
                out.write(b, 0, len);
            }
        }
        return out.checksum;
    }

    /** Counts what is written and reads a byte of each write, so that no masked line can be optimized away. */
    static final class Sink extends OutputStream {
        long checksum;

        void reset() {
            checksum = 0;
        }

        @Override
        public void write(int b) {
            checksum += b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            checksum += len + (len > 0 ? b[off + len - 1] : 0);
        }
    }

    /** What a build prints that holds a secret: kubeconfig lines as cat prints them, PEM lines as base64 -d does. */
    static List<String> secretLines(List<byte[]> kubeconfigFiles, Iterable<String> values) {
        List<String> out = new ArrayList<>();
        for (byte[] file : kubeconfigFiles) {
            for (String line : new String(file, StandardCharsets.UTF_8).split("\n")) {
                if (line.contains("client-certificate-data: ") || line.contains("client-key-data: ")) {
                    out.add(line + "\n");
                }
            }
        }
        for (String value : values) {
            if (value.length() <= 64) {
                out.add(value + "\n");
            }
        }
        return out;
    }

    /** 1,000,000 bytes of lines; every {@value #SECRET_EVERY}th line one of {@code secretLines}, in turn. */
    static byte[][] buildLog(List<String> secretLines) {
        Random random = new Random(20261125);
        List<byte[]> out = new ArrayList<>();
        int total = 0;
        int secret = 0;
        while (true) {
            String line = !secretLines.isEmpty() && out.size() % SECRET_EVERY == SECRET_EVERY / 2
                    ? secretLines.get(secret++ % secretLines.size())
                    : typicalLine(random, out.size());
            byte[] bytes = line.getBytes(CHARSET);
            if (total + bytes.length + 200 > LOG_BYTES) {
                break;
            }
            out.add(bytes);
            total += bytes.length;
        }
        // Fill up to exactly LOG_BYTES with one last ordinary line.
        StringBuilder last = new StringBuilder("[INFO] ------------------------------------------------------------");
        while (last.length() < LOG_BYTES - total - 1) {
            last.append('-');
        }
        last.setLength(LOG_BYTES - total - 1);
        out.add((last + "\n").getBytes(CHARSET));
        return out.toArray(new byte[0][]);
    }

    private static final String[] MODULES = {"api", "billing-service", "web-frontend", "order-core", "auth", "common"};
    private static final String[] CLASSES = {"OrderController", "InvoiceRepository", "KubernetesClientFactory",
        "PaymentServiceImpl", "UserSessionCache", "RetryPolicyTest", "DeploymentWatcher", "JsonMapperConfig"};
    private static final String[] ARTIFACTS = {"org/apache/maven/plugins/maven-surefire-plugin/3.2.5/maven-surefire-plugin-3.2.5",
        "com/fasterxml/jackson/core/jackson-databind/2.17.1/jackson-databind-2.17.1",
        "io/fabric8/kubernetes-client/6.13.1/kubernetes-client-6.13.1",
        "org/springframework/spring-core/6.1.8/spring-core-6.1.8", "com/google/guava/guava/33.2.1-jre/guava-33.2.1-jre"};

    /** One line of the kind a Java build and deployment prints (ends with a newline). */
    static String typicalLine(Random r, int n) {
        String time = String.format("[2026-11-25T14:%02d:%02d.%03dZ] ", (n / 600) % 60, (n / 10) % 60, r.nextInt(1000));
        String module = MODULES[r.nextInt(MODULES.length)];
        String cls = CLASSES[r.nextInt(CLASSES.length)];
        String line;
        switch (r.nextInt(16)) {
            case 0 -> line = "[INFO] Downloading from central: https://repo.maven.apache.org/maven2/"
                    + ARTIFACTS[r.nextInt(ARTIFACTS.length)] + ".pom";
            case 1 -> line = "[INFO] Downloaded from central: https://repo.maven.apache.org/maven2/"
                    + ARTIFACTS[r.nextInt(ARTIFACTS.length)] + ".jar (" + r.nextInt(2000) + " kB at "
                    + r.nextInt(9000) + " kB/s)";
            case 2 -> line = "[INFO] Compiling " + r.nextInt(300) + " source files with javac [debug release 17] to "
                    + "target/classes";
            case 3 -> line = "[WARNING] /home/jenkins/agent/workspace/deploy_" + module + "_main/src/main/java/com/example/"
                    + module.replace('-', '_') + "/" + cls + ".java:[" + r.nextInt(400) + "," + r.nextInt(80)
                    + "] unchecked conversion";
            case 4 -> line = "[INFO] Tests run: " + r.nextInt(200) + ", Failures: 0, Errors: 0, Skipped: "
                    + r.nextInt(3) + ", Time elapsed: " + r.nextInt(9) + "." + r.nextInt(1000) + " s - in com.example."
                    + cls + "Test";
            case 5 -> line = "> Task :" + module + ":compileJava UP-TO-DATE";
            case 6 -> line = "> Task :" + module + ":test";
            case 7 -> line = "+ kubectl --namespace ci apply -f k8s/" + module + "/deployment.yaml";
            case 8 -> line = "deployment.apps/" + module + " configured";
            case 9 -> line = "pod/" + module + "-7d9f8b6c5d-" + Integer.toString(r.nextInt(1 << 20), 36) + "   1/1     "
                    + "Running   0          " + r.nextInt(60) + "m" + r.nextInt(60) + "s";
            case 10 -> line = "Waiting for deployment \"" + module + "\" rollout to finish: " + r.nextInt(3)
                    + " of 3 updated replicas are available...";
            case 11 -> line = "Step " + (1 + r.nextInt(12)) + "/12 : RUN ./gradlew build --no-daemon -x test "
                    + "-Pversion=1." + r.nextInt(40) + "." + r.nextInt(10);
            case 12 -> line = " ---> Running in " + Long.toHexString(r.nextLong() | Long.MIN_VALUE).substring(0, 12);
            case 13 -> line = "2026-11-25 14:03:" + String.format("%02d", r.nextInt(60)) + ".118  INFO 4211 --- [main] "
                    + "c.e." + module.replace('-', '.') + "." + cls + " : Started " + cls + " in " + r.nextInt(20)
                    + "." + r.nextInt(1000) + " seconds (process running for " + r.nextInt(30) + ".2)";
            case 14 -> line = "Sending build context to Docker daemon  " + r.nextInt(900) + "." + r.nextInt(100) + "MB";
            default -> line = "[INFO] --- maven-surefire-plugin:3.2.5:test (default-test) @ " + module + " ---";
        }
        return time + line + "\n";
    }
}
