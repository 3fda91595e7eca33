#!/usr/bin/env bash
# Cold start, end to end: N runs of `kubeconfig-signer sign` (JVM start to kubeconfig written), each in a new JVM,
# against the same job done by an openssl shell pipeline (EC P-256 key, CSR, signed by the same CA, base64, a
# kubeconfig template written 0600), measured in the same run, interleaved, so that both see the same machine.
# Prints each variant's median and its ratio to the openssl median. Nothing is written into the repository.
#
#   signer/bench/cold-start.sh [N]          # N runs of every variant (default 20)
#
# Environment: JAR (default signer/target/kubeconfig-signer.jar, built when missing; the launcher script beside it),
# JAVA (default: java on PATH), VARIANTS (default: all below; a space-separated subset of their names), KEEP=1 keeps
# the work directory.
#
# Variants: the JVM's defaults, the start-up settings one by one, and the launcher that passes them:
#   default       java -jar kubeconfig-signer.jar
#   noshare       -Xshare:off (no class data sharing at all: what the JDK's default CDS archive saves)
#   c1            -XX:TieredStopAtLevel=1 (C1 only: no C2 compiler threads competing on 2 cores)
#   serial        -XX:+UseSerialGC (no G1 set-up)
#   appcds        -XX:SharedArchiveFile=app.jsa, made by one training run with -XX:ArchiveClassesAtExit
#   tuned         appcds + c1 + serial + -XX:-UsePerfData (no hsperfdata file) + -Xss512k
#   launcher      bin/kubeconfig-signer (target/kubeconfig-signer): c1 + serial + -XX:-UsePerfData + its own archive
#                 (AppCDS, or the AOT cache on JDK 24+), made by its first run, which is timed and reported apart;
#                 its cache is XDG_CACHE_HOME=<work>/cache, so nothing lands in the user's cache
set -euo pipefail
n="${1:-20}"
signer="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
java="${JAVA:-java}"
jar="${JAR:-$signer/target/kubeconfig-signer.jar}"
variants="${VARIANTS:-default noshare c1 serial appcds tuned launcher}"
launcher="$(dirname "$jar")/kubeconfig-signer"
if [ ! -f "$jar" ] || [ ! -x "$launcher" ]; then
  mvn -B -q -f "$signer/pom.xml" package -DskipTests >&2
fi
work="$(mktemp -d -t kubeconfig-signer-cold.XXXXXX)"
if [ "${KEEP:-}" != 1 ]; then trap 'rm -rf "$work"' EXIT; fi
cp "$jar" "$work/kubeconfig-signer.jar"  # a snapshot: a build meanwhile must not change what is measured
cp "$launcher" "$work/kubeconfig-signer"  # finds the jar beside it
export XDG_CACHE_HOME="$work/cache"
cp "$signer/examples/robots.yaml" "$work/robots.yaml"
cd "$work"

"$java" -jar kubeconfig-signer.jar ca init --cert ca.crt --key ca.key >/dev/null
server=https://127.0.0.1:6443

sign_args=(sign --user=jenkins --format=kubernetes --out="$work/java.kubeconfig" --ttl=1h --policy=robots.yaml
  --ca-cert=ca.crt --ca-key=ca.key --server="$server")
flags() {
  case "$1" in
    default) ;;
    noshare) echo "-Xshare:off" ;;
    c1) echo "-XX:TieredStopAtLevel=1" ;;
    serial) echo "-XX:+UseSerialGC" ;;
    appcds) echo "-XX:SharedArchiveFile=$work/app.jsa" ;;
    tuned) echo "-XX:SharedArchiveFile=$work/app.jsa -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xss512k" ;;
    launcher) echo "bin/kubeconfig-signer: c1 + serial + -XX:-UsePerfData + its archive" ;;
    *) echo "cold-start.sh: unknown variant $1" >&2; exit 2 ;;
  esac
}
case " $variants " in
  *" appcds "*|*" tuned "*)
    # AppCDS, JDK 17: a dynamic archive of the classes one real `sign` loads, on top of the JDK's default archive.
    "$java" -XX:ArchiveClassesAtExit="$work/app.jsa" -jar kubeconfig-signer.jar "${sign_args[@]}" >/dev/null 2>"$work/cds.log"
    ;;
