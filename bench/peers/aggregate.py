#!/usr/bin/env python3
"""Turns the JSON lines of run-all.sh into one markdown table: medians per metric and
peer, each with LPM's advantage over that peer from the same run, then the targets
of the benchmark issue and the W6 figures. Standard library only.

Each input line is {"peer": NAME, "values": {metric: value or [values]}}; lpm-bench's
own line holds {"lpm": {...}, "floor": {...}} as its values.
"""
import json
import statistics
import sys
from collections import defaultdict

PEERS = [  # column order: (key, heading)
    ("original", "load-process-manager 1.3.3"),
    ("executor", "ProcessPoolExecutor"),
    ("pool", "multiprocessing.Pool"),
    ("node-ipc", "Node child_process"),
    ("floor", "socketpair floor"),
]
METRICS = [  # (key, label, higher is better)
    ("W1_p50_us", "W1 sequential p50 (µs)", False),
    ("W1_p99_us", "W1 sequential p99 (µs)", False),
    ("W1_rps", "W1 sequential (req/s)", True),
    ("W2_rps", "W2 pipelined (req/s)", True),
    ("W2_timeout_rps", "W2 with a timeout on every request (req/s)", True),
    ("W2_warm_rps", "W2 again, as warm as the timeout series (req/s)", True),
    ("W3_2w_ms", "W3 start to online, 2 workers (ms)", False),
    ("W3_8w_ms", "W3 start to online, 8 workers (ms)", False),
    ("W3_2w_fork_ms", "W3 from a fork server, 2 workers (ms)", False),
    ("W3_8w_fork_ms", "W3 from a fork server, 8 workers (ms)", False),
    ("W3b_respawn_ms", "W3b respawn, 200 ms start-up (ms)", False),
    ("W3b_respawn_fork_ms", "W3b respawn from a fork server (ms)", False),
    ("W4_rss_mib", "W4 idle worker RSS (MiB)", False),
    ("W4_pss_mib", "W4 idle worker PSS (MiB)", False),
    ("W5_mibps", "W5 stream (MiB/s)", True),
    ("W7_hps", "W7 socket handoffs (/s)", True),
    ("W8_64k_us", "W8 64 KiB round trip (µs)", False),
    ("W8_1m_us", "W8 1 MiB round trip (µs)", False),
    ("W8_16m_us", "W8 16 MiB round trip (µs)", False),
    ("W8_64k_socket_us", "W8 64 KiB, socket only (µs)", False),
    ("W8_1m_socket_us", "W8 1 MiB, socket only (µs)", False),
    ("W8_16m_socket_us", "W8 16 MiB, socket only (µs)", False),
]
# Where a peer's figure is compared with another LPM metric: the fork server's starts
# with the peers' starts, the socket-only W8 with the peers' W8.
PEER_METRIC = {
    "W3_2w_fork_ms": "W3_2w_ms",
    "W3_8w_fork_ms": "W3_8w_ms",
    "W8_64k_socket_us": None,
    "W8_1m_socket_us": None,
    "W8_16m_socket_us": None,
    "W3b_respawn_ms": None,
    "W3b_respawn_fork_ms": None,
    "W2_timeout_rps": "W2_rps",
    "W2_warm_rps": None,
}


def load(lines):
    """peer -> metric -> [raw values]"""
    series = defaultdict(lambda: defaultdict(list))
    for line in lines:
        line = line.strip()
        if not line:
            continue
        record = json.loads(line)
        groups = record["values"] if record["peer"] == "lpm-bench" else {record["peer"]: record["values"]}
        for peer, values in groups.items():
            for metric, value in values.items():
                series[peer][metric].extend(value if isinstance(value, list) else [value])
    return series


def median(series, peer, metric):
    values = series.get(peer, {}).get(metric)
    return statistics.median(values) if values else None


def advantage(lpm, other, higher_is_better):
    """How many times better LPM is (>1: LPM wins), or None."""
    if lpm is None or other is None or lpm == 0 or other == 0:
        return None
    return lpm / other if higher_is_better else other / lpm


