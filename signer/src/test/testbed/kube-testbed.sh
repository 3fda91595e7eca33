#!/usr/bin/env bash
# kube-testbed.sh — build and locate a real kube-apiserver test bed for the signer's integration tests.
#
# What it provides (all from Debian packages, nothing downloaded from anywhere else):
#   * kube-apiserver v1.20.2, built from Debian bookworm's `kubernetes` SOURCE package
#     (Debian only ships kubectl as a binary), cached per machine;
#   * etcd (Debian package `etcd-server`, 3.4.x);
#   * a kubectl v1.20.2 matching the server, extracted from the `kubernetes-client` .deb into the cache
#     (the machine's own /usr/bin/kubectl is left alone).
#
# The build recipe is documented in shared/notes/kube-apiserver-testbed.md (project notes). In short:
# GOPATH mode, vendored reflect2 v1.0.1 replaced by Debian's 1.0.2 (v1.0.1 crashes with Go >= 1.18),
# openapi-gen run to produce pkg/generated/openapi, version stamped through -ldflags -X.
#
# Usage:
#   kube-testbed.sh [install] [--force]   install missing packages, build + cache kube-apiserver (default)
#   kube-testbed.sh env                   print KUBE_APISERVER=, ETCD=, KUBECTL= lines (exit 3 if not built)
#   kube-testbed.sh --help
#
# Exit codes: 0 ok; 1 a step failed (the message names it); 2 usage error; 3 (`env`) test bed not built.
#
# Environment (all optional):
#   XDG_CACHE_HOME               cache root is ${XDG_CACHE_HOME:-$HOME/.cache}/short-lived-kubeconfig
#   KUBE_TESTBED_DEB_VERSION     Debian `kubernetes` source/binary version to use
#                                (default 1.20.5+really1.20.2-1.1+deb12u1, the only one verified)
#   KUBE_TESTBED_FORCE=1         same as `install --force`: rebuild even when the cache is valid
set -euo pipefail

# ---------------------------------------------------------------------------------------------------
# Constants. Bump RECIPE_REV whenever the build recipe below changes: it is part of the cache key.
# ---------------------------------------------------------------------------------------------------
readonly RECIPE_REV=r1
readonly DEB_VERSION="${KUBE_TESTBED_DEB_VERSION:-1.20.5+really1.20.2-1.1+deb12u1}"
readonly KUBE_GIT_VERSION=v1.20.2
readonly KUBE_GIT_MAJOR=1
readonly KUBE_GIT_MINOR=20
readonly KUBE_GIT_COMMIT=faecb196815e248d3ecfb03c680a4507229c2a56   # upstream tag v1.20.2
readonly EXPECTED_VERSION_LINE="Kubernetes ${KUBE_GIT_VERSION}"
readonly REQUIRED_PACKAGES=(etcd-server golang-go golang-github-modern-go-reflect2-dev dpkg-dev openssl curl)
readonly REFLECT2_SRC=/usr/share/gocode/src/github.com/modern-go/reflect2
readonly MIN_FREE_KB=$((2 * 1024 * 1024))   # a build needs ~1.6 GB of scratch space

readonly CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/short-lived-kubeconfig"
readonly APISERVER_CACHE="$CACHE_ROOT/kube-apiserver"
readonly KUBECTL_CACHE="$CACHE_ROOT/kubectl/$DEB_VERSION"

readonly PROG="${0##*/}"
readonly LOG_PREFIX="[kube-testbed]"

# ---------------------------------------------------------------------------------------------------
# Logging and error reporting. All messages go to stderr so that `env` keeps stdout clean.
# ---------------------------------------------------------------------------------------------------
CURRENT_STEP="start-up"
WORK_DIR=""            # temporary build dir, removed by the EXIT trap
DL_DIR=""              # temporary .deb download dir, removed by the EXIT trap
CHILD_PGID=""          # process group of a running long command (see run_long), killed by the EXIT trap
APT_UPDATED=0          # `apt-get update` runs at most once, and only when something must be fetched

