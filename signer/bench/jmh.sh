#!/usr/bin/env bash
# Runs the JMH benchmarks of src/jmh/java outside Maven, from a snapshot of the compiled classes (so that a build
# started meanwhile cannot change what is measured). Nothing is written into the repository.
#
#   signer/bench/jmh.sh                                   # every benchmark, average time (us/op)
#   signer/bench/jmh.sh IssuanceBenchmark -bm thrpt -tu s # ops/s
#   signer/bench/jmh.sh IssuanceBenchmark -prof gc        # allocation per operation (gc.alloc.rate.norm, B/op)
#   JMH_SETTINGS="-f 1 -wi 1 -i 1" signer/bench/jmh.sh PolicyBenchmark   # a quick look, not a result
#
# Forks, warm-up and measurement come from the benchmark classes' annotations (2 forks, 3 warm-up iterations or 6
# with two threads, 5 measured iterations, 2 s each). JMH_SETTINGS and the arguments go to org.openjdk.jmh.Main
# in that order; an option given as an argument replaces the one of that name in JMH_SETTINGS. JMH_OUT (default:
# a new temporary directory) receives the classpath snapshot and, with -rf json -rff "$JMH_OUT/x.json", results.
set -euo pipefail
signer="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${JMH_OUT:-$(mktemp -d -t kubeconfig-signer-jmh.XXXXXX)}"
mkdir -p "$out"
settings="${JMH_SETTINGS:-}"
# An option given as an argument replaces the same option of the settings (JMH refuses most options twice).
read -r -a words <<< "$settings"
kept=()
for ((k = 0; k < ${#words[@]}; k += 2)); do
  case " $* " in *" ${words[k]} "*) ;; *) kept+=("${words[k]}" "${words[k + 1]}") ;; esac
done
settings="${kept[*]}"

mvn -B -q -f "$signer/pom.xml" test-compile \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.outputFile="$out/dependencies.classpath" -Dmdep.includeScope=test >&2
rm -rf "$out/classes" "$out/test-classes"
cp -r "$signer/target/classes" "$signer/target/test-classes" "$out/"

echo "jmh.sh: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $("${JAVA:-java}" -version 2>&1 | head -1)" >&2
cd "$out"  # JMH and its profilers write their files relative to the working directory
# shellcheck disable=SC2086 # the settings are words by design
"${JAVA:-java}" -cp "$out/test-classes:$out/classes:$(cat "$out/dependencies.classpath")" org.openjdk.jmh.Main $settings "$@" &
jmh=$!
python3 "$signer/bench/foreign-cpu.py" "$jmh" || true  # how busy the rest of the machine was meanwhile
wait "$jmh"
echo "jmh.sh: files in $out" >&2
