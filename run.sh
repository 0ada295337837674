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
    qt6-documentation-tools libclang-common-15-dev"
# The fuzz targets are built with clang and its libFuzzer runtime.
FUZZ_PACKAGES="clang libclang-rt-14-dev"
# The remote-worker tests start their own sshd (also in a network namespace) and a
# single-node Slurm.
REMOTE_TEST_PACKAGES="openssh-server openssh-client iproute2 munge slurmctld slurmd slurm-client"
# CPack runs dpkg-shlibdeps and file to make the Debian packages.
DEB_TOOL_PACKAGES="dpkg-dev file"

# Relative paths below are the repository's, wherever the script is called from.
cd "$(dirname "${BASH_SOURCE[0]}")"

BUILD_DIR="${LPM_BUILD_DIR:-build}"
PACKAGE_DIR="${BUILD_DIR}-package"
# What a package pass installed, written before it installs: a pass that was killed
# before it could remove them is cleaned up by the next one, from any checkout.
PACKAGE_PASS_STATE=/var/lib/lpm-package-pass/installed

usage() {
    cat <<EOF
Usage: ./run.sh COMMAND [ARGS...]

Installs missing build dependencies (as root), builds into \$LPM_BUILD_DIR
(default: build) and then:

  demo   runs the lpm-monitor GUI, passing ARGS on (see ./run.sh demo --help;
         without a display: --offscreen --screenshot FILE --seconds N)
  hello  runs the hello-supervisor example, passing ARGS on
  package
         builds the Debian packages liblpm0, liblpm-dev and qml6-module-lpm (a
         release build for the prefix /usr, in build-package) and prints their paths
  test   runs the whole test suite, as CI does: the tests with ctest, again built
         with AddressSanitizer and UBSan (in build-sanitize), the threading tests
         under ThreadSanitizer (build-tsan), the fuzz targets for a bounded
         time (build-fuzz, clang), and the Debian packages installed with apt-get,
         built against and removed again (as root only). The remote-worker tests
         start an sshd, a second one in a network namespace and a single-node
         Slurm themselves (as root; otherwise those rows skip, and fail under
         CI=1). One pass alone: --plain,
         --sanitize, --tsan, --fuzz or --package; ctest ARGS after it (e.g.
         ./run.sh test --plain -R tst_codec; ARGS alone mean --plain)
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

# A release build for the prefix /usr with the QML module where Debian's Qt looks for
# QML modules, packed by CPack into one .deb per install component
# (cmake/LpmPackaging.cmake). Leaves only these .debs in $PACKAGE_DIR.
make_packages() {
    local qml_dir debs deb
    qml_dir="$(qtpaths6 --query QT_INSTALL_QML)" # /usr/lib/<multiarch>/qt6/qml
    # No RPATH: the libraries and the plugin find each other in the system's paths.
    cmake -S . -B "$PACKAGE_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_INSTALL_PREFIX=/usr "-DLPM_INSTALL_QMLDIR=${qml_dir#/usr/}" \
        -DCMAKE_SKIP_INSTALL_RPATH=ON -DLPM_BUILD_QML=ON -DLPM_BUILD_TRANSLATIONS=ON \
        -DLPM_BUILD_TESTS=OFF -DLPM_BUILD_DEMO=OFF -DLPM_BUILD_EXAMPLES=OFF \
        -DLPM_BUILD_BENCH=OFF
    cmake --build "$PACKAGE_DIR" -j2
    rm -f "$PACKAGE_DIR"/*.deb
    (cd "$PACKAGE_DIR" && cpack -G DEB)
    # These three and no more: a file installed outside the components would have
    # made a package of its own.
    debs="$(for deb in "$PACKAGE_DIR"/*.deb; do dpkg-deb -f "$deb" Package; done | LC_ALL=C sort | xargs)"
    if [[ ! "$debs" =~ ^liblpm-dev\ liblpm[0-9]+\ qml6-module-lpm$ ]]; then
        echo "cpack made the packages '$debs'; expected liblpm-dev, liblpm<SOVERSION> and" \
             "qml6-module-lpm (an install() without a COMPONENT?)" >&2
        exit 1
    fi
}

# What dpkg knows as present, one package a line: installed, and also half-installed
# or only configuration files left, so that nothing there before counts as ours.
installed_packages() {
    dpkg-query -W -f='${db:Status-Status} ${Package}\n' | awk '$1 != "not-installed" { print $2 }' |
        LC_ALL=C sort -u
}

# Removes what an earlier package pass installed and could not remove (it was killed).
recover_interrupted_package_pass() {
    local left
    [[ -f "$PACKAGE_PASS_STATE" ]] || return 0
    left="$(LC_ALL=C comm -12 <(LC_ALL=C sort -u "$PACKAGE_PASS_STATE") <(installed_packages) | xargs)"
    if [[ -n "$left" ]]; then
        echo "An earlier package pass was interrupted; removing what it installed: $left"
        DEBIAN_FRONTEND=noninteractive dpkg --configure -a || true
        # shellcheck disable=SC2086 # one word each
        DEBIAN_FRONTEND=noninteractive apt-get purge -y $left
    fi
    rm -f "$PACKAGE_PASS_STATE"
}

# The package pass changes the system, so it runs only where it can undo that and
# leaves alone what it did not install.
check_package_pass_allowed() {
    local others
    if [[ "$(id -u)" -ne 0 ]]; then
        echo "The package pass installs and removes Debian packages and needs root:" \
             "sudo ./run.sh test --package (or run the other passes alone)." >&2
        exit 1
    fi
    recover_interrupted_package_pass
    others="$(dpkg-query -W -f='${db:Status-Status} ${Package} ${Version}\n' 'liblpm*' \
                  qml6-module-lpm 2>/dev/null || true)"
    others="$(awk '$1 != "not-installed" { print $2, $3 }' <<<"$others" | xargs)"
    if [[ -n "$others" ]]; then
        echo "LPM packages are installed already ($others). The package pass installs its" \
             "own and removes them afterwards; remove these first (apt-get purge ...)." >&2
        exit 1
    fi
}

# Whatever the package pass installed: its own packages and any dependency apt-get
# pulled in for them, nothing that was there before.
remove_pass_packages() {
    local added
    added="$(LC_ALL=C comm -12 <(LC_ALL=C comm -13 <(echo "$PACKAGES_BEFORE") <(installed_packages)) \
                      <(echo "$PACKAGES_PULLED") | xargs)"
    if [[ -n "$added" ]]; then
        echo "Removing what the package pass installed: $added"
        # shellcheck disable=SC2086 # one word each
        DEBIAN_FRONTEND=noninteractive apt-get purge -y $added
    fi
    rm -f "$PACKAGE_PASS_STATE"
}

# The packages as a user gets them: installed with apt-get, which takes their
# dependencies from the archive; the consumer project configured against /usr with
# find_package(Lpm) and nothing else, run, and its QML application importing Lpm
# from Qt's own QML directory with no import path set. Then everything the pass
# installed is removed and checked gone.
test_package() {
    local deb path consumer lpm_dir qml_dir library linked output
    check_package_pass_allowed
    make_packages
    for deb in "$PACKAGE_DIR"/*.deb; do
        # A file from a `cmake --install --prefix /usr` would be overwritten, then removed.
        for path in $(dpkg-deb --fsys-tarfile "$deb" | tar -t | sed -e 's|^\./|/|' -e '/\/$/d'); do
            if [[ -e "$path" || -L "$path" ]]; then
                echo "$path exists and belongs to no LPM package: remove it first." >&2
                exit 1
            fi
        done
    done

    PACKAGES_BEFORE="$(installed_packages)"
    PACKAGES_PULLED="$(cd "$PACKAGE_DIR" && apt-get install -s --no-install-recommends ./*.deb |
                           awk '$1 == "Inst" { sub(/:.*/, "", $2); print $2 }' | LC_ALL=C sort -u)"
    # Written first: if this pass is killed, the next one removes these.
    mkdir -p "$(dirname "$PACKAGE_PASS_STATE")"
    LC_ALL=C comm -13 <(echo "$PACKAGES_BEFORE") <(echo "$PACKAGES_PULLED") >"$PACKAGE_PASS_STATE"
    trap remove_pass_packages EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    (cd "$PACKAGE_DIR" &&
         DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ./*.deb)

    lpm_dir="$(dirname "$(dpkg -L liblpm-dev | grep '/cmake/Lpm/LpmConfig\.cmake$')")"
    library="$(dpkg -L "$(dpkg-deb -f "$PACKAGE_DIR"/liblpm[0-9]*.deb Package)" |
                   grep '/liblpm\.so\.[0-9]*$')"
    qml_dir="$(dirname "$(dpkg -L qml6-module-lpm | grep '/Lpm/qmldir$')")"
    consumer="$PACKAGE_DIR/consumer"
    rm -rf "$consumer"
    # No prefix, library or import path: only what the system finds by itself.
    local clean=(env -u CMAKE_PREFIX_PATH -u LD_LIBRARY_PATH -u QML_IMPORT_PATH
                 -u QML2_IMPORT_PATH -u QT_PLUGIN_PATH)
    "${clean[@]}" cmake -S tests/package/consumer -B "$consumer" -G Ninja
    if ! grep -qx "Lpm_DIR:PATH=$lpm_dir" "$consumer/CMakeCache.txt"; then
        echo "find_package(Lpm) found $(grep '^Lpm_DIR' "$consumer/CMakeCache.txt"), not $lpm_dir" >&2
        exit 1
    fi
    "${clean[@]}" cmake --build "$consumer" -j2
    linked="$("${clean[@]}" ldd "$consumer/lpm-consumer" | awk '$1 ~ /^liblpm\.so/ { print $3 }')"
    if [[ "$(readlink -f "$linked")" != "$(readlink -f "$library")" ]]; then
        echo "lpm-consumer loads '$linked', not the packaged $library" >&2
        exit 1
    fi
    output="$("${clean[@]}" timeout 120 "$consumer/lpm-consumer" 2>&1)" || { echo "$output" >&2; exit 1; }
    echo "$output"
    if [[ "$output" != *"consumer ok"* ]]; then
        echo "lpm-consumer did not say it was ok" >&2
        exit 1
    fi
    # The trace names the qmldir the engine read: it must be the packaged one.
    output="$("${clean[@]}" QML_IMPORT_TRACE=1 QT_QPA_PLATFORM=offscreen \
                  timeout 120 "$consumer/lpm-qml-consumer" 2>&1)" || { echo "$output" >&2; exit 1; }
    if [[ "$output" != *"qml consumer ok"* || "$output" != *"$qml_dir/qmldir"* ]]; then
        echo "$output" >&2
        echo "lpm-qml-consumer did not import Lpm from $qml_dir" >&2
        exit 1
    fi
    echo "qml consumer ok, Lpm imported from $qml_dir"

    remove_pass_packages
    trap - EXIT INT TERM
    for path in "$lpm_dir" "$library" "$qml_dir"; do
        if [[ -e "$path" ]]; then
            echo "$path is still there after removing the packages" >&2
            exit 1
        fi
    done
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
    package)
        EXTRA_PACKAGES="$DEB_TOOL_PACKAGES" ensure_packages
        make_packages
        echo "Debian packages:"
        for deb in "$PACKAGE_DIR"/*.deb; do
            echo "  $(readlink -f "$deb")"
        done
        ;;
    test)
        EXTRA_PACKAGES="$FUZZ_PACKAGES $DEB_TOOL_PACKAGES $REMOTE_TEST_PACKAGES" ensure_packages
        pass="${1:-}"
        case "$pass" in
            --plain) shift; test_plain "$@" ;;
            --sanitize) shift; test_sanitize "$@" ;;
            --tsan) shift; test_tsan "$@" ;;
            --fuzz) shift; test_fuzz "$@" ;;
            --docs) test_docs ;;
            --package) test_package ;;
            "")
                # The package pass changes the system: as root only (CI runs as root);
                # refused at once rather than after the other passes.
                passes="plain docs sanitize tsan fuzz"
                if [[ "$(id -u)" -eq 0 ]]; then
                    check_package_pass_allowed
                    passes="$passes package"
                else
                    echo "Not root: the package pass (which installs and removes the" \
                         ".debs) is left out; sudo ./run.sh test --package runs it." >&2
                fi
                started=$SECONDS
                for pass in $passes; do
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