esac

# The openssl pipeline: what a shell script would do to make the same kubeconfig with the same CA.
cat > ext.cnf <<'CNF'
[client]
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
basicConstraints = critical, CA:FALSE
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
openssl_pipeline() {
  umask 077
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out client.key 2>/dev/null
  openssl req -new -key client.key -subj "/O=system:masters/CN=jenkins" -out client.csr
  openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -set_serial "0x$(openssl rand -hex 16)" -days 1 \
    -extfile ext.cnf -extensions client -out client.crt 2>/dev/null
  cat > openssl.kubeconfig.tmp <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: "127.0.0.1"
  cluster:
    server: "$server"
users:
- name: "127.0.0.1"
  user:
    client-certificate-data: $(base64 -w0 < client.crt)
    client-key-data: $(base64 -w0 < client.key)
contexts:
- name: "127.0.0.1"
  context:
    cluster: "127.0.0.1"
    user: "127.0.0.1"
current-context: "127.0.0.1"
preferences: {}
KUBECONFIG
  mv openssl.kubeconfig.tmp openssl.kubeconfig
}

# One warm-up of each (file cache), then N interleaved rounds.
now_us() { local t="${EPOCHREALTIME/./}"; echo "${t#0}"; }
run() {
  if [ "$1" = openssl ]; then
    openssl_pipeline
  elif [ "$1" = launcher ]; then
    JAVA="$java" ./kubeconfig-signer "${sign_args[@]}" >/dev/null
  else
    # shellcheck disable=SC2046 # flags are words
    "$java" $(flags "$1") -jar kubeconfig-signer.jar "${sign_args[@]}" >/dev/null
  fi
}
launcher_first=
case " $variants " in
  *" launcher "*)
    # The launcher's first run makes its archive (a training run of the CLI): timed apart.
    t0="$(now_us)"; run launcher; t1="$(now_us)"
    launcher_first=$(((t1 - t0) / 1000))
    if [ -z "$(find "$XDG_CACHE_HOME/kubeconfig-signer" -name '*.jsa' -o -name '*.aot')" ]; then
      echo "cold-start.sh: the launcher made no archive" >&2; exit 1
    fi
    ;;
esac
for v in openssl $variants; do run "$v"; : > "times.$v"; done
openssl verify -purpose sslclient -CAfile ca.crt client.crt >/dev/null
"$java" -jar kubeconfig-signer.jar inspect java.kubeconfig >/dev/null

python3 "$signer/bench/foreign-cpu.py" $$ 2>foreign.txt &  # how busy the rest of the machine was meanwhile
sampler=$!
for ((i = 1; i <= n; i++)); do
  for v in openssl $variants; do
    t0="$(now_us)"; run "$v"; t1="$(now_us)"
    echo $(((t1 - t0) / 1000)) >> "times.$v"
  done
done

kill "$sampler"; wait "$sampler" || true

median() { sort -n "$1" | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
base="$(median times.openssl)"
echo "cold-start: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $("$java" -version 2>&1 | head -1), $(openssl version | cut -d' ' -f1-2), $n runs each, $(date -u +%Y-%m-%dT%H:%MZ)"
printf '%-10s %9s %9s %9s %8s  %s\n' variant median min max ratio flags
for v in openssl $variants; do
  m="$(median "times.$v")"
  printf '%-10s %7s ms %6s ms %6s ms %7sx  %s\n' "$v" "$m" "$(sort -n "times.$v" | head -1)" \
    "$(sort -n "times.$v" | tail -1)" "$(awk -v a="$m" -v b="$base" 'BEGIN {printf "%.2f", a / b}')" \
    "$([ "$v" = openssl ] && echo "genpkey + req + rand + x509 -req + 2x base64 + template" || flags "$v")"
done
if [ -n "$launcher_first" ]; then
  echo "launcher first run (training run + archive, then the sign): $launcher_first ms"
fi
cat foreign.txt
