#pragma once

#include <QtCore/qloggingcategory.h>

// The monitor's own warnings: bad command-line values, missing translations.
Q_DECLARE_LOGGING_CATEGORY(lcLpmMonitor)
