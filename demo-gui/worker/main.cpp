// lpm-demo-worker: the monitor's worker. It does real work (Mandelbrot tiles), and on
// request crashes or starts leaking memory, so that the monitor has something to show.
//
// Ops (the request's "op"):
//   tile  {x, y, scale, size, iterations}: renders a size x size tile of the Mandelbrot
//         set with its top-left corner at (x, y), scale units per pixel; answers the
//         number of points inside the set and the sum of escape counts.
//   crash: aborts the process.
//   leak  {mib}: from now on keeps mib more MiB every 250 ms, until it holds
//         LeakCapMiB (so a forgotten leak cannot take the machine down).

#include <lpm/lpm.h>

#include <QtCore/qcoreapplication.h>
#include <QtCore/qtimer.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

namespace {

constexpr qint64 LeakCapMiB = 384;
constexpr int LeakIntervalMs = 250;

struct TileResult
{
    qint64 inside = 0;
    qint64 escapeSum = 0;
};

TileResult renderTile(double x0, double y0, double scale, int size, int iterations)
{
    TileResult result;
    for (int py = 0; py < size; ++py) {
        for (int px = 0; px < size; ++px) {
            const double cr = x0 + px * scale;
            const double ci = y0 + py * scale;
            double zr = 0, zi = 0;
            int n = 0;
            while (n < iterations && zr * zr + zi * zi <= 4.0) {
                const double t = zr * zr - zi * zi + cr;
                zi = 2 * zr * zi + ci;
                zr = t;
                ++n;
            }
            if (n == iterations)
                ++result.inside;
            result.escapeSum += n;
        }
    }
    return result;
}

class Leak
{
public:
    void increaseBy(qint64 mib)
    {
        m_stepMiB += qMax<qint64>(1, mib);
        if (!m_timer) {
            m_timer = std::make_unique<QTimer>();
            m_timer->setInterval(LeakIntervalMs);
            QObject::connect(m_timer.get(), &QTimer::timeout, [this] { step(); });
            m_timer->start();
        }
    }

private:
    void step()
    {
        if (m_heldMiB >= LeakCapMiB) {
            m_timer->stop();
            return;
        }
        const qint64 mib = qMin(m_stepMiB, LeakCapMiB - m_heldMiB);
        // Written to, so the pages are resident and RSS climbs, not only the heap.
        char *block = static_cast<char *>(std::malloc(size_t(mib) * 1024 * 1024));
        if (!block)
            return;
        std::memset(block, 0x5a, size_t(mib) * 1024 * 1024);
        m_blocks.push_back(block);
        m_heldMiB += mib;
    }

    std::unique_ptr<QTimer> m_timer;
    std::vector<char *> m_blocks; // never freed: that is the point
    qint64 m_stepMiB = 0;
    qint64 m_heldMiB = 0;
};

Leak g_leak;

void handle(LpmRequest *req)
{
    const QVariantMap data = req->data().toMap();
    const QString op = data.value(QStringLiteral("op")).toString();
    const QVariantMap withPid{ { QStringLiteral("pid"), QCoreApplication::applicationPid() } };
    if (op == QLatin1String("tile")) {
        const int size = qBound(1, data.value(QStringLiteral("size"), 64).toInt(), 512);
        const int iterations = qBound(1, data.value(QStringLiteral("iterations"), 256).toInt(), 100000);
        const TileResult tile = renderTile(data.value(QStringLiteral("x")).toDouble(),
                                           data.value(QStringLiteral("y")).toDouble(),
                                           data.value(QStringLiteral("scale"), 0.01).toDouble(),
                                           size, iterations);
        QVariantMap answer = withPid;
        answer.insert(QStringLiteral("inside"), tile.inside);
        answer.insert(QStringLiteral("escapeSum"), tile.escapeSum);
        req->respond(answer);
    } else if (op == QLatin1String("crash")) {
        std::abort();
    } else if (op == QLatin1String("leak")) {
        g_leak.increaseBy(data.value(QStringLiteral("mib"), 4).toLongLong());
        req->respond(withPid);
    } else {
        QVariantMap answer = withPid;
        answer.insert(QStringLiteral("error"), QStringLiteral("unknown op \"%1\"").arg(op));
        req->respond(answer);
    }
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    LpmWorker *worker = LpmWorker::instance();
    QObject::connect(worker, &LpmWorker::request, worker, &handle);
    worker->ready();
    return app.exec();
}
