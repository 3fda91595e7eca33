package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.jenkins.plugins.shortlivedkubeconfig.signer.Requester.EntryPoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit file: appended, flushed, rotated, owner-only, and read back newest first with filters and pages. */
class JsonLinesAuditLogTest {
    static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    static final int LARGE = 100_000;

    @TempDir
    Path dir;

    @TempDir
    static Path shared;
    /** {@value #LARGE} records over three files (10 MiB, 10 MiB and the rest), written once for the class. */
    static JsonLinesAuditLog large;

    /**
     * Record {@code i}: every 10th refused; robot user {@code robot-(i % 7)}; every 5th by caller
     * {@code user-(i % 3)} through the REST endpoint, the others by build {@code i} of job {@code team/app-(i % 13)};
     * issued ones with serial {@code i} in hex.
     */
    static AuditEvent event(int i) {
        boolean refused = i % 10 == 0;
        Requester requester = i % 5 == 0 ? Requester.caller("user-" + (i % 3), List.of("ops"), EntryPoint.REST)
                : new Requester("team/app-" + (i % 13), i);
        return new AuditEvent(T0.plusSeconds(i), refused ? AuditEvent.Outcome.REFUSED : AuditEvent.Outcome.ISSUED,
                requester, "robot-" + (i % 7), refused ? null : "robot-" + (i % 7),
                refused ? List.of() : List.of("deployers"), "prod", Duration.ofHours(1),
                refused ? null : Integer.toHexString(i), refused ? null : T0.plusSeconds(i + 3600),
                refused ? "caller-not-allowed" : null, refused ? "refused for the test" : null);
    }

