#pragma once

// The kinds the decoder targets decode into, chosen by the input's selector
// byte (see fuzztarget.h): a spread of shapes (quantities, IntOrString,
// times and MicroTimes, bytes, maps, nested lists, a List).

#include "backend/api/jsoncodec.h"

#include "apps_v1.pb.h"
#include "coordination_v1.pb.h"
#include "core_v1.pb.h"

#include <google/protobuf/message.h>

#include <array>
#include <memory>

namespace kubist::fuzz {

struct FuzzKind
{
    api::TypeMeta typeMeta;
    const google::protobuf::Message *prototype;
};

// Eight kinds, so that a selector's low three bits pick one.
inline const std::array<FuzzKind, 8> &fuzzKinds()
{
    namespace core = k8s::io::api::core::v1;
    static const std::array<FuzzKind, 8> kinds{{
        {{"v1", "Pod"}, &core::Pod::default_instance()},
        {{"apps/v1", "Deployment"}, &k8s::io::api::apps::v1::Deployment::default_instance()},
        {{"v1", "Service"}, &core::Service::default_instance()},
        {{"v1", "Node"}, &core::Node::default_instance()},
        {{"v1", "PodList"}, &core::PodList::default_instance()},
        {{"v1", "Secret"}, &core::Secret::default_instance()},
        {{"v1", "Event"}, &core::Event::default_instance()},
        {{"coordination.k8s.io/v1", "Lease"},
         &k8s::io::api::coordination::v1::Lease::default_instance()},
    }};
    return kinds;
}

inline const FuzzKind &fuzzKind(unsigned selector)
{
    return fuzzKinds()[selector % fuzzKinds().size()];
}

inline std::unique_ptr<google::protobuf::Message> newMessage(const FuzzKind &kind)
{
    return std::unique_ptr<google::protobuf::Message>(kind.prototype->New());
}

} // namespace kubist::fuzz
