package io.jenkins.plugins.shortlivedkubeconfig.benchmarks;

import io.jenkins.plugins.shortlivedkubeconfig.signer.Grant;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyParser;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PolicyRefusal;
import io.jenkins.plugins.shortlivedkubeconfig.signer.Requester;
import io.jenkins.plugins.shortlivedkubeconfig.signer.RobotPolicy;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The policy on its own, for a generated policy of 200 roles, 1,000 users and 100 job bindings
 * ({@link Fixtures#largePolicy()}): {@link RobotPolicy#authorize} over every user in turn, as the CLI asks (no job)
 * and as Jenkins asks (with a job that a binding allows), and parsing the whole file. Target: authorize at most
 * 5 us/op.
 */
@BenchmarkMode(Mode.AverageTime)
@Fork(2)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PolicyBenchmark {
    @State(Scope.Benchmark)
    public static class LargePolicy {
        String yaml;
        RobotPolicy policy;
        String[] users;
        Requester[] jobs;

        @Setup
        public void setUp() throws PolicyException {
            yaml = Fixtures.largePolicy();
            policy = new PolicyParser().parse(yaml, "large.yaml");
            users = new String[Fixtures.LARGE_USERS];
            jobs = new Requester[Fixtures.LARGE_USERS];
            for (int u = 0; u < users.length; u++) {
                users[u] = Fixtures.robotName(u);
                jobs[u] = new Requester(Fixtures.allowedJob(u), 1);
            }
        }
    }

    /** Each thread walks the users in its own order. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;

        int advance() {
            int i = next;
            next = i + 1 == Fixtures.LARGE_USERS ? 0 : i + 1;
            return i;
        }
    }

    @Benchmark
    public Grant authorize(LargePolicy p, Cursor c) throws PolicyRefusal {
        return p.policy.authorize(p.users[c.advance()], null, null);
    }

    @Benchmark
    public Grant authorizeWithJob(LargePolicy p, Cursor c) throws PolicyRefusal {
        int u = c.advance();
        return p.policy.authorize(p.users[u], null, p.jobs[u]);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public RobotPolicy parse(LargePolicy p) throws PolicyException {
        return new PolicyParser().parse(p.yaml, "large.yaml");
    }
}
