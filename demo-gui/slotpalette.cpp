#include "slotpalette.h"

#include <array>

namespace {

// The first ten: Tableau 10, the qualitative palette Maureen Stone designed for
// Tableau in 2016 ("How we designed the new color palettes in Tableau 10", tableau.com
// blog): hues of similar weight, told apart by most colour-vision deficiencies and
// readable as 2 px lines on white, kept in Tableau's order. The monitor allows 16
// workers: six more from Kenneth Kelly's "twenty-two colours of maximum contrast"
// (Color Engineering, 1965), chosen so that no two of the sixteen are closer than
// any two of Tableau's ten are to each other.
constexpr std::array<QRgb, 16> Colours = {
    0x4e79a7, // blue
    0xf28e2b, // orange
    0xe15759, // red
    0x76b7b2, // teal
    0x59a14f, // green
    0xedc948, // yellow
    0xb07aa1, // purple
    0xff9da7, // pink
    0x9c755f, // brown
    0xbab0ac, // grey
    0x0067a5, // Kelly: strong blue
    0xbe0032, // Kelly: vivid red
    0x008856, // Kelly: vivid green
    0x875692, // Kelly: strong purple
    0xf3c300, // Kelly: vivid yellow
    0xa1caf1, // Kelly: very light blue
};

} // namespace

QColor SlotPalette::color(int slot)
{
    if (slot < 0)
        return QColor(Qt::darkGray);
    return QColor(Colours[size_t(slot) % Colours.size()]);
}

int SlotPalette::size()
{
    return int(Colours.size());
}
