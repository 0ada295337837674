#pragma once

#include <QtCore/qlist.h>

// The floor LPM is compared with: a child process echoing fixed-size messages over a
// raw AF_UNIX socketpair with blocking read()/write(), no framing library, no event
// loop. Whatever LPM adds on top shows as the ratio to these figures.
namespace SocketpairFloor {

struct Result
{
    QList<double> latenciesUs; // one in flight: a round trip each
    double sequentialPerSecond = 0;
    double pipelinedPerSecond = 0; // many in flight
};

Result measure(int sequential, int pipelined, int messageSize);

// MiB/s of streaming bytes through a socketpair to a child that reads and discards
// them, written in 256 KiB blocks.
double streamMiBPerSecond(qint64 bytes);

} // namespace SocketpairFloor
