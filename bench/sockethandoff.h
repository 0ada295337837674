#pragma once

class LpmSupervisor;

// W7: connections handed to workers per second. Connections are made in batches
// outside the timer; the timer covers enqueue(payload, socket) until the worker's
// answer, with a batch in flight at once, as a server under load would hand them on.
namespace SocketHandoff {

double perSecond(LpmSupervisor &supervisor, int handoffs);

} // namespace SocketHandoff
