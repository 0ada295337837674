#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

// A fork server's template: the worker program started once, which at ready() stops
// being a worker and forks one for every request of its supervisor. Each child
// returns from serve() and goes on as a worker that has just called ready(), with
// the program's start-up behind it.
//
// Forking is safe only with one thread: another thread's locks would stay locked in
// the child forever. A template with more refuses, and the supervisor starts its
// workers the usual way. The children are the template's: it reaps them and reports
// each exit; the kernel kills them if the template dies, and the template waits for
// them all once its supervisor is gone, so a child never outlives its pool.
namespace LpmForkTemplate {

struct ChildChannels
{
    int control = -1;
    int descriptors = -1;
    int ringToWorker = -1; // shared memory, where the pool uses it
    int ringFromWorker = -1;
};

// Whether this process was started as a template (read once, then removed from the
// environment so the program's own children do not see it).
bool isRequested();

// Serves forks on socket (the template's descriptor channel). Returns only in a
// forked child, with the channel its supervisor made for it; the template itself
// ends inside, with _exit().
ChildChannels serve(int socket);

} // namespace LpmForkTemplate
