#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <QtCore/qloggingcategory.h>

// Warnings and above are shown by default; enable more with QT_LOGGING_RULES,
// e.g. QT_LOGGING_RULES="lpm.*.debug=true".
Q_DECLARE_LOGGING_CATEGORY(lcLpmSupervisor)
Q_DECLARE_LOGGING_CATEGORY(lcLpmDispatch)
Q_DECLARE_LOGGING_CATEGORY(lcLpmIpc)
Q_DECLARE_LOGGING_CATEGORY(lcLpmWorker)
Q_DECLARE_LOGGING_CATEGORY(lcLpmHealth)
