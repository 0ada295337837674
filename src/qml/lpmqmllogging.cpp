#include "lpmqmllogging_p.h"

Q_LOGGING_CATEGORY(lcLpmQml, "lpm.qml", QtWarningMsg)
