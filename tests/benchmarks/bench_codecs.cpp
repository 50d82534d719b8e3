// Codec throughput on a realistic Pod (see realisticpod.h): JSON, YAML and
// protobuf, decode and encode. Reports objects/s (items_per_second) and
// MB/s (bytes_per_second, of the encoded form).
//
//   build/bin/bench_codecs

#include "realisticpod.h"

#include "backend/api/jsoncodec.h"
#include "backend/api/protocodec.h"
#include "backend/api/yamlcodec.h"

#include "core_v1.pb.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>

using namespace kubist::api;
using k8s::io::api::core::v1::Pod;

namespace {

const Pod &realisticPod()
{
    static const Pod pod = [] {
        Pod p;
        if (!JsonCodec::decode(kRealisticPodJson, &p, {.strict = true}).isOk()) {
            std::fprintf(stderr, "realistic pod does not decode\n");
            std::abort();
        }
        return p;
    }();
    return pod;
}

const TypeMeta kPodType{"v1", "Pod"};

void BM_JsonDecode(benchmark::State &state)
{
    const std::string json = JsonCodec::encode(realisticPod(), {kPodType});
    for (auto _ : state) {
        Pod pod;
        benchmark::DoNotOptimize(JsonCodec::decode(json, &pod));
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * int64_t(json.size()));
    state.counters["object_bytes"] = double(json.size());
}
BENCHMARK(BM_JsonDecode);

void BM_JsonEncode(benchmark::State &state)
{
    const Pod &pod = realisticPod();
    size_t size = 0;
    for (auto _ : state) {
        std::string out = JsonCodec::encode(pod, {kPodType});
        size = out.size();
        benchmark::DoNotOptimize(out);
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * int64_t(size));
}
BENCHMARK(BM_JsonEncode);

void BM_ProtobufDecode(benchmark::State &state)
{
    const std::string bytes = ProtobufCodec::encode(realisticPod(), kPodType);
    for (auto _ : state) {
        Pod pod;
        benchmark::DoNotOptimize(ProtobufCodec::decode(bytes, &pod));
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * int64_t(bytes.size()));
    state.counters["object_bytes"] = double(bytes.size());
}
BENCHMARK(BM_ProtobufDecode);

void BM_ProtobufEncode(benchmark::State &state)
{
    const Pod &pod = realisticPod();
    size_t size = 0;
    for (auto _ : state) {
        std::string out = ProtobufCodec::encode(pod, kPodType);
        size = out.size();
        benchmark::DoNotOptimize(out);
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * int64_t(size));
}
BENCHMARK(BM_ProtobufEncode);

void BM_YamlDecode(benchmark::State &state)
{
    const std::string yaml = YamlCodec::encode(realisticPod(), {kPodType});
    for (auto _ : state) {
        Pod pod;
        benchmark::DoNotOptimize(YamlCodec::decode(yaml, &pod));
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * int64_t(yaml.size()));
}
BENCHMARK(BM_YamlDecode);

} // namespace

BENCHMARK_MAIN();
