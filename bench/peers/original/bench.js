// The workloads of lpm-bench on the original npm package load-process-manager 1.3.3.
// One pool per process: the package's supervisor exits its own process once its
// workers are gone, so each pool size is a separate run of this script.
//
//   node bench.js --workers 2 [--sequential N --pipelined N]   W1 W2 W3 W4 (W7)
//   node bench.js --workers 8 --start-only 1                    W3 only
//
// Prints one JSON object of metric -> value on stdout.
'use strict';
const cluster = require('cluster');
const path = require('path');
const { idleMemory, IDLE_SETTLE_MS, quantile, options } = require('../procmemory');
const { sequential, pipelined, handoffs } = require('../workloads');

const opts = options({ workers: 2, sequential: 10000, pipelined: 100000, handoffs: 5000, 'start-only': 0 });
const lpm = require(process.env.LPM_ORIGINAL_MODULE);
const PAYLOAD = { Hello: 'World' };

const supervisor = lpm.supervisor({
    worker: { file: path.join(__dirname, 'worker.js'), count: opts.workers },
});
const result = {};
const now = () => Number(process.hrtime.bigint()) / 1e6; // ms
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
// health() reports no pids (it reads a field the package never sets), so ask cluster.
const workerPids = () => Object.values(cluster.workers).map((w) => w.process.pid);

// The peer's own call, for the shared workloads.
const send = () => supervisor.enqueue(PAYLOAD);


// The package listens on fixed /tmp socket paths and leaves the workers' behind.
const fs = require('fs');
process.on('exit', () => {
    for (const pid of [process.pid, ...knownPids])
        for (const side of ['parent', 'child'])
            try { fs.unlinkSync(`/tmp/lpm-${side}-${pid}.sock`); } catch (e) { /* gone */ }
});
let knownPids = [];

async function main() {
    const t0 = now();
    supervisor.start();
    await new Promise((resolve) => supervisor.once('online', resolve));
    result[`W3_${opts.workers}w_ms`] = now() - t0;
    knownPids = workerPids();
    if (!opts['start-only']) {
        await sleep(IDLE_SETTLE_MS);
        Object.assign(result, idleMemory(workerPids()));
        await sequential(1000, send); // warm-up, as LPM gets
        const seq = await sequential(opts.sequential, send);
        result.W1_p50_us = quantile(seq.latencies, 0.5);
        result.W1_p99_us = quantile(seq.latencies, 0.99);
        result.W1_rps = seq.perSecond;
        result.W2_rps = await pipelined(opts.pipelined, send);
        if (opts.handoffs > 0)
            result.W7_hps = await handoffs(opts.handoffs, (socket) => supervisor.enqueue(PAYLOAD, socket));
    }
    process.stdout.write(JSON.stringify(result) + '\n');
    supervisor.hardKill(); // the package then exits this process itself
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
