#!/usr/bin/env bash
# Builds LPM and runs its demo, tests or benchmark. See ./run.sh help.
set -euo pipefail

# Debian packages the build needs. Later features add theirs here.
# The qml6-module-* runtime modules do not pull each other in: each is listed.
REQUIRED_PACKAGES="cmake ninja-build g++ qt6-base-dev qt6-base-dev-tools
    qt6-declarative-dev qt6-declarative-dev-tools
    qml6-module-qtqml qml6-module-qtqml-workerscript qml6-module-qtquick
    qml6-module-qtquick-window qml6-module-qttest
    qt6-charts-dev qt6-tools-dev qt6-l10n-tools
    qt6-documentation-tools"
# The fuzz targets are built with clang and its libFuzzer runtime.
FUZZ_PACKAGES="clang libclang-rt-14-dev"

# Relative paths below are the repository's, wherever the script is called from.
cd "$(dirname "${BASH_SOURCE[0]}")"

BUILD_DIR="${LPM_BUILD_DIR:-build}"

usage() {
    cat <<EOF
Usage: ./run.sh COMMAND [ARGS...]

Installs missing build dependencies (as root), builds into \$LPM_BUILD_DIR
(default: build) and then:

  demo   runs the lpm-monitor GUI, passing ARGS on (see ./run.sh demo --help;
         without a display: --offscreen --screenshot FILE --seconds N)
  hello  runs the hello-supervisor example, passing ARGS on
  test   runs the whole test suite, as CI does: the tests with ctest, again built
         with AddressSanitizer and UBSan (in build-sanitize), the threading tests
         under ThreadSanitizer (build-tsan), and the fuzz targets for a bounded
         time (build-fuzz, clang). One pass alone: --plain, --sanitize, --tsan or
         --fuzz; ctest ARGS after it (e.g. ./run.sh test --plain -R tst_codec;
         ARGS alone mean --plain)
  bench  runs lpm-bench, passing ARGS on; with --peers first, runs
         bench/peers/run-all.sh instead (LPM against the original npm
         package, Python's pools and Node's IPC, in one table)
  docs   builds the API reference with qdoc into \$LPM_BUILD_DIR/docs/html (open
         index.html), failing on any qdoc warning or undocumented public API; a
         pass of ./run.sh test too (alone: ./run.sh test --docs)
  help   shows this text
EOF
}

ensure_packages() {
    local missing=() pkg
    for pkg in $REQUIRED_PACKAGES ${EXTRA_PACKAGES:-}; do
        # An unknown package makes dpkg-query fail; that is "missing" too.
        if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" != "install ok installed" ]]; then
            missing+=("$pkg")
        fi
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        return 0
    fi

    if [[ "$(id -u)" -eq 0 ]]; then
        echo "Installing missing packages: ${missing[*]}"
        apt-get update
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
    else
        # Not root: say what to run rather than prompting for a password mid-script.
        echo "Missing packages: ${missing[*]}" >&2
        echo "Install them with:" >&2
        echo "  sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
}

# $1: the LPM_BUILD_* option the command needs; switched on in case an earlier
# configure of the same build directory turned it off.
build() {
    cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "-D$1=ON"
    cmake --build "$BUILD_DIR" -j2
}

# The test passes. Nothing may need a display. --no-tests=error: a build without tests
# must not pass as green. --timeout only covers tests that set no TIMEOUT of their own.
run_ctest() {
    local dir="$1"
    shift
    QT_QPA_PLATFORM=offscreen ctest --test-dir "$dir" --output-on-failure --no-tests=error \
        --timeout 600 "$@"
}

test_plain() {
    build LPM_BUILD_TESTS
    run_ctest "$BUILD_DIR" "$@"
}

# The suite once more, every binary (the workers too) built with ASan and UBSan. The
# package test is left out: it builds a project of its own, without the sanitizers.
test_sanitize() {
    local dir="${BUILD_DIR}-sanitize"
    cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DLPM_SANITIZE=address,undefined -DLPM_BUILD_TESTS=ON \
        -DLPM_BUILD_EXAMPLES=OFF -DLPM_BUILD_BENCH=OFF
    cmake --build "$dir" -j2
    ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=0" \
    LSAN_OPTIONS="suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0" \
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
        run_ctest "$dir" -E "^tst_package$" "$@"
}

