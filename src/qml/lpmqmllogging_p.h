#pragma once

//  W A R N I N G
//  This file is not part of the LPM API. It may change without notice.

#include <QtCore/qloggingcategory.h>

// Misuse from QML (a callback that is not a function, a bad count, a throwing
// callback) is reported here.
Q_DECLARE_LOGGING_CATEGORY(lcLpmQml)
