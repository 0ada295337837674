#!/usr/bin/env bash
# Builds LPM and runs its demo, tests or benchmark. See ./run.sh help.
set -euo pipefail

# Debian packages the build needs. Later features add theirs here.
# The qml6-module-* runtime modules do not pull each other in: each is listed.
REQUIRED_PACKAGES="cmake ninja-build g++ qt6-base-dev qt6-base-dev-tools
    qt6-declarative-dev qt6-declarative-dev-tools
    qml6-module-qtqml qml6-module-qtqml-workerscript qml6-module-qtquick
    qml6-module-qtquick-window qml6-module-qttest
    qt6-charts-dev qt6-tools-dev qt6-l10n-tools"

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
  test   runs the test suite with ctest, passing ARGS on (e.g. -R tst_codec)
  bench  runs lpm-bench, passing ARGS on; with --peers first, runs
         bench/peers/run-all.sh instead (LPM against the original npm
         package, Python's pools and Node's IPC, in one table)
  help   shows this text
EOF
}

ensure_packages() {
    local missing=() pkg
    for pkg in $REQUIRED_PACKAGES; do
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
        ensure_packages
        build LPM_BUILD_TESTS
        # Nothing may need a display. --no-tests=error: a build without tests must not
        # pass as green. --timeout only covers tests that set no TIMEOUT of their own.
        export QT_QPA_PLATFORM=offscreen
        exec ctest --test-dir "$BUILD_DIR" --output-on-failure --no-tests=error \
            --timeout 600 "$@"
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