    /** Writes records [from, to) the way {@link JsonLinesAuditLog#record} does, without a flush per record. */
    static void writeBulk(Path file, int from, int to) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = from; i < to; i++) {
            b.append(event(i).toJson()).append('\n');
        }
        Files.writeString(file, b, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Splits {@link #LARGE} records into rotated files of about 10 MiB, oldest in the highest generation. */
    static JsonLinesAuditLog largeLog(Path directory) throws IOException {
        JsonLinesAuditLog log = new JsonLinesAuditLog(directory.resolve("audit.jsonl"));
        int longest = java.util.stream.IntStream.range(LARGE - 100, LARGE).map(i -> event(i).toJson().length() + 1)
                .max().orElseThrow();
        int perFile = (int) (JsonLinesAuditLog.DEFAULT_MAX_FILE_BYTES / longest);
        int generations = (LARGE + perFile - 1) / perFile;
        for (int g = generations - 1, from = 0; g >= 0; g--, from += perFile) {
            writeBulk(log.generation(g), from, Math.min(LARGE, from + perFile));
        }
        return log;
    }

    @BeforeAll
    static void writeLarge() throws IOException {
        large = largeLog(shared);
        assertThat(Files.exists(large.generation(2))).isTrue();
        assertThat(Files.size(large.generation(1))).isLessThanOrEqualTo(JsonLinesAuditLog.DEFAULT_MAX_FILE_BYTES);
    }

    static List<Integer> buildsOrSeconds(AuditPage page) {
        return page.entries().stream().map(e -> (int) Duration.between(T0, Instant.parse(e.time())).toSeconds())
                .toList();
    }

    static List<Integer> descending(int from, int count, int step) {
        List<Integer> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            out.add(from - k * step);
        }
        return out;
    }

    /** The newest {@code count} of the {@link #LARGE} records that pass {@code test}. */
    static List<Integer> newest(java.util.function.IntPredicate test, int count) {
        List<Integer> out = new ArrayList<>();
        for (int i = LARGE - 1; i >= 0 && out.size() < count; i--) {
            if (test.test(i)) {
                out.add(i);
            }
        }
        return out;
    }

    @Test
    void appendsOneFlushedLinePerRecordReadableByItsOwnerOnly() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        JsonLinesAuditLog log = new JsonLinesAuditLog(file);
        log.record(event(1));
        log.record(event(2));
        assertThat(Files.readAllLines(file)).containsExactly(event(1).toJson(), event(2).toJson());
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
    }

    @Test
    void tightensAFileOthersCouldRead() throws Exception {
        assumeThat(FileSystems.getDefault().supportedFileAttributeViews()).contains("posix");
        Path file = dir.resolve("audit.jsonl");
        Files.writeString(file, event(1).toJson() + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        new JsonLinesAuditLog(file).record(event(2));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void rotatesBySizeKeepingTheConfiguredNumberOfFiles() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        JsonLinesAuditLog log = new JsonLinesAuditLog(file, 4096, 3);
        int line = event(999).toJson().length() + 1;
        int perFile = 4096 / line;
        int written = perFile * 5 + 2;
        for (int i = 1; i <= written; i++) {
            log.record(event(i));
        }
        try (var listing = Files.list(dir)) {
            assertThat(listing.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("audit.jsonl", "audit.jsonl.1", "audit.jsonl.2");
        }
        for (int g = 0; g < 3; g++) {
            assertThat(Files.size(log.generation(g))).isLessThanOrEqualTo(4096);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log.generation(g))))
                        .isEqualTo("rw-------");
            }
        }
        // Across the files, newest first, without a gap; what no longer fits was dropped, oldest first.
        AuditPage all = log.read(AuditQuery.newest(AuditQuery.MAX_LIMIT));
        int kept = perFile * 2 + 2;
        assertThat(buildsOrSeconds(all)).isEqualTo(descending(written, kept, 1));
        assertThat(all.hasMore()).isFalse();
        assertThat(all.unreadable()).isZero();
    }

    @Test
    void readsTheNewestPageOfAHundredThousandRecordsFirst() throws Exception {
        AuditPage first = large.read(AuditQuery.newest(50));
        assertThat(buildsOrSeconds(first)).isEqualTo(descending(LARGE - 1, 50, 1));
        assertThat(first.hasMore()).isTrue();
        assertThat(first.hasNewer()).isFalse();
        AuditEntry newest = first.entries().get(0);
        assertThat(newest.job()).isEqualTo("team/app-" + ((LARGE - 1) % 13));
        assertThat(newest.build()).isEqualTo(LARGE - 1);
        assertThat(newest.requester()).isEqualTo("team/app-" + ((LARGE - 1) % 13) + " #" + (LARGE - 1));
        assertThat(newest.issued()).isTrue();
        assertThat(newest.serial()).isEqualTo(Integer.toHexString(LARGE - 1));
        assertThat(newest.groups()).containsExactly("deployers");
        assertThat(newest.ttl()).isEqualTo("1h");
    }

    @Test
    void pagesThroughEveryFileWithoutLosingOrRepeatingARecord() throws Exception {
        AuditQuery query = AuditQuery.newest(AuditQuery.MAX_LIMIT);
        int seen = 0;
        int expected = LARGE - 1;
        AuditPage page;
        do {
            page = large.read(query);
            for (int second : buildsOrSeconds(page)) {
                assertThat(second).isEqualTo(expected--);
                seen++;
            }
            query = query.page(1);
        } while (page.hasMore());
        assertThat(seen).isEqualTo(LARGE);
        // A page in the middle, across the boundary between two files.
        AuditPage middle = large.read(new AuditQuery(null, null, null, null, null, null, 41_000, 100));
        assertThat(buildsOrSeconds(middle)).isEqualTo(descending(LARGE - 1 - 41_000, 100, 1));
        assertThat(middle.query().pageNumber()).isEqualTo(411);
        assertThat(large.read(new AuditQuery(null, null, null, null, null, null, LARGE, 10)).entries()).isEmpty();
    }

    @Test
    void filtersByOutcomeRobotUserJobBuildCallerAndSerial() throws Exception {
        AuditPage refused = large.read(new AuditQuery("refused", null, null, null, null, null, 0, 20));
        assertThat(buildsOrSeconds(refused)).isEqualTo(descending(99_990, 20, 10));
        assertThat(refused.entries()).allSatisfy(e -> assertThat(e.rule()).isEqualTo("caller-not-allowed"));

        AuditPage robot = large.read(new AuditQuery("issued", "robot-3", null, null, null, null, 0, 5));
        assertThat(robot.entries()).allSatisfy(e -> {
            assertThat(e.robotUser()).isEqualTo("robot-3");
            assertThat(e.issued()).isTrue();
        });
        assertThat(buildsOrSeconds(robot)).isEqualTo(newest(i -> i % 7 == 3 && i % 10 != 0, 5));

        AuditPage build = large.read(new AuditQuery(null, null, "team/app-4", 12_345 - 12_345 % 13 + 4, null,
                null, 0, 10));
        assertThat(buildsOrSeconds(build)).containsExactly(12_345 - 12_345 % 13 + 4);

        AuditPage job = large.read(new AuditQuery(null, null, "team/app-4", null, null, null, 0, 3));
        assertThat(job.entries()).allSatisfy(e -> assertThat(e.job()).isEqualTo("team/app-4"));
        assertThat(job.hasMore()).isTrue();

        AuditPage caller = large.read(new AuditQuery(null, null, null, null, "user-1", null, 0, 4));
        assertThat(caller.entries()).allSatisfy(e -> {
            assertThat(e.caller()).isEqualTo("user-1");
            assertThat(e.entryPoint()).isEqualTo("rest");
            assertThat(e.requester()).isEqualTo("user-1 (rest)");
            assertThat(e.job()).isNull();
        });
        assertThat(buildsOrSeconds(caller)).isEqualTo(newest(i -> i % 5 == 0 && i % 3 == 1, 4))
                .startsWith(99_985);

        AuditPage serial = large.read(new AuditQuery(null, null, null, null, null, "0x3039", 0, 10));
        assertThat(buildsOrSeconds(serial)).containsExactly(12_345);
    }

    @Test
    void aFilterNothingMatchesReadsEveryFileAndFindsNothing() throws Exception {
        AuditPage none = large.read(new AuditQuery(null, "nobody", null, null, null, null, 0, 50));
        assertThat(none.entries()).isEmpty();
        assertThat(none.hasMore()).isFalse();
        assertThat(none.unreadable()).isZero();
    }

    @Test
    void skipsAHalfWrittenLastLineAndKeepsItApartFromTheNextRecord() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        writeBulk(file, 1, 4);
        String fragment = event(4).toJson().substring(0, 40);
        Files.writeString(file, fragment, StandardOpenOption.APPEND);
        JsonLinesAuditLog log = new JsonLinesAuditLog(file);
        AuditPage page = log.read(AuditQuery.newest(10));
        assertThat(buildsOrSeconds(page)).containsExactly(3, 2, 1);
        assertThat(page.unreadable()).isEqualTo(1);

        log.record(event(5));
        assertThat(Files.readAllLines(file)).containsExactly(event(1).toJson(), event(2).toJson(),
                event(3).toJson(), fragment, event(5).toJson());
        page = log.read(AuditQuery.newest(10));
        assertThat(buildsOrSeconds(page)).containsExactly(5, 3, 2, 1);
        assertThat(page.unreadable()).isEqualTo(1);
    }

    @Test
    void skipsDamagedOverlongAndForeignLines() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        Files.writeString(file, String.join("\n", event(1).toJson(), "not json", "{\"time\":\"x\"}",
                "{\"time\":\"2026-12-01T00:00:02Z\",\"outcome\":\"issued\",\"build\":-1}",
                "x".repeat(ReversedLines.MAX_LINE + 10), "", event(2).toJson()) + "\n");
        AuditPage page = new JsonLinesAuditLog(file).read(AuditQuery.newest(10));
        assertThat(buildsOrSeconds(page)).containsExactly(2, 1);
        assertThat(page.unreadable()).isEqualTo(4);
    }

    @Test
    void neverShowsAFieldAnAuditEventDoesNotWrite() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        String key = "-----BEGIN PRIVATE KEY-----";
        Files.writeString(file, "{\"time\":\"2026-12-01T00:00:01Z\",\"outcome\":\"issued\",\"client_key\":\""
                + key + "\",\"robot_user\":\"r\",\"groups\":[]}\n");
        AuditEntry entry = new JsonLinesAuditLog(file).read(AuditQuery.newest(1)).entries().get(0);
        assertThat(entry.robotUser()).isEqualTo("r");
        assertThat(entry.toString()).doesNotContain("PRIVATE");
    }

    @Test
    void neverHoldsTheIssuedKeysInAnyRecord() throws Exception {
        Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
        CertificateAuthority ca = IssuerTest.ca(clock, Duration.ofDays(30));
        Path file = dir.resolve("audit.jsonl");
        JsonLinesAuditLog log = new JsonLinesAuditLog(file);
        Issuer issuer = new Issuer(ca, new PolicyParser().parse(CallerBindingTest.POLICY, "robots.yaml"), clock, log);
        List<String> keys = new ArrayList<>();
        Pattern keyData = Pattern.compile("client-key-data: \"?([A-Za-z0-9+/=]+)");
        for (int i = 0; i < 20; i++) {
            Requester requester = i % 2 == 0 ? new Requester("apps/api", i + 1)
                    : Requester.caller("alice", List.of(), EntryPoint.CLI);
            String user = i % 2 == 0 ? "jenkins" : "deployer";
            IssuedKubeconfig issued = issuer.issue(IssueRequest.of(user, Duration.ofHours(1), IssuerTest.cluster())
                    .withRequester(requester));
            Matcher m = keyData.matcher(new String(issued.kubeconfig(), StandardCharsets.UTF_8));
            assertThat(m.find()).isTrue();
            keys.add(m.group(1));
            keys.add(new String(Base64.getDecoder().decode(m.group(1)), StandardCharsets.US_ASCII)
                    .lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow());
        }
        assertThatThrownBy(() -> issuer.issue(IssueRequest.of("jenkins", Duration.ofHours(1), IssuerTest.cluster())
                .withRequester(Requester.caller("alice", List.of(), EntryPoint.REST))))
                .isInstanceOf(PolicyRefusal.class);
        String content = Files.readString(file);
        assertThat(content.lines()).hasSize(21);
        assertThat(content).doesNotContain("PRIVATE", "BEGIN", "client-key-data");
        AuditPage page = log.read(AuditQuery.newest(50));
        assertThat(page.entries()).hasSize(21);
        for (String key : keys) {
            assertThat(content).doesNotContain(key);
            assertThat(page.entries()).allSatisfy(e -> assertThat(e.toString()).doesNotContain(key));
        }
        assertThat(page.entries().get(0).rule()).isEqualTo("caller-not-allowed");
        assertThat(page.entries().get(1).requester()).isEqualTo("alice (cli)");
    }

    @Test
    void parsesQueriesFromFormTextAndNamesTheFieldAtFault() throws Exception {
        AuditQuery q = AuditQuery.parse("Refused", " robot-1 ", "team/app", "42", "", "0xAB:CD", "3", 50);
        assertThat(q).isEqualTo(new AuditQuery("refused", "robot-1", "team/app", 42, null, "abcd", 100, 50));
        assertThat(q.filtered()).isTrue();
        assertThat(AuditQuery.parse(null, null, null, null, null, null, null, 50)).isEqualTo(AuditQuery.newest(50));
        assertThatThrownBy(() -> AuditQuery.parse("maybe", null, null, "x", null, "zz", "0", 50))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("outcome: \"maybe\" is neither issued nor refused; serial: \"zz\" is not a hexadecimal "
                        + "serial number; build: \"x\" is not a number; page: counts from 1");
        assertThatThrownBy(() -> AuditQuery.parse(null, null, null, "3", null, null, null, 50))
                .hasMessage("build: give the job too");
    }
}
