#include "sockethandoff.h"

#include "benchcommon.h"

#include <lpm/lpm.h>

#include <QtCore/qelapsedtimer.h>
#include <QtNetwork/qhostaddress.h>
#include <QtNetwork/qtcpserver.h>
#include <QtNetwork/qtcpsocket.h>

#include <cstdio>
#include <memory>
#include <vector>

namespace SocketHandoff {

namespace {
// Connections per batch: well under the usual 1024 descriptors, counting both ends.
constexpr int BatchSize = 200;
constexpr int ConnectGroup = 25;
} // namespace

double perSecond(LpmSupervisor &supervisor, int handoffs)
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost)) {
        std::fprintf(stderr, "lpm-bench: W7 cannot listen: %s\n", qPrintable(server.errorString()));
        return 0;
    }
    server.setMaxPendingConnections(BatchSize);
    const QVariantMap payload = BenchCommon::payload();
    qint64 timedNs = 0;
    for (int done = 0; done < handoffs;) {
        const int batch = qMin(BatchSize, handoffs - done);
        // Connected a few at a time: the listen backlog (50 in Qt) drops a larger burst
        // of connects, and the kernel retries those only after a second.
        std::vector<std::unique_ptr<QTcpSocket>> clients;
        std::vector<std::unique_ptr<QTcpSocket>> accepted;
        while (int(accepted.size()) < batch) {
            const int group = qMin(ConnectGroup, batch - int(clients.size()));
            for (int i = 0; i < group; ++i) {
                clients.push_back(std::make_unique<QTcpSocket>());
                clients.back()->connectToHost(QHostAddress::LocalHost, server.serverPort());
            }
            const bool all = BenchCommon::spinUntil([&] {
                while (QTcpSocket *s = server.nextPendingConnection())
                    accepted.emplace_back(s);
                return accepted.size() == clients.size();
            }, 60000);
            if (!all) {
                std::fprintf(stderr, "lpm-bench: W7 connections were not accepted\n");
                return 0;
            }
        }

        int answered = 0;
        QElapsedTimer timer;
        timer.start();
        for (const auto &socket : accepted)
            supervisor.enqueue(payload, socket.get()).then([&answered](const LpmResponse &) { ++answered; });
        if (!BenchCommon::spinUntil([&] { return answered == batch; }, 60000)) {
            std::fprintf(stderr, "lpm-bench: W7 handoffs went unanswered\n");
            return 0;
        }
        timedNs += timer.nsecsElapsed();
        done += batch;
    }
    return handoffs / (double(timedNs) / 1e9);
}

} // namespace SocketHandoff
