#!/usr/bin/env bash
# The memory checks of BENCHMARKS.md. Nothing is written into the repository; every file goes to a temporary
# directory that is removed at the end.
#
#   signer/bench/memory-check.sh            # leak + soak (about a minute)
#   signer/bench/memory-check.sh leak       # 100,000 issuances in one JVM: heap after GC vs after the first 1,000
#   signer/bench/memory-check.sh soak       # sign --renew-every 1s --max-renewals 1000 in one -Xmx32m JVM, with a
#                                           # clock that steps 1 s per reading so that no wait is needed (seconds)
#   signer/bench/memory-check.sh cli        # the real CLI jar: java -Xmx32m -jar ... --renew-every 1s
#                                           # --max-renewals 1000 (about 17 minutes), RSS sampled every second
#
# Environment: ISSUANCES (leak, default 100000), RENEWALS (soak and cli, default 1000), JAR (cli, default
# signer/target/kubeconfig-signer.jar).
set -euo pipefail
signer="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
checks=("$@")
[ ${#checks[@]} -gt 0 ] || checks=(leak soak)
work="$(mktemp -d -t kubeconfig-signer-memory.XXXXXX)"
trap 'rm -rf "$work"' EXIT

classpath() {
  mvn -B -q -f "$signer/pom.xml" test-compile \
      org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
      -Dmdep.outputFile="$work/dependencies.classpath" -Dmdep.includeScope=test >&2
  cp -r "$signer/target/classes" "$signer/target/test-classes" "$work/"
  echo "$work/test-classes:$work/classes:$(cat "$work/dependencies.classpath")"
}

status=0
case " ${checks[*]} " in
  *" leak "*|*" soak "*) cp="$(classpath)" ;;
esac
for check in "${checks[@]}"; do
  case "$check" in
    leak)
      java -Xmx256m -cp "$cp" io.jenkins.plugins.shortlivedkubeconfig.benchmarks.MemoryCheck "${ISSUANCES:-100000}" \
        || status=1
      ;;
    soak)
      java -Xmx32m -cp "$cp" io.jenkins.plugins.shortlivedkubeconfig.benchmarks.RenewalSoak "${RENEWALS:-1000}" \
        || status=1
      ;;
    cli)
      n="${RENEWALS:-1000}"
      jar="${JAR:-$signer/target/kubeconfig-signer.jar}"
      [ -f "$jar" ] || mvn -B -q -f "$signer/pom.xml" package -DskipTests >&2
      cp "$jar" "$work/kubeconfig-signer.jar"
      cp "$signer/examples/robots.yaml" "$work/robots.yaml"
      java -jar "$work/kubeconfig-signer.jar" ca init --cert "$work/ca.crt" --key "$work/ca.key" >/dev/null
      start=$SECONDS
      java -Xmx32m -jar "$work/kubeconfig-signer.jar" sign --user=jenkins --out="$work/kubeconfig" --ttl=1h \
        --policy="$work/robots.yaml" --ca-cert="$work/ca.crt" --ca-key="$work/ca.key" \
        --server=https://127.0.0.1:6443 --renew-every=1s --max-renewals="$n" 2>"$work/renewal.log" &
      pid=$!
      max=0; last=0; samples=0
      while kill -0 "$pid" 2>/dev/null; do
        rss="$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)"
        if [ -n "$rss" ]; then
          last=$rss; samples=$((samples + 1)); [ "$rss" -gt "$max" ] && max=$rss
          [ $((samples % 120)) -eq 0 ] && echo "memory-check cli: $((SECONDS - start)) s, $(grep -c ' wrote ' "$work/renewal.log") written, RSS $((rss / 1024)) MiB" >&2
        fi
        sleep 1
      done
      code=0; wait "$pid" || code=$?
      wrote="$(grep -c ' wrote ' "$work/renewal.log" || true)"
      failed="$(grep -c -e 'renewal failed' -e '^kubeconfig-signer:' "$work/renewal.log" || true)"
      verdict=FAIL; [ "$code" = 0 ] && [ "$wrote" = $((n + 1)) ] && [ "$failed" = 0 ] && verdict=PASS
      echo "memory-check cli: java -Xmx32m -jar kubeconfig-signer.jar sign --renew-every=1s --max-renewals=$n: exit $code," \
        "$wrote kubeconfigs written (1 + $n renewals) in $((SECONDS - start)) s, $failed failures;" \
        "RSS (sampled every second) max $((max / 1024)) MiB, last $((last / 1024)) MiB: $verdict"
      [ "$verdict" = PASS ] || { status=1; grep -m3 -e 'renewal failed' -e '^kubeconfig-signer:' "$work/renewal.log" || true; }
      ;;
    *) echo "memory-check.sh: unknown check $check (leak, soak or cli)" >&2; exit 2 ;;
  esac
done
exit $status
