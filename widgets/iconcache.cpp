#include "widgets/iconcache.h"

#include <QHash>
#include <QPainter>
#include <QSvgRenderer>

namespace kubist::widgets {

QPixmap IconCache::pixmap(const QString &name, int size)
{
    static QHash<QString, QPixmap> cache;
    const QString key = name + QLatin1Char('@') + QString::number(size);
    auto it = cache.find(key);
    if (it != cache.end())
        return *it;
    QPixmap pm;
    QSvgRenderer renderer(QStringLiteral(":/icons/%1.svg").arg(name));
    if (renderer.isValid()) {
        pm = QPixmap(size, size);
        pm.fill(Qt::transparent);
        QPainter p(&pm);
        p.setRenderHint(QPainter::Antialiasing);
        renderer.render(&p);
    }
    cache.insert(key, pm);
    return pm;
}

} // namespace kubist::widgets