# The threading tests under ThreadSanitizer. Qt itself is not instrumented: what it
# synchronises with futexes is suppressed by library, never anything of LPM's.
test_tsan() {
    local dir="${BUILD_DIR}-tsan"
    cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLPM_SANITIZE=thread \
        -DLPM_BUILD_TESTS=ON -DLPM_BUILD_DEMO=OFF -DLPM_BUILD_QML=OFF \
        -DLPM_BUILD_EXAMPLES=OFF -DLPM_BUILD_BENCH=OFF -DLPM_BUILD_TRANSLATIONS=OFF
    cmake --build "$dir" -j2 --target tst_threads tst_requesttable tst_events tst_queue lpm_testworker
    TSAN_OPTIONS="suppressions=$PWD/tests/sanitizers/tsan.supp:halt_on_error=1:second_deadlock_stack=1:die_after_fork=0" \
        run_ctest "$dir" -R "^(tst_threads|tst_requesttable|tst_events|tst_queue)$" "$@"
}

# The API reference in the plain build directory: qdoc, then lpm-doccheck, each of
# which fails the pass on any warning or undocumented public declaration.
test_docs() {
    cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
    cmake --build "$BUILD_DIR" -j2 --target docs
    echo "API reference: $BUILD_DIR/docs/html/index.html"
}

# The fuzz targets, each for LPM_FUZZ_SECONDS (30) from the checked-in corpus.
test_fuzz() {
    local dir="${BUILD_DIR}-fuzz"
    cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_CXX_COMPILER=clang++ -DLPM_BUILD_FUZZERS=ON -DLPM_SANITIZE=address,undefined \
        -DLPM_BUILD_TESTS=OFF -DLPM_BUILD_DEMO=OFF -DLPM_BUILD_QML=OFF \
        -DLPM_BUILD_EXAMPLES=OFF -DLPM_BUILD_BENCH=OFF -DLPM_BUILD_TRANSLATIONS=OFF
    cmake --build "$dir" -j2
    run_ctest "$dir" "$@"
}

command="${1:-}"
if [[ $# -gt 0 ]]; then
    shift
fi

case "$command" in
    demo)
        ensure_packages
        build LPM_BUILD_DEMO
        # The monitor itself explains how to run without a display.
        exec "$BUILD_DIR/demo-gui/lpm-monitor" "$@"
        ;;
    hello)
        ensure_packages
        build LPM_BUILD_EXAMPLES
        exec "$BUILD_DIR/examples/hello-supervisor/hello-supervisor" "$@"
        ;;
    test)
        EXTRA_PACKAGES="$FUZZ_PACKAGES" ensure_packages
        pass="${1:-}"
        case "$pass" in
            --plain) shift; test_plain "$@" ;;
            --sanitize) shift; test_sanitize "$@" ;;
            --tsan) shift; test_tsan "$@" ;;
            --fuzz) shift; test_fuzz "$@" ;;
            --docs) test_docs ;;
            "")
                started=$SECONDS
                for pass in plain docs sanitize tsan fuzz; do
                    echo "== test pass: $pass (at $((SECONDS - started)) s)"
                    "test_$pass"
                done
                echo "== every test pass succeeded in $((SECONDS - started)) s"
                ;;
            *) test_plain "$@" ;;
        esac
        ;;
    docs)
        ensure_packages
        test_docs
        ;;
    bench)
        if [[ "${1:-}" == "--peers" ]]; then
            # It installs and builds what it needs itself, into its own build directory.
            exec bench/peers/run-all.sh
        fi
        ensure_packages
        build LPM_BUILD_BENCH
        exec "$BUILD_DIR/bench/lpm-bench" "$@"
        ;;
    help | -h | --help)
        usage
        ;;
    *)
        if [[ -n "$command" ]]; then
            echo "Unknown command: $command" >&2
        fi
        usage >&2
        exit 2
        ;;
esac
