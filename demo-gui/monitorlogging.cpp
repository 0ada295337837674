#include "monitorlogging.h"

Q_LOGGING_CATEGORY(lcLpmMonitor, "lpm.monitor", QtWarningMsg)