def fmt(value):
    if value is None:
        return "-"
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def main():
    series = load(open(sys.argv[1]) if len(sys.argv) > 1 else sys.stdin)
    # Most series have one value per run; W2 with and without timeouts have two.
    lengths = [len(v) for v in series.get("lpm", {}).values()]
    runs = statistics.mode(lengths) if lengths else 0
    print(f"Medians of {runs} interleaved runs (W2 with and without timeouts: of two passes "
          "per run). In brackets: LPM's advantage over that peer in the same run (>1x: LPM "
          "better, i.e. faster or smaller).\n")
    print("| metric | LPM | " + " | ".join(h for _, h in PEERS) + " |")
    print("|---|---:|" + "---:|" * len(PEERS))
    for key, label, higher in METRICS:
        lpm = median(series, "lpm", key)
        cells = []
        peer_key = PEER_METRIC.get(key, key)
        for peer, _ in PEERS:
            other = median(series, peer, peer_key) if peer_key else None
            ratio = advantage(lpm, other, higher)
            cells.append(fmt(other) + (f" ({ratio:.2f}x)" if ratio is not None else ""))
        print(f"| {label} | {fmt(lpm)} | " + " | ".join(cells) + " |")

    def adv(metric, peer, peer_metric=None):
        higher = next(h for k, _, h in METRICS if k == metric)
        return advantage(median(series, "lpm", metric), median(series, peer, peer_metric or metric), higher)

    def lpm_ratio(slower, faster):
        """LPM's figure for one metric over its figure for another, in the same runs."""
        a, b = median(series, "lpm", slower), median(series, "lpm", faster)
        return None if a is None or b is None or b == 0 else a / b

    def paired_ratio(slower, faster):
        """The median of one LPM figure over another, pair by pair (each pair from one run)."""
        a, b = series.get("lpm", {}).get(slower), series.get("lpm", {}).get(faster)
        if not a or not b or len(a) != len(b) or 0 in b:
            return None
        return statistics.median(x / y for x, y in zip(a, b))

    def at_most_behind(value, share):
        return None if value is None else value >= 1 - share

    def ahead_of_all(metric):
        ratios = [adv(metric, peer) for peer in ("executor", "pool", "node-ipc")]
        ratios = [r for r in ratios if r is not None]
        return (min(ratios) if ratios else None), (min(ratios) > 1 if ratios else None)

    def verdict(ok):
        return "n/a" if ok is None else ("holds" if ok else "MISSED")

    def at_least(value, bound):
        return None if value is None else value >= bound

    p50, floor_p50 = median(series, "lpm", "W1_p50_us"), median(series, "floor", "W1_p50_us")
    targets = [
        ("W2 >= 10x the original", adv("W2_rps", "original"), at_least(adv("W2_rps", "original"), 10)),
        ("W2 >= 3x ProcessPoolExecutor", adv("W2_rps", "executor"), at_least(adv("W2_rps", "executor"), 3)),
        ("W2 >= 30 % of the pipelined floor", adv("W2_rps", "floor"), at_least(adv("W2_rps", "floor"), 0.3)),
        ("W1 p50 <= 2x floor p50 + 20 µs",
         None if p50 is None or floor_p50 is None else p50 / (2 * floor_p50 + 20),
         None if p50 is None or floor_p50 is None else p50 <= 2 * floor_p50 + 20),
        ("W5 >= 70 % of the raw stream floor", adv("W5_mibps", "floor"), at_least(adv("W5_mibps", "floor"), 0.7)),
        ("W3 (2 workers) no slower than the original", adv("W3_2w_ms", "original"),
         at_least(adv("W3_2w_ms", "original"), 1)),
        ("W3 (8 workers) no slower than the original", adv("W3_8w_ms", "original"),
         at_least(adv("W3_8w_ms", "original"), 1)),
        ("W4 RSS <= 1/3 of the original's worker", adv("W4_rss_mib", "original"),
         at_least(adv("W4_rss_mib", "original"), 3)),
        ("W1 p50 <= 2x the floor's p50", None if p50 is None or floor_p50 is None else p50 / (2 * floor_p50),
         None if p50 is None or floor_p50 is None else p50 <= 2 * floor_p50),
        ("W2 >= 3x Node child_process", adv("W2_rps", "node-ipc"), at_least(adv("W2_rps", "node-ipc"), 3)),
        ("W2 >= 25x the original", adv("W2_rps", "original"), at_least(adv("W2_rps", "original"), 25)),
        # Against a plain pass as warm as the timeout series, run by run.
        ("W2 with timeouts within 5 % of W2", paired_ratio("W2_timeout_rps", "W2_warm_rps"),
         at_most_behind(paired_ratio("W2_timeout_rps", "W2_warm_rps"), 0.05)),
        ("W3 fork server (2 workers) <= 1/2 of multiprocessing.Pool", adv("W3_2w_fork_ms", "pool", "W3_2w_ms"),
         at_least(adv("W3_2w_fork_ms", "pool", "W3_2w_ms"), 2)),
        ("W3 fork server (8 workers) <= 1/2 of multiprocessing.Pool", adv("W3_8w_fork_ms", "pool", "W3_8w_ms"),
         at_least(adv("W3_8w_fork_ms", "pool", "W3_8w_ms"), 2)),
        ("W3b respawn >= 20x faster from a fork server", lpm_ratio("W3b_respawn_ms", "W3b_respawn_fork_ms"),
         at_least(lpm_ratio("W3b_respawn_ms", "W3b_respawn_fork_ms"), 20)),
        ("W8 1 MiB >= 3x LPM through the socket", lpm_ratio("W8_1m_socket_us", "W8_1m_us"),
         at_least(lpm_ratio("W8_1m_socket_us", "W8_1m_us"), 3)),
        ("W8 16 MiB >= 3x LPM through the socket", lpm_ratio("W8_16m_socket_us", "W8_16m_us"),
         at_least(lpm_ratio("W8_16m_socket_us", "W8_16m_us"), 3)),
        ("W8 64 KiB ahead of every peer",) + ahead_of_all("W8_64k_us"),
        ("W8 1 MiB ahead of every peer",) + ahead_of_all("W8_1m_us"),
        ("W8 16 MiB ahead of every peer",) + ahead_of_all("W8_16m_us"),
    ]
    print("\n| target | measured | verdict |\n|---|---:|---|")
    for name, value, ok in targets:
        if value is None:
            shown = "-"
        elif name.startswith("W1"):
            shown = f"{value:.2f} of the bound"
        elif "within" in name:
            shown = f"{value:.3f} of W2"
        else:
            shown = f"{value:.2f}x"
        print(f"| {name} | {shown} | {verdict(ok)} |")

    lpm = series.get("lpm", {})
    w6 = sorted(k for k in lpm if k.startswith("W6_"))
    if w6:
        print("\nW6, LPM alone (median): dispatch decision by pool size; enqueue and drain per "
              "request by queue length\n\n| metric | value |\n|---|---:|")
        for key in w6:
            print(f"| {key} | {statistics.median(lpm[key]):.3g} |")
    # The raw values behind every median, for whoever doubts one.
    print("\n<details><summary>raw values</summary>\n")
    for peer in ["lpm"] + [p for p, _ in PEERS]:
        for key, values in sorted(series.get(peer, {}).items()):
            print(f"- {peer} {key}: " + " ".join(f"{v:.4g}" for v in values))
    print("\n</details>")
    extra = [k for k in ("W5_peak_supervisor_mib", "W5_peak_worker_mib") if k in lpm]
    for key in extra:
        print(f"\n{key}: {statistics.median(lpm[key]):.3g} MiB", end="")
    if extra:
        print()


if __name__ == "__main__":
    main()
