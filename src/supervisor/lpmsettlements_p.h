#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include "lpmpendingrequest_p.h"

#include <memory>
#include <optional>
#include <vector>

// Futures to end once the bookkeeping is done. Ending one runs its continuations
// without a context right there, and they may call back into the supervisor
// (enqueue(), hardKill(), resize()): so whoever ends several collects them here,
// brings every table and counter up to date, and calls settle() last. Whatever is
// left is settled on destruction: nothing collected is ever lost.
class LpmSettlements
{
public:
    LpmSettlements() = default;
    LpmSettlements(LpmSettlements &&) = default;
    LpmSettlements &operator=(LpmSettlements &&) = default;
    ~LpmSettlements() { settle(); }
    Q_DISABLE_COPY(LpmSettlements)

    void reject(std::unique_ptr<LpmPendingRequest> request, const LpmError &error)
    {
        m_items.push_back({ std::move(request), error });
    }
    void rejectAll(std::vector<std::unique_ptr<LpmPendingRequest>> requests, const LpmError &error)
    {
        for (auto &request : requests)
            reject(std::move(request), error);
    }
    // Ends a future its caller cancelled: it stays cancelled, with no error.
    void cancel(std::unique_ptr<LpmPendingRequest> request)
    {
        m_items.push_back({ std::move(request), std::nullopt });
    }
    void append(LpmSettlements &&other)
    {
        for (auto &item : other.m_items)
            m_items.push_back(std::move(item));
        other.m_items.clear();
    }
    bool isEmpty() const { return m_items.empty(); }
    // Those to be rejected whose caller had not cancelled them (a cancellation is not
    // a failure).
    int rejectionCount() const
    {
        int count = 0;
        for (const Item &item : m_items)
            count += item.error && !item.request->isCanceledByCaller() ? 1 : 0;
        return count;
    }

    // In the order collected. Settling may collect more elsewhere, never here.
    void settle()
    {
        std::vector<Item> items = std::exchange(m_items, {});
        for (Item &item : items) {
            if (item.error)
                item.request->reject(*item.error);
            else
                item.request->finishCanceled();
            item.request.reset();
        }
    }

private:
    struct Item
    {
        std::unique_ptr<LpmPendingRequest> request;
        std::optional<LpmError> error;
    };
    std::vector<Item> m_items;
};
