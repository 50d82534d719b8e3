#pragma once

#include <QColor>

namespace kubist::widgets {

// The colours of the picture, light and dark, chosen to stay legible on a
// projector (strong contrast, no state told by colour alone: shapes and
// words say it too).
struct SceneTheme
{
    bool dark = false;
    QColor background;
    QColor box;       // node and part fill
    QColor masterBox; // the master's fill
    QColor border;    // box outlines
    QColor text;
    QColor subtleText;
    QColor ready;      // Ready / Running
    QColor notReady;   // NotReady / Stopped
    QColor unknown;    // Unknown
    QColor failed;     // failed pods
    QColor edge;       // lines between parts
    QColor pulse;      // a request travelling
    QColor pulseStore; // the same request reaching etcd
    QColor lane;       // the scheduling lane

    static SceneTheme light();
    static SceneTheme darkTheme();
    // Presentation mode: black background, white text, saturated state
    // colours, for projectors in bright rooms.
    static SceneTheme highContrast();
};

} // namespace kubist::widgets
