package io.jenkins.plugins.shortlivedkubeconfig.cli;

import io.jenkins.plugins.shortlivedkubeconfig.testing.TokenApiStub;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sign --cluster-mode=service-account-token}: the minter's token from a file, never from the command line. */
class CliTokenModeTest {
    static final String MINTER = "minter-token-abcdef0123456789";
    static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkZXBsb3llciJ9.c2lnbmF0dXJlLWZvci1jbGktdGVzdHMtMDEyMw";
    static final String POLICY = """
            kind: role
            version: v7
            metadata: {name: deploy-sa}
            spec:
              allow:
                kubernetes_users: ["system:serviceaccount:ci:deployer"]
            ---
            kind: user
            version: v2
            metadata: {name: deployer}
            spec: {roles: [deploy-sa]}
            """;
    private static final Pattern SECONDS = Pattern.compile("\"expirationSeconds\":(\\d+)");

    @TempDir
    Path dir;
    TokenApiStub stub;

    record Result(int code, String out, String err) { }

    @BeforeEach
    void files() throws Exception {
        stub = new TokenApiStub(seen -> {
            Matcher m = SECONDS.matcher(seen.body());
            long seconds = m.find() ? Long.parseLong(m.group(1)) : 0;
            return TokenApiStub.Answer.of(201, TokenApiStub.tokenResponse(TOKEN, Instant.now().plusSeconds(seconds)));
        });
        Files.writeString(dir.resolve("robots.yaml"), POLICY);
        Files.writeString(dir.resolve("server-ca.crt"), stub.caPem);
        Files.writeString(dir.resolve("minter.token"), MINTER + "\n");
    }

    @AfterEach
    void stop() {
        stub.close();
    }

    Result run(String... extra) {
        List<String> args = new ArrayList<>(List.of("sign", "--cluster-mode=service-account-token", "--user=deployer",
                "--policy", dir.resolve("robots.yaml").toString(), "--server", stub.url(), "--server-ca",
                dir.resolve("server-ca.crt").toString(), "--cluster", "eks"));
        args.addAll(List.of(extra));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SignerCli.run(Clock.systemUTC(), new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
        Result r = new Result(code, out.toString(), err.toString());
        assertThat(r.out() + r.err()).doesNotContain(MINTER).doesNotContain(TOKEN);
        return r;
    }

    @Test
    void writesAKubeconfigWithAMintedToken() throws Exception {
        Path audit = dir.resolve("audit.jsonl");
        Result r = run("--minter-token-file", dir.resolve("minter.token").toString(), "--ttl=30m",
                "--out", dir.resolve("kubeconfig").toString(), "--audit-log", audit.toString());
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("robot user deployer as service account system:serviceaccount:ci:deployer, "
                + "token sha256:");
        assertThat(Files.readString(dir.resolve("kubeconfig"))).contains("    token: \"" + TOKEN + "\"")
                .doesNotContain("client-key-data");
        assertThat(stub.seen).singleElement().satisfies(s -> {
            assertThat(s.authorization()).isEqualTo("Bearer " + MINTER);
            assertThat(s.body()).contains("\"expirationSeconds\":1800");
        });
        assertThat(Files.readString(audit)).contains("\"kubernetes_user\":\"system:serviceaccount:ci:deployer\"",
                "\"token_sha256\":\"").doesNotContain(TOKEN, MINTER);
    }

    @Test
    void needsTheMinterTokenFileAndRefusesTheCaFlags() throws Exception {
        Result missing = run("--out", "-");
        assertThat(missing.code()).isEqualTo(SignerCli.BAD_INPUT);
        assertThat(missing.err()).contains("Missing required option for --cluster-mode=service-account-token: "
                + "'--minter-token-file=FILE'");
        Result ca = run("--out", "-", "--minter-token-file", dir.resolve("minter.token").toString(), "--ca-cert", "x",
                "--ca-key", "y");
        assertThat(ca.code()).isEqualTo(SignerCli.BAD_INPUT);
        assertThat(ca.err()).contains("--ca-cert and --ca-key are not used with --cluster-mode=service-account-token");
        Result csr = run("--out", "-", "--minter-token-file", dir.resolve("minter.token").toString(), "--csr",
                dir.resolve("request.csr").toString(), "--format=cert");
        assertThat(csr.code()).isEqualTo(SignerCli.BAD_INPUT);
        assertThat(csr.err()).contains("--csr is only used with --cluster-mode=client-certificate")
                .doesNotContain("NullPointerException").doesNotContain("internal error");
        Result gone = run("--out", "-", "--minter-token-file", dir.resolve("absent").toString());
        assertThat(gone.code()).isEqualTo(SignerCli.BAD_INPUT);
        assertThat(gone.err()).contains("--minter-token-file " + dir.resolve("absent") + ": no such file");
        assertThat(stub.seen).isEmpty();
    }

    @Test
    void aRefusalByTheClusterExitsRefused() throws Exception {
        stub.answer(seen -> TokenApiStub.Answer.of(403, TokenApiStub.status(403, "Forbidden", "no")));
        Result r = run("--out", "-", "--minter-token-file", dir.resolve("minter.token").toString());
        assertThat(r.code()).isEqualTo(SignerCli.REFUSED);
        assertThat(r.err()).contains("the minter may not create tokens for ci/deployer (HTTP 403: no)");
    }

    @Test
    void theModeIsCheckedByName() throws Exception {
        StringWriter err = new StringWriter();
        int code = SignerCli.run(Clock.systemUTC(), new PrintWriter(new StringWriter()), new PrintWriter(err),
                "sign", "--cluster-mode=token", "--user=x", "--out=-", "--policy=p", "--server=https://h");
        assertThat(code).isEqualTo(SignerCli.BAD_INPUT);
        assertThat(err.toString()).contains("--cluster-mode: \"token\" is not an issuance mode");
    }
}
