#pragma once

#include <QtGui/qcolor.h>

// The colour of a worker slot (LpmWorkerStatus::slot()), the same in every chart and
// in the worker table, so that overlapping lines can be told apart and a replacement
// worker keeps the colour of the slot it takes over.
class SlotPalette
{
public:
    static QColor color(int slot);
    // Slots told apart by colour before the colours repeat.
    static int size();
};
