#pragma once

#include <QtCore/qglobal.h>

#if defined(LPM_BUILD_LIB)
#  define LPM_EXPORT Q_DECL_EXPORT
#else
#  define LPM_EXPORT Q_DECL_IMPORT
#endif
