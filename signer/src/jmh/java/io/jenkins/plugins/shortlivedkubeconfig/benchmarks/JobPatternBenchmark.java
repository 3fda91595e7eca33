package io.jenkins.plugins.shortlivedkubeconfig.benchmarks;

import io.jenkins.plugins.shortlivedkubeconfig.signer.JobPattern;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link JobPattern#matches} on names an attacker may pick: the pathological {@code x/a*a*a*a*a*a*b} against
 * {@code x/} and 10,000 {@code a}s (a backtracking regex tries every way to split the run among the six stars),
 * and a typical job against a binding's three patterns. The {@code regexBefore} cases run the regular expressions
 * that JobPattern compiled to before the linear matcher, for comparison; the pathological one on only 40 {@code a}s,
 * because on 10,000 it does not finish. Target: microseconds.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@Fork(2)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class JobPatternBenchmark {
    private final JobPattern pathological = JobPattern.compile("x/a*a*a*a*a*a*b");
    private final String tenThousandAs = "x/" + "a".repeat(10_000);
    private final Pattern pathologicalRegexBefore = Pattern.compile("x/a[^/]*a[^/]*a[^/]*a[^/]*a[^/]*a[^/]*b");
    private final String fortyAs = "x/" + "a".repeat(40);

    private final JobPattern[] binding = {
        JobPattern.compile("deploy/**"), JobPattern.compile("org/app/PR-*"), JobPattern.compile("org/app/main"),
    };
    private final Pattern[] bindingRegexBefore = {
        Pattern.compile("deploy(?:/[^/]+)*"), Pattern.compile("org/app/PR-[^/]*"), Pattern.compile("org/app/main"),
    };
    private final String typicalJob = "org/app/PR-1234";

    @Benchmark
    public boolean pathological() {
        return pathological.matches(tenThousandAs);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public boolean pathologicalRegexBeforeFortyAs() {
        return pathologicalRegexBefore.matcher(fortyAs).matches();
    }

    /** As a job_binding asks: does any of its patterns match? (The second one does.) */
    @Benchmark
    public boolean typical() {
        for (JobPattern p : binding) {
            if (p.matches(typicalJob)) {
                return true;
            }
        }
        return false;
    }

    @Benchmark
    public boolean typicalRegexBefore() {
        for (Pattern p : bindingRegexBefore) {
            if (p.matcher(typicalJob).matches()) {
                return true;
            }
        }
        return false;
    }
}
