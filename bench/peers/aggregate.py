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
    ("W3_2w_ms", "W3 start to online, 2 workers (ms)", False),
    ("W3_8w_ms", "W3 start to online, 8 workers (ms)", False),
    ("W4_rss_mib", "W4 idle worker RSS (MiB)", False),
    ("W4_pss_mib", "W4 idle worker PSS (MiB)", False),
    ("W5_mibps", "W5 stream (MiB/s)", True),
    ("W7_hps", "W7 socket handoffs (/s)", True),
]


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
    runs = max((len(v) for v in series.get("lpm", {}).values()), default=0)
    print(f"Medians of {runs} interleaved runs. In brackets: LPM's advantage over that peer "
          "in the same run (>1x: LPM better, i.e. faster or smaller).\n")
    print("| metric | LPM | " + " | ".join(h for _, h in PEERS) + " |")
    print("|---|---:|" + "---:|" * len(PEERS))
    for key, label, higher in METRICS:
        lpm = median(series, "lpm", key)
        cells = []
        for peer, _ in PEERS:
            other = median(series, peer, key)
            ratio = advantage(lpm, other, higher)
            cells.append(fmt(other) + (f" ({ratio:.2f}x)" if ratio is not None else ""))
        print(f"| {label} | {fmt(lpm)} | " + " | ".join(cells) + " |")

    def adv(metric, peer):
        higher = next(h for k, _, h in METRICS if k == metric)
        return advantage(median(series, "lpm", metric), median(series, peer, metric), higher)

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
    ]
    print("\n| target | measured | verdict |\n|---|---:|---|")
    for name, value, ok in targets:
        shown = "-" if value is None else (f"{value:.2f} of the bound" if name.startswith("W1") else f"{value:.2f}x")
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
