#include "model/mastervisibility.h"

namespace kubist::model {

namespace {

bool isEtcdCheck(const std::string &name)
{
    return name == "etcd" || name.starts_with("etcd-");
}

std::string joined(const std::vector<std::string> &names)
{
    std::string out;
    for (const std::string &n : names)
        out += (out.empty() ? "" : ", ") + n;
    return out;
}

// "etcd: reported healthy by ..." from the etcd checks of readyz; "" when
// readyz has none.
std::string etcdFromReadyz(const std::vector<ReadyzCheck> &readyz)
{
    std::vector<std::string> seen;
    std::vector<std::string> failing;
    for (const ReadyzCheck &c : readyz) {
        if (!isEtcdCheck(c.name))
            continue;
        seen.push_back(c.name);
        if (!c.ok)
            failing.push_back(c.name);
    }
    if (seen.empty())
        return {};
    if (failing.empty())
        return "etcd: reported healthy by the API server's readyz (" + joined(seen) +
               (seen.size() == 1 ? " check ok)" : " checks ok)");
    return "etcd: reported failing by the API server's readyz (" + joined(failing) +
           (failing.size() == 1 ? " check failed)" : " checks failed)");
}

std::string apiServerFromReadyz(const std::vector<ReadyzCheck> &readyz)
{
    if (readyz.empty())
        return {};
    std::vector<std::string> failing;
    for (const ReadyzCheck &c : readyz)
        if (!c.ok)
            failing.push_back(c.name);
    if (failing.empty())
        return " It answers: readyz ok.";
    return " It answers: readyz failing (" + joined(failing) + ").";
}

} // namespace

std::vector<std::string> describeMasterVisibility(const std::vector<MasterComponent> &parts,
                                                  bool hasControlPlaneNode,
                                                  const std::vector<ReadyzCheck> &readyz)
{
    std::vector<std::string> out;
    out.reserve(parts.size());
    for (const MasterComponent &c : parts) {
        if (c.state != MasterComponent::State::Unknown) {
            out.emplace_back();
            continue;
        }
        if (c.part == MasterComponent::Part::Etcd) {
            std::string fromReadyz = etcdFromReadyz(readyz);
            if (!fromReadyz.empty()) {
                out.push_back(std::move(fromReadyz));
                continue;
            }
        }
        std::string s;
        if (!hasControlPlaneNode) {
            s = "Not visible from this cluster's API: the control plane is managed by the "
                "provider (no control-plane nodes or kube-system mirror pods).";
        } else {
            s = std::string("No ") + masterPartComponentLabel(c.part) +
                " pod in kube-system: it may run outside the cluster (a static process" +
                (c.part == MasterComponent::Part::Etcd ? " or an external etcd)." : ").");
        }
        if (c.part == MasterComponent::Part::ApiServer)
            s += apiServerFromReadyz(readyz);
        if (!c.leader.empty())
            s += " Its leader Lease is held by " + c.leader + ".";
        out.push_back(std::move(s));
    }
    return out;
}

} // namespace kubist::model
