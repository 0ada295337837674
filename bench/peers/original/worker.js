// The original package's worker for the benchmark: echoes the payload; a handed-over
// connection gets a short line and is closed. The package's path comes from the
// environment because the runner installs it into a scratch directory.
'use strict';
const worker = require(process.env.LPM_ORIGINAL_MODULE).worker;

worker.on('request', (req) => {
    if (req.hasSocket) {
        req.socket.on('error', () => {}); // the client may reset first; not a crash
        req.socket.end('ok\n');
        req.respond({ socket: true });
        return;
    }
    req.respond(req.data);
});
worker.ready();
