#pragma once

#include <QPixmap>
#include <QString>

namespace kubist::widgets {

// The picture's icons (resources/icons/*.svg, compiled in under :/icons),
// rendered once per name and size. GUI thread only.
class IconCache final
{
public:
    // `name` without extension ("etcd", "kubelet"); a null pixmap if unknown.
    static QPixmap pixmap(const QString &name, int size);
};

} // namespace kubist::widgets
