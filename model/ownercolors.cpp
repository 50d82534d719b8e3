#include "model/ownercolors.h"

#include <cstdint>

namespace kubist::model {

QColor ownerColor(const std::string &ownerId, bool dark)
{
    if (ownerId.empty())
        return dark ? QColor(150, 150, 160) : QColor(130, 130, 140);
    uint32_t h = 2166136261u; // FNV-1a: stable across runs and platforms
    for (unsigned char c : ownerId) {
        h ^= c;
        h *= 16777619u;
    }
    // 24 well-separated hues, skipping the reds kept for failures.
    const int step = static_cast<int>(h % 24);
    const int hue = (30 + step * 13) % 330 + 15;
    return QColor::fromHsv(hue, dark ? 150 : 185, dark ? 235 : 205);
}

} // namespace kubist::model
