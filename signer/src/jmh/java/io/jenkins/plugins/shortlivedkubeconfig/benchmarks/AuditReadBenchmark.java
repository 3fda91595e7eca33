package io.jenkins.plugins.shortlivedkubeconfig.benchmarks;

import io.jenkins.plugins.shortlivedkubeconfig.signer.AuditEvent;
import io.jenkins.plugins.shortlivedkubeconfig.signer.AuditPage;
import io.jenkins.plugins.shortlivedkubeconfig.signer.AuditQuery;
import io.jenkins.plugins.shortlivedkubeconfig.signer.JsonLinesAuditLog;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Requester;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading a page of the audit trail (what the plugin's audit page renders from) out of 100,000 records in three
 * rotated files of 10 MiB (the default rotation size): the newest page, a page deep in the oldest file, a filter
 * that matches one record in ten, and one that matches nothing (every line of every file is looked at).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@Fork(2)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class AuditReadBenchmark {
    static final int RECORDS = 100_000;
    static final int PAGE = 50;
    static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    private Path dir;
    private JsonLinesAuditLog log;

    static AuditEvent event(int i) {
        boolean refused = i % 10 == 0;
        Requester requester = i % 5 == 0
                ? Requester.caller("user-" + (i % 3), List.of("ops"), Requester.EntryPoint.REST)
                : new Requester("team/app-" + (i % 13), i);
        return new AuditEvent(T0.plusSeconds(i), refused ? AuditEvent.Outcome.REFUSED : AuditEvent.Outcome.ISSUED,
                requester, "robot-" + (i % 7), refused ? null : "robot-" + (i % 7),
                refused ? List.of() : List.of("deployers"), "prod", Duration.ofHours(1),
                refused ? null : Integer.toHexString(i), refused ? null : T0.plusSeconds(i + 3600),
                refused ? "caller-not-allowed" : null, refused ? "refused for the benchmark" : null);
    }

    @Setup(Level.Trial)
    public void writeRecords() throws IOException {
        dir = Files.createTempDirectory("audit-bench");
        Path file = dir.resolve("audit.jsonl");
        log = new JsonLinesAuditLog(file);
        // As rotation leaves them: the newest records in audit.jsonl, older ones in .1, .2 (at most 10 MiB each).
        int end = RECORDS;
        for (int generation = 0; end > 0; generation++) {
            int start = end;
            long size = 0;
            while (start > 0 && size + event(start - 1).toJson().length() + 1
                    <= JsonLinesAuditLog.DEFAULT_MAX_FILE_BYTES) {
                size += event(--start).toJson().length() + 1;
            }
            StringBuilder content = new StringBuilder((int) size);
            for (int i = start; i < end; i++) {
                content.append(event(i).toJson()).append('\n');
            }
            write(file, generation, content);
            end = start;
        }
        if (log.read(AuditQuery.newest(PAGE)).entries().size() != PAGE) {
            throw new IllegalStateException("the fixture does not read back");
        }
    }

    private static void write(Path file, int generation, CharSequence content) throws IOException {
        Path target = generation == 0 ? file : file.resolveSibling(file.getFileName() + "." + generation);
        Files.writeString(target, content, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
    }

    @TearDown(Level.Trial)
    public void deleteRecords() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Benchmark
    public AuditPage newestPage() throws IOException {
        return log.read(AuditQuery.newest(PAGE));
    }

    @Benchmark
    public AuditPage pageInTheOldestFile() throws IOException {
        return log.read(new AuditQuery(null, null, null, null, null, null, RECORDS - 2 * PAGE, PAGE));
    }

    @Benchmark
    public AuditPage refusedOnly() throws IOException {
        return log.read(new AuditQuery("refused", null, null, null, null, null, 0, PAGE));
    }

    @Benchmark
    public AuditPage filterMatchingNothing() throws IOException {
        return log.read(new AuditQuery(null, "nobody", null, null, null, null, 0, PAGE));
    }
}
