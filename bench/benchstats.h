#pragma once

#include <QtCore/qlist.h>

#include <algorithm>

// Small helpers for summarising repeated measurements.
namespace BenchStats {

// The q-quantile (0..1) of samples, by nearest rank.
inline double quantile(QList<double> samples, double q)
{
    if (samples.isEmpty())
        return 0;
    std::sort(samples.begin(), samples.end());
    const qsizetype rank = qBound<qsizetype>(0, qsizetype(q * double(samples.size())),
                                             samples.size() - 1);
    return samples.at(rank);
}

inline double median(const QList<double> &samples)
{
    return quantile(samples, 0.5);
}

} // namespace BenchStats
