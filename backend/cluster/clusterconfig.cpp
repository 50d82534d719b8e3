#include "backend/cluster/clusterconfig.h"

#include "backend/cluster/timingprofile.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace kubist::cluster {

Result<ClusterConfig> ClusterConfig::load(const std::string &file)
{
    QFile f(QString::fromStdString(file));
    if (!f.exists())
        return Status::notFound(file + " does not exist");
    if (!f.open(QIODevice::ReadOnly))
        return Status::invalidArgument("cannot read " + file + ": " +
                                       f.errorString().toStdString());
    if (f.size() > 1024 * 1024)
        return Status::invalidArgument(file + " is not a Kubist cluster config (too large)");
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return Status::invalidArgument(file +
                                       " is not valid JSON: " + error.errorString().toStdString() +
                                       " at offset " + std::to_string(error.offset));
    const QJsonObject o = doc.object();
    ClusterConfig c;
    c.profile = o.value(QStringLiteral("profile")).toString().toStdString();
    if (!TimingProfile::byName(c.profile))
        return Status::invalidArgument(file + ": unknown profile \"" + c.profile +
                                       "\" (want demo or realistic)");
    const QJsonValue workers = o.value(QStringLiteral("workers"));
    if (!workers.isDouble() || workers.toInt(-1) < 0 || workers.toInt(-1) > kMaxWorkers)
        return Status::invalidArgument(file + ": \"workers\" must be a number from 0 to " +
                                       std::to_string(kMaxWorkers));
    c.workers = workers.toInt();
    return c;
}

Status ClusterConfig::save(const std::string &file) const
{
    QJsonObject o;
    o.insert(QStringLiteral("profile"), QString::fromStdString(profile));
    o.insert(QStringLiteral("workers"), workers);
    QSaveFile f(QString::fromStdString(file));
    if (!f.open(QIODevice::WriteOnly))
        return Status::internal("cannot write " + file + ": " + f.errorString().toStdString());
    f.write(QJsonDocument(o).toJson());
    if (!f.commit())
        return Status::internal("cannot write " + file + ": " + f.errorString().toStdString());
    return Status::ok();
}

} // namespace kubist::cluster