log()  { printf '%s %s\n' "$LOG_PREFIX" "$*" >&2; }
warn() { printf '%s WARNING: %s\n' "$LOG_PREFIX" "$*" >&2; }
die()  { printf '%s ERROR in step "%s": %s\n' "$LOG_PREFIX" "$CURRENT_STEP" "$*" >&2; exit 1; }
STEP_T0=""
step() {             # announce a step; also reports how long the previous one took
  if [[ -n "$STEP_T0" && $((SECONDS - STEP_T0)) -gt 0 ]]; then log "    (took $((SECONDS - STEP_T0)) s)"; fi
  CURRENT_STEP="$1"; STEP_T0=$SECONDS; log "==> $1"
}

on_exit() {
  local rc=$?
  # Stop a still-running build (go build and its compiler processes form one process group).
  if [[ -n "$CHILD_PGID" ]]; then
    log "stopping build process group $CHILD_PGID"
    kill -TERM -- "-$CHILD_PGID" 2>/dev/null || true
    wait "$CHILD_PGID" 2>/dev/null || true
    sleep 1
    kill -KILL -- "-$CHILD_PGID" 2>/dev/null || true
  fi
  # Remove the build work dir (source tree, GOPATH, GOCACHE: ~1.6 GB) whatever happened.
  if [[ -n "$WORK_DIR" && -d "$WORK_DIR" ]]; then
    log "removing work dir $WORK_DIR"
    rm -rf -- "$WORK_DIR" 2>/dev/null || { sleep 2; rm -rf -- "$WORK_DIR" || true; }
  fi
  if [[ -n "$DL_DIR" && -d "$DL_DIR" ]]; then rm -rf -- "$DL_DIR" || true; fi
  # `die` already printed a precise message; this catches commands that failed under `set -e`.
  if [[ $rc -ne 0 && $rc -ne 2 && $rc -ne 3 ]]; then
    printf '%s FAILED in step "%s" (exit status %d)\n' "$LOG_PREFIX" "$CURRENT_STEP" "$rc" >&2
  fi
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

usage() {
  cat <<EOF
Usage: $PROG [install [--force] | env | --help]

  install   (default) Idempotent. Installs the missing Debian packages (${REQUIRED_PACKAGES[*]},
            and kubernetes-client if no kubectl is on PATH), extracts a kubectl $KUBE_GIT_VERSION from the
            kubernetes-client .deb into the cache, and builds kube-apiserver $KUBE_GIT_VERSION from Debian's
            kubernetes source package $DEB_VERSION unless a valid cached binary exists.
            A cold build takes ~3 min on 2 cores (up to ~8 min on a loaded machine) and ~1.6 GB of
            scratch disk (deleted afterwards).
            --force (or KUBE_TESTBED_FORCE=1) rebuilds even when the cached binary is valid.
  env       Prints shell-sourceable lines for the cached binaries, e.g.
              KUBE_APISERVER=$APISERVER_CACHE/<key>/kube-apiserver
              ETCD=/usr/bin/etcd
              KUBECTL=$KUBECTL_CACHE/kubectl
            Values are printed bare when they need no shell quoting (printf %q otherwise).
            Exits 3 when the test bed is not built (run: $PROG install).
  --help    This text.

Cache: $CACHE_ROOT
Exit codes: 0 ok, 1 a step failed (message names it), 2 usage error, 3 not built (env).
EOF
}

# ---------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------
pkg_installed() {   # true if the Debian package is installed and configured
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

pkg_version() {     # installed version of a Debian package, empty if not installed
  if pkg_installed "$1"; then dpkg-query -W -f='${Version}' "$1" 2>/dev/null || true; fi
}

apt_update_once() {
  if [[ $APT_UPDATED -eq 0 ]]; then
    log "apt-get update (system package lists)"
    apt-get -o DPkg::Lock::Timeout=300 update -qq || die "apt-get update failed"
    APT_UPDATED=1
  fi
}

require_root_for_apt() {
  [[ $(id -u) -eq 0 ]] || die "installing Debian packages needs root (run as root, or install them yourself: $*)"
}

go_version() {      # e.g. go1.19.8
  command -v go >/dev/null 2>&1 || return 0
  go env GOVERSION 2>/dev/null || go version | awk '{print $3}'
}

# Cache key: every input of the build. Empty output if an input (Go, reflect2) is missing.
cache_key() {
  local r2 gov
  r2="$(pkg_version golang-github-modern-go-reflect2-dev)"
  gov="$(go_version)"
  [[ -n "$r2" && -n "$gov" ]] || return 0
  printf '%s_reflect2-%s_%s_%s\n' "$DEB_VERSION" "$r2" "$gov" "$RECIPE_REV"
}

# A cached kube-apiserver is valid if it exists, is executable and reports the expected version.
apiserver_valid() {
  local bin="$1"
  [[ -x "$bin" ]] || return 1
  [[ "$("$bin" --version 2>/dev/null || true)" == "$EXPECTED_VERSION_LINE" ]]
}

# The extracted kubectl is valid if it reports client version v1.20.2.
kubectl_valid() {
  local bin="$1"
  [[ -x "$bin" ]] || return 1
  local out
  out="$("$bin" version --client --short 2>/dev/null || true)"
  [[ "$out" == "Client Version: $KUBE_GIT_VERSION" ]]
}

# Run a long command in its own process group and wait for it. Unlike a foreground command, `wait` is
# interrupted by SIGTERM/SIGINT, so the EXIT trap can stop the whole group and delete the work dir at once
# (e.g. when a test harness kills this script on a timeout).
run_long() {
  local rc=0
  setsid "$@" &
  CHILD_PGID=$!
  wait "$CHILD_PGID" || rc=$?
  CHILD_PGID=""
  return "$rc"
}

# printf NAME=value with shell quoting only when needed (ordinary paths print bare).
print_var() { printf '%s=%q\n' "$1" "$2"; }

# ---------------------------------------------------------------------------------------------------
# install: packages
# ---------------------------------------------------------------------------------------------------
check_os() {
  step "check operating system"
  local id="" codename=""
  if [[ -r /etc/os-release ]]; then
    # shellcheck source=/dev/null
    id="$(. /etc/os-release && echo "${ID:-}")"
    # shellcheck source=/dev/null
    codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
  fi
  [[ "$id" == debian ]] || warn "not Debian (ID=$id): the recipe was only verified on Debian 12 (bookworm)"
  [[ "$codename" == bookworm ]] || warn "release is '$codename', not bookworm: only bookworm (golang-go 1.19) was verified"
  OS_CODENAME="$codename"
}

install_packages() {
  step "install missing Debian packages"
  local missing=() p
  for p in "${REQUIRED_PACKAGES[@]}"; do pkg_installed "$p" || missing+=("$p"); done
  if ! command -v kubectl >/dev/null 2>&1 && ! pkg_installed kubernetes-client; then
    missing+=(kubernetes-client)    # no kubectl at all on PATH: install Debian's (v1.20.2)
  fi
  if [[ ${#missing[@]} -eq 0 ]]; then
    log "all packages present"
    return
  fi
  require_root_for_apt "${missing[*]}"
  apt_update_once
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends \
    "${missing[@]}" >&2 || die "apt-get install ${missing[*]} failed"
  for p in "${missing[@]}"; do pkg_installed "$p" || die "package $p is still not installed"; done
}

# ---------------------------------------------------------------------------------------------------
# install: version-matched kubectl, extracted from the kubernetes-client .deb into the cache
# ---------------------------------------------------------------------------------------------------
extract_kubectl() {
  step "extract kubectl $KUBE_GIT_VERSION from kubernetes-client $DEB_VERSION"
  local target="$KUBECTL_CACHE/kubectl"
  if kubectl_valid "$target"; then
    log "cache hit: $target"
    return
  fi
  mkdir -p "$KUBECTL_CACHE" || die "cannot create $KUBECTL_CACHE"
  DL_DIR="$(mktemp -d "$KUBECTL_CACHE/.download.XXXXXX")" || die "mktemp failed"
  # apt-get download only reads the system package lists; refresh them once if the version is not found.
  # APT::Sandbox::User=root: the download dir is root-only, so do not hand it to the _apt user.
  if ! (cd "$DL_DIR" && apt-get -qq -o APT::Sandbox::User=root download "kubernetes-client=$DEB_VERSION" >&2); then
    require_root_for_apt "(apt-get update)"
    apt_update_once
    (cd "$DL_DIR" && apt-get -qq -o APT::Sandbox::User=root download "kubernetes-client=$DEB_VERSION" >&2) \
      || { warn "apt-get download kubernetes-client=$DEB_VERSION failed: KUBECTL will be the one on PATH"; \
           rm -rf -- "$DL_DIR"; DL_DIR=""; return 0; }
  fi
  local deb
  deb="$(ls "$DL_DIR"/kubernetes-client_*.deb)" || die "no kubernetes-client .deb downloaded"
  dpkg-deb -x "$deb" "$DL_DIR/root" || die "dpkg-deb -x $deb failed"
  kubectl_valid "$DL_DIR/root/usr/bin/kubectl" \
    || die "extracted kubectl does not report $KUBE_GIT_VERSION"
  mv -f "$DL_DIR/root/usr/bin/kubectl" "$target" || die "cannot move kubectl into $KUBECTL_CACHE"   # same fs: atomic
  rm -rf -- "$DL_DIR"; DL_DIR=""
  log "kubectl: $target"
}

# ---------------------------------------------------------------------------------------------------
# install: kube-apiserver build (runs inside the exclusive lock, in a fresh work dir)
# ---------------------------------------------------------------------------------------------------
build_apiserver() {
  local keydir="$1" W="$2" t0=$SECONDS

  # 1. Fetch the source package through a PRIVATE apt configuration: deb-src entries derived from the
  #    machine's own sources, with a private lists dir. Never point a deb-src-only source list at the
  #    system Dir::State::Lists: `apt-get update` would delete the machine's binary package lists.
  step "fetch Debian source package kubernetes=$DEB_VERSION (private apt config in $W/apt)"
  mkdir -p "$W/apt/sources.list.d" "$W/apt/lists/partial"
  : > "$W/apt/sources.list"
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -e "$f" ]] || continue
    sed 's/^Types:.*/Types: deb-src/' "$f" > "$W/apt/sources.list.d/${f##*/}"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -e "$f" ]] || continue
    sed -n 's/^deb[[:space:]]/deb-src /p' "$f" >> "$W/apt/sources.list"
  done
  if [[ -n "${OS_CODENAME:-}" && "$OS_CODENAME" != bookworm ]]; then
    # The source package is bookworm's: point the suite names at bookworm.
    warn "rewriting apt suites $OS_CODENAME -> bookworm in the private source list"
    sed -i "s/\\b$OS_CODENAME\\b/bookworm/g" "$W/apt/sources.list" "$W/apt/sources.list.d/"* 2>/dev/null || true
  fi
  grep -rqs deb-src "$W/apt/sources.list" "$W/apt/sources.list.d" \
    || die "no Debian sources found in /etc/apt to derive deb-src entries from"
  local APT=(-o Dir::Etc::SourceList="$W/apt/sources.list" -o Dir::Etc::SourceParts="$W/apt/sources.list.d"
             -o Dir::State::Lists="$W/apt/lists" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
             -o APT::Sandbox::User=root)
  apt-get "${APT[@]}" update -qq >&2 || die "apt-get update with the private deb-src list failed"
  (cd "$W" && apt-get "${APT[@]}" source -qq "kubernetes=$DEB_VERSION" >&2) \
    || die "apt-get source kubernetes=$DEB_VERSION failed (is that version still in the archive?)"
  rm -rf -- "$W/apt" "$W"/kubernetes_*.tar.* "$W"/kubernetes_*.dsc   # tree is unpacked; save disk
  local src
  src="$(find "$W" -maxdepth 1 -type d -name 'kubernetes-*' | head -n1)"
  [[ -n "$src" && -d "$src/cmd/kube-apiserver" ]] || die "unpacked source tree not found in $W"

  # 2. GOPATH layout: the tree must sit at $GOPATH/src/k8s.io/kubernetes (vendor/ is used in GOPATH mode).
  step "set up GOPATH tree"
  export GOPATH="$W/gopath" GOCACHE="$W/gocache" GO111MODULE=off GOPROXY=off GOFLAGS='' CGO_ENABLED=0 \
         GOTOOLCHAIN=local
  mkdir -p "$GOPATH/src/k8s.io"
  mv "$src" "$GOPATH/src/k8s.io/kubernetes"
  local K="$GOPATH/src/k8s.io/kubernetes"
  cd "$K"

  # 3. Replace the vendored reflect2 v1.0.1 by Debian's 1.0.2. REQUIRED with Go >= 1.18: v1.0.1's
  #    mapiterinit declaration no longer matches the runtime, and the server dies with `fatal error: fault`
  #    in reflect2.(*UnsafeMapType).UnsafeIterate on the first JSON-iterator-encoded map.
  step "replace vendored reflect2 by Debian's golang-github-modern-go-reflect2-dev"
  local R2=vendor/github.com/modern-go/reflect2
  [[ -d "$R2" && -d "$REFLECT2_SRC" ]] || die "missing $K/$R2 or $REFLECT2_SRC"
  find "$R2" -maxdepth 1 -type f \( -name '*.go' -o -name '*.s' \) -delete
  find "$REFLECT2_SRC" -maxdepth 1 -type f \( -name '*.go' -o -name '*.s' \) -exec cp -t "$R2/" {} +
  ls "$R2"/*.go >/dev/null 2>&1 || die "no reflect2 sources copied"

  # 4. Generate pkg/generated/openapi/zz_generated.openapi.go, the only generated file missing from the
  #    tarball. Inputs mirror the KUBE target of Makefile.generated_files.
  step "build openapi-gen"
  run_long go build -o "$W/openapi-gen" ./vendor/k8s.io/kube-openapi/cmd/openapi-gen || die "go build openapi-gen failed"

  step "run openapi-gen"
  local DIRS n
  # pipefail off here: `grep -l` exits 1 for an xargs batch without matches, which is not an error.
  DIRS="$(set +o pipefail
    find -H . -not \( \( -path './_*' -o -path './.*' -o -path ./vendor \) -prune \) -type f -name '*.go' -print0 \
      | xargs -0 grep -lZ '^// *+k8s:' | xargs -0 grep -l '+k8s:openapi-gen=' \
      | sed -e 's|^\./||' -e 's|^staging/src/|vendor/|' -e 's|/[^/]*$||' \
      | grep -v -e '^vendor/k8s.io/code-generator/' -e '^vendor/k8s.io/sample-apiserver/' \
      | LC_ALL=C sort -u | sed 's|^|k8s.io/kubernetes/|' | paste -sd, -)"
  n="$(tr ',' '\n' <<<"$DIRS" | grep -c . || true)"
  log "openapi-gen input packages: $n (80 expected for $KUBE_GIT_VERSION)"
  [[ "$n" -gt 0 ]] || die "no openapi-gen input packages found"
  run_long "$W/openapi-gen" -i "$DIRS" -p k8s.io/kubernetes/pkg/generated/openapi -O zz_generated.openapi \
    -h vendor/k8s.io/code-generator/hack/boilerplate.go.txt -r "$W/violations.report" \
    || die "openapi-gen failed"
  # The API-rule report equal to the committed exceptions list proves the input set is right.
  diff "$W/violations.report" api/api-rules/violation_exceptions.list >&2 \
    || die "openapi-gen API rule violations differ from api/api-rules/violation_exceptions.list"
  [[ -s pkg/generated/openapi/zz_generated.openapi.go ]] || die "zz_generated.openapi.go not generated"

  # 5. Build with version stamps. In GOPATH mode the -X paths must be the vendor paths, otherwise they are
  #    silently ignored and --version prints v0.0.0-master+...
  step "go build kube-apiserver (the long step: ~3-8 min on 2 cores)"
  local DATE V="" p
  DATE="$(date -u -d @"$(dpkg-parsechangelog -l debian/changelog -STimestamp)" +%Y-%m-%dT%H:%M:%SZ)" \
    || die "cannot read the build date from debian/changelog"
  for p in k8s.io/kubernetes/vendor/k8s.io/component-base/version k8s.io/kubernetes/vendor/k8s.io/client-go/pkg/version; do
    V+=" -X $p.gitVersion=$KUBE_GIT_VERSION -X $p.gitMajor=$KUBE_GIT_MAJOR -X $p.gitMinor=$KUBE_GIT_MINOR"
    V+=" -X $p.gitCommit=$KUBE_GIT_COMMIT -X $p.gitTreeState=clean -X $p.buildDate=$DATE"
  done
  run_long go build -trimpath -tags selinux,notest -ldflags "-s -w -buildid= $V" -o "$W/kube-apiserver" ./cmd/kube-apiserver \
    || die "go build ./cmd/kube-apiserver failed"

  step "verify and install the binary into the cache"
  apiserver_valid "$W/kube-apiserver" \
    || die "built binary prints '$("$W/kube-apiserver" --version 2>&1 || true)', expected '$EXPECTED_VERSION_LINE'"
  cd /
  # The work dir is inside the cache dir (same file system), so this mv is an atomic rename.
  mv -f "$W/kube-apiserver" "$keydir/kube-apiserver" || die "cannot move the binary into $keydir"
  log "built in $((SECONDS - t0)) s: $keydir/kube-apiserver"
}

ensure_apiserver() {
  step "check kube-apiserver cache"
  local key keydir bin
  key="$(cache_key)"
  [[ -n "$key" ]] || die "cannot compute the cache key (go or golang-github-modern-go-reflect2-dev missing)"
  keydir="$APISERVER_CACHE/$key"
  bin="$keydir/kube-apiserver"
  log "cache key: $key"
  if [[ "${FORCE:-0}" != 1 ]] && apiserver_valid "$bin"; then
    log "cache hit: $bin"
    return
  fi

  mkdir -p "$keydir" || die "cannot create $keydir"
  step "take build lock $keydir/.lock"
  exec 9>"$keydir/.lock"
  if ! flock -n 9; then
    log "another build holds the lock; waiting for it"
    flock 9 || die "flock on $keydir/.lock failed"
  fi
  # Re-check under the lock: a concurrent run may have built it meanwhile (not when forcing a rebuild).
  if [[ "${FORCE:-0}" != 1 ]] && apiserver_valid "$bin"; then
    log "cache hit after waiting for the lock: $bin"
    exec 9>&-
    return
  fi

  step "prepare work dir"
  local avail
  avail="$(df -Pk "$APISERVER_CACHE" | awk 'NR==2 {print $4}')"
  if [[ -n "$avail" && "$avail" -lt $MIN_FREE_KB ]]; then
    die "only $((avail / 1024)) MB free under $APISERVER_CACHE; the build needs ~1.6 GB"
  fi
  WORK_DIR="$(mktemp -d "$APISERVER_CACHE/.build.XXXXXX")" || die "mktemp failed"
  log "work dir: $WORK_DIR (deleted at the end)"
  build_apiserver "$keydir" "$WORK_DIR"       # cds into the tree and exports GOPATH etc.; cds back to /
  rm -rf -- "$WORK_DIR"; WORK_DIR=""           # GOCACHE (~1.2 GB) goes with it
  exec 9>&-
}

cmd_install() {
  local t0=$SECONDS
  check_os
  install_packages
  extract_kubectl
  ensure_apiserver
  CURRENT_STEP="done"
  log "test bed ready in $((SECONDS - t0)) s; binaries:"
  cmd_env | sed "s/^/$LOG_PREFIX   /" >&2
}

# ---------------------------------------------------------------------------------------------------
# env: print the locations of the cached binaries (no installing, no building)
# ---------------------------------------------------------------------------------------------------
not_built() { printf '%s test bed not built: %s. Run: %s install\n' "$LOG_PREFIX" "$1" "$0" >&2; exit 3; }

cmd_env() {
  CURRENT_STEP="env"
  local key bin etcd kubectl
  key="$(cache_key)"
  [[ -n "$key" ]] || not_built "go or golang-github-modern-go-reflect2-dev is not installed"
  bin="$APISERVER_CACHE/$key/kube-apiserver"
  apiserver_valid "$bin" || not_built "no valid $bin"
  etcd="$(command -v etcd || true)"
  [[ -n "$etcd" ]] || not_built "etcd is not on PATH (Debian package etcd-server)"
  if kubectl_valid "$KUBECTL_CACHE/kubectl"; then
    kubectl="$KUBECTL_CACHE/kubectl"
  else
    kubectl="$(command -v kubectl || true)"
    [[ -n "$kubectl" ]] || not_built "no kubectl in $KUBECTL_CACHE nor on PATH"
  fi
  print_var KUBE_APISERVER "$bin"
  print_var ETCD "$etcd"
  print_var KUBECTL "$kubectl"
}

# ---------------------------------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------------------------------
main() {
  local cmd="install"
  FORCE="${KUBE_TESTBED_FORCE:-0}"
  while [[ $# -gt 0 ]]; do
    case "$1" in
      install|env) cmd="$1" ;;
      --force)     FORCE=1 ;;
      -h|--help|help) usage; exit 0 ;;
      *) printf '%s unknown argument: %s\n\n' "$LOG_PREFIX" "$1" >&2; usage >&2; exit 2 ;;
    esac
    shift
  done
  case "$cmd" in
    install) cmd_install ;;
    env)     cmd_env ;;
  esac
}

main "$@"
