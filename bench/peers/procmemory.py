"""Memory figures of a process from /proc (Linux), in MiB, read the same way as
lpm-bench does: VmRSS from status, Pss from smaps_rollup. Also the shared summary
helpers of the Python peers."""

# How long a fresh pool idles before its memory is read, as in lpm-bench.
IDLE_SETTLE_S = 0.2


def field_mib(path, key):
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(key):
                    return int(line[len(key):].split()[0]) / 1024
    except OSError:
        pass
    return 0.0


def idle_memory(pids):
    """The mean RSS and PSS over a set of worker pids."""
    rss = [field_mib(f"/proc/{pid}/status", "VmRSS:") for pid in pids]
    pss = [field_mib(f"/proc/{pid}/smaps_rollup", "Pss:") for pid in pids]
    return {"W4_rss_mib": sum(rss) / len(rss), "W4_pss_mib": sum(pss) / len(pss)}


def quantile(samples, q):
    """The q-quantile (0..1) of samples, by nearest rank, as in lpm-bench."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, int(q * len(ordered))))]
