// The workloads both Node peers run, each through the peer's own call, which returns a
// promise of the answer.
'use strict';
const net = require('net');

const now = () => Number(process.hrtime.bigint()) / 1e6; // ms

// W1: one request at a time; latencies in µs.
async function sequential(count, send) {
    const latencies = new Float64Array(count);
    const start = now();
    for (let i = 0; i < count; ++i) {
        const t = now();
        await send();
        latencies[i] = (now() - t) * 1000;
    }
    return { latencies, perSecond: count / ((now() - start) / 1000) };
}

// W2: every request sent at once; requests per second.
async function pipelined(count, send) {
    const start = now();
    const all = [];
    for (let i = 0; i < count; ++i)
        all.push(send());
    await Promise.all(all);
    return count / ((now() - start) / 1000);
}

// W7: connections made in groups outside the timer, then handed over a batch at a
// time through handOver(socket).
async function handoffs(count, handOver) {
    const server = net.createServer({ pauseOnConnect: true });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = server.address().port;
    let timedMs = 0;
    for (let done = 0; done < count; ) {
        const batch = Math.min(200, count - done);
        const accepted = [];
        const clients = [];
        await new Promise((resolve) => {
            server.on('connection', function onConnection(socket) {
                accepted.push(socket);
                if (accepted.length === batch) {
                    server.removeListener('connection', onConnection);
                    resolve();
                }
            });
            for (let i = 0; i < batch; ++i)
                clients.push(net.connect(port, '127.0.0.1').on('error', () => {}));
        });
        const t = now();
        await Promise.all(accepted.map(handOver));
        timedMs += now() - t;
        clients.forEach((c) => c.destroy());
        done += batch;
    }
    server.close();
    return count / (timedMs / 1000);
}

module.exports = { sequential, pipelined, handoffs };
