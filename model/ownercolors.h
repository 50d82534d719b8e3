#pragma once

#include <QColor>

#include <string>

namespace kubist::model {

// A stable hue per owner: the same owner id ("Deployment/default/web")
// gets the same colour in every run and on every machine (a hash of the
// id, not the order owners were seen in), so a presenter's "the blue ones"
// stays true. Pods with no owner are grey.
QColor ownerColor(const std::string &ownerId, bool dark = false);

} // namespace kubist::model
