#include "lpmlogging_p.h"

Q_LOGGING_CATEGORY(lcLpmSupervisor, "lpm.supervisor", QtWarningMsg)
Q_LOGGING_CATEGORY(lcLpmDispatch, "lpm.dispatch", QtWarningMsg)
Q_LOGGING_CATEGORY(lcLpmIpc, "lpm.ipc", QtWarningMsg)
Q_LOGGING_CATEGORY(lcLpmWorker, "lpm.worker", QtWarningMsg)
Q_LOGGING_CATEGORY(lcLpmHealth, "lpm.health", QtWarningMsg)
