#include "widgets/scenetheme.h"

namespace kubist::widgets {

SceneTheme SceneTheme::light()
{
    SceneTheme t;
    t.dark = false;
    t.background = QColor(246, 247, 249);
    t.box = QColor(255, 255, 255);
    t.masterBox = QColor(232, 239, 252);
    t.border = QColor(90, 100, 115);
    t.text = QColor(20, 24, 30);
    t.subtleText = QColor(85, 92, 104);
    t.ready = QColor(34, 139, 60);
    t.notReady = QColor(200, 40, 40);
    t.unknown = QColor(150, 110, 20);
    t.failed = QColor(205, 30, 30);
    t.edge = QColor(140, 150, 165);
    t.pulse = QColor(255, 140, 0);
    t.pulseStore = QColor(30, 110, 230);
    t.lane = QColor(255, 248, 225);
    return t;
}

SceneTheme SceneTheme::darkTheme()
{
    SceneTheme t;
    t.dark = true;
    t.background = QColor(24, 26, 31);
    t.box = QColor(40, 44, 52);
    t.masterBox = QColor(34, 45, 68);
    t.border = QColor(150, 160, 175);
    t.text = QColor(238, 240, 244);
    t.subtleText = QColor(170, 176, 188);
    t.ready = QColor(80, 200, 110);
    t.notReady = QColor(255, 95, 95);
    t.unknown = QColor(230, 180, 60);
    t.failed = QColor(255, 80, 80);
    t.edge = QColor(110, 120, 135);
    t.pulse = QColor(255, 170, 40);
    t.pulseStore = QColor(100, 170, 255);
    t.lane = QColor(60, 52, 30);
    return t;
}

SceneTheme SceneTheme::highContrast()
{
    SceneTheme t;
    t.dark = true;
    t.background = QColor(0, 0, 0);
    t.box = QColor(18, 18, 18);
    t.masterBox = QColor(10, 24, 56);
    t.border = QColor(255, 255, 255);
    t.text = QColor(255, 255, 255);
    t.subtleText = QColor(225, 225, 225);
    t.ready = QColor(0, 230, 90);
    t.notReady = QColor(255, 60, 60);
    t.unknown = QColor(255, 210, 0);
    t.failed = QColor(255, 40, 40);
    t.edge = QColor(200, 200, 200);
    t.pulse = QColor(255, 180, 0);
    t.pulseStore = QColor(80, 180, 255);
    t.lane = QColor(50, 42, 0);
    return t;
}

} // namespace kubist::widgets
