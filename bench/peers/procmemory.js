// Memory figures of a process from /proc (Linux), in MiB, read the same way as
// lpm-bench does: VmRSS from status, Pss from smaps_rollup.
'use strict';
const fs = require('fs');

function fieldMiB(path, key) {
    try {
        const line = fs.readFileSync(path, 'utf8').split('\n').find((l) => l.startsWith(key));
        return line ? parseInt(line.slice(key.length), 10) / 1024 : 0;
    } catch (e) {
        return 0;
    }
}

const rssMiB = (pid) => fieldMiB(`/proc/${pid}/status`, 'VmRSS:');
const pssMiB = (pid) => fieldMiB(`/proc/${pid}/smaps_rollup`, 'Pss:');
const mean = (values) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

// The mean RSS and PSS over a set of worker pids.
function idleMemory(pids) {
    return { W4_rss_mib: mean(pids.map(rssMiB)), W4_pss_mib: mean(pids.map(pssMiB)) };
}

// How long a fresh pool idles before its memory is read, as in lpm-bench.
const IDLE_SETTLE_MS = 200;

// The q-quantile (0..1) of samples, by nearest rank, as in lpm-bench.
function quantile(samples, q) {
    const sorted = Float64Array.from(samples).sort();
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * sorted.length)))];
}

// --name value pairs from argv, with defaults.
function options(defaults) {
    const out = Object.assign({}, defaults);
    const argv = process.argv.slice(2);
    for (let i = 0; i + 1 < argv.length; i += 2)
        out[argv[i].replace(/^--/, '')] = Number(argv[i + 1]);
    return out;
}

module.exports = { idleMemory, IDLE_SETTLE_MS, quantile, options };
