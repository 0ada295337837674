#!/usr/bin/env bash
# Builds lpm-bench, runs it and the same workloads on the peers users would pick
# instead, interleaved run by run so that a noisy machine touches all alike, and
# prints one markdown table of medians with LPM's advantage over each peer.
#
#   bench/peers/run-all.sh            (or: ./run.sh bench --peers)
#
# Environment: RUNS (3), JOBS (build jobs, 1), LPM_BENCH_BUILD_DIR (build-bench),
# SEQUENTIAL (10000), PIPELINED (100000), STREAM_MIB (256), HANDOFFS (5000),
# QUEUE_MAX (1000000, W6's largest queue). The original npm package is installed
# into a scratch directory that is removed at the end; the raw results stay in
# $LPM_BENCH_BUILD_DIR/peers-results.jsonl.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
PEERS_DIR="$PWD"
ROOT="$(cd ../.. && pwd)"

RUNS="${RUNS:-3}"
JOBS="${JOBS:-1}"
BUILD_DIR="${LPM_BENCH_BUILD_DIR:-$ROOT/build-bench}"
SEQUENTIAL="${SEQUENTIAL:-10000}"
PIPELINED="${PIPELINED:-100000}"
STREAM_MIB="${STREAM_MIB:-256}"
HANDOFFS="${HANDOFFS:-5000}"
QUEUE_MAX="${QUEUE_MAX:-1000000}"
ORIGINAL="load-process-manager@1.3.3"

# Debian packages: the build's, and the peers' runtimes.
PACKAGES="cmake ninja-build g++ qt6-base-dev qt6-base-dev-tools nodejs npm python3"
missing=()
for pkg in $PACKAGES; do
    if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" != "install ok installed" ]]; then
        missing+=("$pkg")
    fi
done
# Node may come from elsewhere than Debian; what matters is that the commands exist.
if command -v node >/dev/null && command -v npm >/dev/null; then
    missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
    read -r -a missing <<<"${missing[*]}"
fi
if [[ ${#missing[@]} -gt 0 ]]; then
    if [[ "$(id -u)" -ne 0 ]]; then
        echo "Missing packages: ${missing[*]} (run: sudo apt-get install -y ${missing[*]})" >&2
        exit 1
    fi
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

# Only the library and the benchmark: the tests and examples are not needed here.
echo "Building lpm-bench in $BUILD_DIR ..." >&2
cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DLPM_BUILD_BENCH=ON -DLPM_BUILD_TESTS=OFF -DLPM_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$BUILD_DIR" -j"$JOBS" >/dev/null

SCRATCH="$(mktemp -d)"
trap 'rm -rf "$SCRATCH"' EXIT
echo "Installing $ORIGINAL into a scratch directory ..." >&2
npm install --prefix "$SCRATCH" --no-audit --no-fund --no-save --loglevel=error "$ORIGINAL" >/dev/null
export LPM_ORIGINAL_MODULE="$SCRATCH/node_modules/load-process-manager"
export PYTHONDONTWRITEBYTECODE=1
RESULTS="$SCRATCH/results.jsonl"

# record NAME COMMAND...: runs one measurement and keeps its JSON line under NAME.
record() {
    local name="$1" out
    shift
    echo "  $name: $*" >&2
    out="$("$@")"
    printf '{"peer":"%s","values":%s}\n' "$name" "$out" >>"$RESULTS"
}

SIZES=(--sequential "$SEQUENTIAL" --pipelined "$PIPELINED")
for ((run = 1; run <= RUNS; ++run)); do
    echo "Run $run of $RUNS" >&2
    record lpm-bench "$BUILD_DIR/bench/lpm-bench" --json --runs 1 --first-run "$((run - 1))" "${SIZES[@]}" \
        --stream-mib "$STREAM_MIB" --handoffs "$HANDOFFS" --queue-max "$QUEUE_MAX"
    # The package runs unchanged on Node 20; only its deprecation warnings are hushed.
    record original env NODE_OPTIONS=--no-deprecation node original/bench.js --workers 2 \
        "${SIZES[@]}" --handoffs "$HANDOFFS"
    record original env NODE_OPTIONS=--no-deprecation node original/bench.js --workers 8 --start-only 1
    for kind in executor pool; do
        record "$kind" python3 python/pools.py --kind "$kind" --workers 2 "${SIZES[@]}"
        record "$kind" python3 python/pools.py --kind "$kind" --workers 8 --start-only 1
        record "$kind" python3 python/pools.py --kind "$kind" --workers 2 --large 1
    done
    record node-ipc node node-ipc/bench.js --workers 2 "${SIZES[@]}" --handoffs "$HANDOFFS" \
        --stream-mib "$STREAM_MIB"
    record node-ipc node node-ipc/bench.js --workers 8 --start-only 1
    record node-ipc node node-ipc/bench.js --workers 2 --large 1
done

echo >&2
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
    "$(free -g | awk '/Mem:/ {print $2}') GiB; Qt $(qtpaths6 --qt-version 2>/dev/null || echo 6)," \
    "Node $(node --version), $(python3 --version)"
echo
python3 "$PEERS_DIR/aggregate.py" "$RESULTS"
# Kept, so that the table can be made again: python3 bench/peers/aggregate.py FILE
cp "$RESULTS" "$BUILD_DIR/peers-results.jsonl"
