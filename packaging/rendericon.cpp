// kubist_render_icon: renders an SVG into a square PNG at build time, so
// the package carries hicolor PNGs beside the scalable icon without a new
// build dependency (QtSvg is one already).
//
//   kubist_render_icon IN.svg SIZE OUT.png
//
// Exits 0 when OUT.png was written (SIZE x SIZE, transparent background,
// the SVG scaled to fit), 1 with a message on stderr otherwise.

#include <QImage>
#include <QPainter>
#include <QString>
#include <QSvgRenderer>

#include <cstdio>

namespace {

int fail(const char *message, const char *argument)
{
    std::fprintf(stderr, "kubist_render_icon: %s %s\n", message, argument);
    return 1;
}

} // namespace

int main(int argc, char *argv[])
{
    if (argc != 4) {
        std::fprintf(stderr, "usage: kubist_render_icon IN.svg SIZE OUT.png\n");
        return 1;
    }
    bool sizeOk = false;
    const int size = QString::fromLocal8Bit(argv[2]).toInt(&sizeOk);
    if (!sizeOk || size < 1 || size > 4096)
        return fail("not a size in pixels:", argv[2]);
    QSvgRenderer renderer(QString::fromLocal8Bit(argv[1]));
    if (!renderer.isValid())
        return fail("cannot read the SVG", argv[1]);

    QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    {
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setRenderHint(QPainter::SmoothPixmapTransform);
        renderer.setAspectRatioMode(Qt::KeepAspectRatio);
        renderer.render(&painter, QRectF(0, 0, size, size));
    }
    if (!image.save(QString::fromLocal8Bit(argv[3]), "PNG"))
        return fail("cannot write", argv[3]);
    return 0;
}
