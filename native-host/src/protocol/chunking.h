// Messages larger than one frame travel as chunk envelopes, the same way in both directions:
//   {"id": <message id>, "chunk": {"seq": i, "total": n, "data": "<piece of the JSON text>"}}
// seq is 0-based; the pieces' data concatenated is the message's JSON text. Pieces split only on
// UTF-8 code point boundaries. A top-level "chunk" key is therefore reserved in every message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/frame.h"
#include "util/result.h"

namespace linksnap::protocol {

// Deeper JSON is refused (kTooLarge): nlohmann copies, compares and dumps recursively.
inline constexpr std::size_t kMaxJsonDepth = 512;

// Parses one incoming frame payload. errc::kBadJson "request is not valid JSON: <where/why>",
// errc::kBadRequest "request must be a JSON object", or kTooLarge past kMaxJsonDepth; never throws.
Result<nlohmann::json> parse_message(std::string_view payload);

// Serializes `message` (UTF-8, invalid UTF-8 replaced by U+FFFD) into frame payloads: one if it
// fits max_frame_bytes, else chunk envelopes carrying message["id"] (null if absent), each
// <= max_frame_bytes. Empty if it cannot be framed: a huge id leaves no room, or out of memory.
std::vector<std::string> split_message(const nlohmann::json& message,
                                       std::size_t max_frame_bytes = kMaxOutgoingFrameBytes);

struct ChunkLimits {
  std::size_t max_message_bytes = 128u << 20;  // reassembled JSON text
  std::size_t max_pending_messages = 8;        // partially received messages at once
  std::uint32_t max_total_chunks = 1u << 16;
};

// Reassembles incoming chunked messages keyed by id. Pieces must arrive in order, exactly once,
// all with the same total; any violation is an Error naming the id (kBadChunk, or kTooLarge for
// a limit) and drops the partial message. The rest of a failed message's pieces are then swallowed
// (nullopt) until it ends or its id starts over at seq 0, so the caller answers each message once.
// Not thread-safe: the frame-reading loop owns it.
class ChunkAssembler {
 public:
  explicit ChunkAssembler(ChunkLimits limits = {});

  // Any JSON object with a top-level "chunk" key; add() validates the rest.
  static bool is_chunk_envelope(const nlohmann::json& frame);

  // nullopt while the message is incomplete; the parsed message (an object whose "id", if any,
  // equals the envelope's) when its last piece arrives. Bad JSON -> kBadJson, as parse_message.
  Result<std::optional<nlohmann::json>> add(const nlohmann::json& envelope);

  std::size_t pending_messages() const { return pending_.size(); }
  std::size_t pending_bytes() const { return pending_bytes_; }

  // Forgets a partial message (e.g. its sender gave up) and swallows any more pieces of it.
  void drop(const nlohmann::json& id);

 private:
  struct Pending {
    std::uint64_t total = 0;
    std::uint64_t next_seq = 0;
    std::string text;
  };

  void erase_pending(const std::string& key);
  void remember_failed(const std::string& key);
  void forget_failed(const std::string& key);
  bool is_failed(const std::string& key) const;

  ChunkLimits limits_;
  std::map<std::string, Pending> pending_;  // key: the id's JSON text
  std::size_t pending_bytes_ = 0;
  std::deque<std::string> failed_;  // ids whose remaining pieces are swallowed, oldest first
};

}  // namespace linksnap::protocol
