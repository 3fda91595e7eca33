#!/usr/bin/env bash
# The README's quick start in one command: builds the CLI, creates a client CA, signs a kubeconfig for the
# seed's robot user "jenkins" and shows what it holds. Everything lands in ./quickstart (or $1).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-quickstart}"
mkdir -p "$out"
cd "$out"
echo "==> building the CLI (mvn package)"
mvn -B -q -f "$root/signer/pom.xml" package -DskipTests
# The launcher beside the jar: its first run makes a class-data archive in ~/.cache/kubeconfig-signer (a few
# seconds, once per jar and JVM), and every later run starts faster from it.
signer() { "$root/signer/target/kubeconfig-signer" "$@"; }
echo "==> kubeconfig-signer ca init"
signer ca init --cert ca.crt --key ca.key --force
echo "==> kubeconfig-signer policy check"
signer policy check "$root/signer/examples/robots.yaml"
echo "==> kubeconfig-signer sign (the seed: tctl auth sign --user=jenkins --format=kubernetes --out=kubeconfig --ttl=25h)"
signer sign --user=jenkins --format=kubernetes --out=kubeconfig --ttl=25h \
  --policy "$root/signer/examples/robots.yaml" --ca-cert ca.crt --ca-key ca.key \
  --server https://127.0.0.1:6443 --cluster demo
echo "==> kubeconfig-signer inspect"
signer inspect kubeconfig
if command -v kubectl >/dev/null; then
  echo "==> kubectl config view"
  kubectl config view --kubeconfig kubeconfig
fi
echo "==> done: $(pwd)/kubeconfig (mode $(stat -c %a kubeconfig)); give $(pwd)/ca.crt to kube-apiserver --client-ca-file"
