// Frames -> JSON -> chunk reassembly, as the host reads stdin; then split/reassemble round
// trips of arbitrary text. Invariants: bounded memory, every split payload fits its frame,
// reassembly gives back the exact message.
#include <cstdint>
#include <string>

#include "protocol/chunking.h"
#include "protocol/frame.h"

using namespace linksnap::protocol;
using json = nlohmann::json;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  StringByteSource in(bytes, size % 7 + 1);  // short reads too
  ChunkAssembler assembler(ChunkLimits{4096, 3, 64});
  for (int i = 0; i < 1000; ++i) {
    FrameRead f = read_frame(in, 2048);
    if (f.status == FrameStatus::kEndOfStream || f.status == FrameStatus::kBroken) break;
    if (f.status != FrameStatus::kFrame) continue;
    auto m = parse_message(f.payload);
    if (!m.ok()) continue;
    if (ChunkAssembler::is_chunk_envelope(*m)) {
      auto r = assembler.add(*m);
      if (r.ok() && r->has_value()) (void)(**r).dump();
    }
    if (assembler.pending_bytes() > 4096 * 3) __builtin_trap();
  }
  const json msg = {{"id", static_cast<int>(size)}, {"t", bytes}};
  const std::size_t limit = 70 + size % 200;
  const auto payloads = split_message(msg, limit);
  if (payloads.empty()) __builtin_trap();
  const std::string expect = msg.dump(-1, ' ', false, json::error_handler_t::replace);
  if (payloads.size() == 1) {
    if (payloads[0] != expect) __builtin_trap();
    return 0;
  }
  ChunkAssembler whole(ChunkLimits{1u << 24, 8, 1u << 20});
  std::optional<json> out;
  for (const auto& p : payloads) {
    if (p.size() > limit) __builtin_trap();
    auto m = parse_message(p);
    if (!m.ok()) __builtin_trap();
    auto r = whole.add(*m);
    if (!r.ok()) __builtin_trap();
    if (r->has_value()) out = **r;
  }
  if (!out || out->dump(-1, ' ', false, json::error_handler_t::replace) != expect) __builtin_trap();
  return 0;
}
