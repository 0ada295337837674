// The workloads of lpm-bench on Node's raw child_process IPC (fork + process.send):
// what a user would write instead of a pool library. Requests go round-robin; answers
// find their promise by id.
//
//   node bench.js --workers 2 [--sequential N --pipelined N --handoffs N --stream-mib N]
//   node bench.js --workers 8 --start-only 1
//   node bench.js --workers 2 --large 1   (W8 only, with serialization: 'advanced',
//                                          which carries a Buffer as bytes)
//
// Prints one JSON object of metric -> value on stdout.
'use strict';
const { fork } = require('child_process');
const path = require('path');
const { idleMemory, IDLE_SETTLE_MS, quantile, options } = require('../procmemory');
const { sequential, pipelined, handoffs } = require('../workloads');

const opts = options({ workers: 2, sequential: 10000, pipelined: 100000, handoffs: 5000,
                       'stream-mib': 256, 'start-only': 0, large: 0 });
const PAYLOAD = { Hello: 'World' };
const now = () => Number(process.hrtime.bigint()) / 1e6; // ms
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const pending = new Map();
let nextId = 0;
let turn = 0;
let workers = [];

function startPool(count) {
    return Promise.all(Array.from({ length: count }, () => new Promise((resolve) => {
        const child = fork(path.join(__dirname, 'worker.js'), [], {
            stdio: ['pipe', 'inherit', 'inherit', 'ipc'],
            serialization: opts.large ? 'advanced' : 'json',
        });
        child.on('message', (m) => {
            if (m.ready)
                return resolve(child);
            const settle = pending.get(m.id);
            pending.delete(m.id);
            if (settle)
                settle(m.data);
        });
        workers.push(child);
    })));
}

function enqueue(data, socket) {
    const id = nextId++;
    const child = workers[turn++ % workers.length];
    return new Promise((resolve) => {
        pending.set(id, resolve);
        child.send({ id, data }, socket);
    });
}

// The peer's own call, for the shared workloads.
const send = () => enqueue(PAYLOAD);

// The raw stream: bytes written to the first worker's stdin pipe in 256 KiB blocks.
async function stream(mib) {
    const child = workers[0];
    const block = Buffer.alloc(256 * 1024);
    const done = new Promise((resolve) => pending.set('stream', resolve));
    const start = now();
    for (let i = 0; i < mib * 4; ++i) {
        if (!child.stdin.write(block))
            await new Promise((resolve) => child.stdin.once('drain', resolve));
    }
    child.stdin.end();
    await done;
    return mib / ((now() - start) / 1000);
}


// W8: the median µs of echoing a Buffer of each size, as lpm-bench.
async function largeRoundTrips() {
    const result = {};
    for (const [label, size, rounds] of [['64k', 64 << 10, 200], ['1m', 1 << 20, 50], ['16m', 16 << 20, 10]]) {
        const payload = Buffer.alloc(size);
        for (let i = 0; i < 2; ++i)
            await enqueue(payload); // warm-up, as LPM gets
        const times = [];
        for (let i = 0; i < rounds; ++i) {
            const start = now();
            const answer = await enqueue(payload);
            if (answer.length !== size)
                throw new Error('W8 echoed the wrong number of bytes');
            times.push((now() - start) * 1000);
        }
        result[`W8_${label}_us`] = quantile(times, 0.5);
    }
    return result;
}

async function main() {
    const result = {};
    const t0 = now();
    await startPool(opts.workers);
    result[`W3_${opts.workers}w_ms`] = now() - t0;
    if (opts.large) {
        console.log(JSON.stringify(await largeRoundTrips()));
        workers.forEach((w) => w.kill());
        return;
    }
    if (!opts['start-only']) {
        await sleep(IDLE_SETTLE_MS);
        Object.assign(result, idleMemory(workers.map((w) => w.pid)));
        await sequential(1000, send); // warm-up, as LPM gets
        const seq = await sequential(opts.sequential, send);
        result.W1_p50_us = quantile(seq.latencies, 0.5);
        result.W1_p99_us = quantile(seq.latencies, 0.99);
        result.W1_rps = seq.perSecond;
        result.W2_rps = await pipelined(opts.pipelined, send);
        if (opts.handoffs > 0)
            result.W7_hps = await handoffs(opts.handoffs, (socket) => enqueue(PAYLOAD, socket));
        if (opts['stream-mib'] > 0)
            result.W5_mibps = await stream(opts['stream-mib']);
    }
    process.stdout.write(JSON.stringify(result) + '\n');
    workers.forEach((w) => w.kill());
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
