// A hand-written worker over Node's built-in IPC channel: echoes each message's
// payload under its id; a handed-over connection gets a short line and is closed;
// bytes on stdin are counted and the count is sent when stdin ends.
'use strict';
process.on('message', (message, socket) => {
    if (socket) {
        socket.on('error', () => {});
        socket.end('ok\n');
        process.send({ id: message.id, data: { socket: true } });
        return;
    }
    process.send({ id: message.id, data: message.data });
});
let streamed = 0;
process.stdin.on('data', (chunk) => { streamed += chunk.length; });
process.stdin.on('end', () => process.send({ id: 'stream', data: streamed }));
process.send({ ready: true });
