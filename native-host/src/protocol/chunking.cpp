#include "protocol/chunking.h"

#include <algorithm>
#include <exception>
#include <new>
#include <utility>

namespace linksnap::protocol {

namespace {

using json = nlohmann::json;

constexpr std::size_t kMaxErrorDetailBytes = 200;  // error replies must stay small
constexpr std::size_t kMaxIdInMessageBytes = 64;
constexpr std::size_t kMaxFailedIds = 64;
// The most a single code point can cost inside a JSON string: a control char as \u00XX.
constexpr std::size_t kMaxEscapedCodePointBytes = 6;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Length of the well-formed UTF-8 sequence starting at s[i] (RFC 3629: no overlongs, no
// surrogates, nothing above U+10FFFF), or 0 if the bytes there are not one.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto at = [&](std::size_t k) -> unsigned { return static_cast<unsigned char>(s[i + k]); };
  const unsigned c = at(0);
  std::size_t len = 0;
  unsigned lo = 0x80;
  unsigned hi = 0xBF;  // allowed range of the second byte
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (s.size() - i < len) return 0;
  if (at(1) < lo || at(1) > hi) return 0;
  for (std::size_t k = 2; k < len; ++k) {
    if (!is_continuation(static_cast<unsigned char>(at(k)))) return 0;
  }
  return len;
}

// Makes text safe to put in an error reply: invalid UTF-8 becomes U+FFFD, long text is cut at a
// code point boundary.
std::string sanitize_for_message(std::string_view text, std::size_t max_bytes) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t len = utf8_sequence_length(text, i);
    const std::string_view piece =
        len == 0 ? std::string_view("\xEF\xBF\xBD") : text.substr(i, len);
    if (out.size() + piece.size() > max_bytes) {
      out += "...";
      break;
    }
    out += piece;
    i += len == 0 ? 1 : len;
  }
  return out;
}

// Receives nlohmann's SAX events only to learn where and why a text is not JSON; builds nothing.
struct ParseErrorCatcher {
  std::string what;

  bool null() { return true; }
  bool boolean(bool /*unused*/) { return true; }
  bool number_integer(json::number_integer_t /*unused*/) { return true; }
  bool number_unsigned(json::number_unsigned_t /*unused*/) { return true; }
  bool number_float(json::number_float_t /*unused*/, const json::string_t& /*unused*/) {
    return true;
  }
  bool string(json::string_t& /*unused*/) { return true; }
  bool binary(json::binary_t& /*unused*/) { return true; }
  bool start_object(std::size_t /*unused*/) { return true; }
  bool key(json::string_t& /*unused*/) { return true; }
  bool end_object() { return true; }
  bool start_array(std::size_t /*unused*/) { return true; }
  bool end_array() { return true; }
  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                   const json::exception& ex) {
    what = ex.what();
    return false;
  }
};

// "parse error at line 1, column 9: syntax error while parsing ..." for text known to be bad.
std::string parse_error_detail(std::string_view text) {
  ParseErrorCatcher catcher;
  try {
    json::sax_parse(text, &catcher);
  } catch (const std::exception& e) {
    catcher.what = e.what();
  }
  std::string_view what = catcher.what;
  if (what.empty()) return "unknown parse error";
  // Drop nlohmann's "[json.exception.parse_error.101] " tag: the reader wants the position.
  if (what.substr(0, 1) == "[") {
    const std::size_t end = what.find("] ");
    if (end != std::string_view::npos) what.remove_prefix(end + 2);
  }
  return sanitize_for_message(what, kMaxErrorDetailBytes);
}

// True if brackets outside strings nest deeper than max_depth. nlohmann parses any depth, but
// copying, comparing or dumping such a value recurses and would overflow the stack.
bool nests_deeper_than(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

struct ParsedText {
  json value;
  const char* error_code = nullptr;  // set when the text is not usable JSON
  std::string error_detail;          // "is not valid JSON: ..." or "nests deeper than ..."
};

ParsedText parse_text(std::string_view text) {
  ParsedText out;
  if (nests_deeper_than(text, kMaxJsonDepth)) {
    out.error_code = errc::kTooLarge;
    out.error_detail = "nests deeper than " + std::to_string(kMaxJsonDepth) + " levels";
    return out;
  }
  out.value = json::parse(text, nullptr, false);
  if (out.value.is_discarded()) {
    out.error_code = errc::kBadJson;
    out.error_detail = "is not valid JSON: " + parse_error_detail(text);
  }
  return out;
}

// What JSON-escaping turns the code point at text[i] (length len) into, in bytes.
std::size_t escaped_size(std::string_view text, std::size_t i, std::size_t len) {
  if (len != 1) return len == 0 ? 3 : len;  // an invalid byte would become U+FFFD
  switch (text[i]) {
    case '"':
    case '\\':
    case '\b':
    case '\f':
    case '\n':
    case '\r':
    case '\t':
      return 2;
    default:
      return static_cast<unsigned char>(text[i]) < 0x20 ? 6 : 1;
  }
}

std::size_t decimal_digits(std::uint64_t n) {
  std::size_t d = 1;
  while (n >= 10) {
    n /= 10;
    ++d;
  }
  return d;
}

json make_envelope(const json& id, std::uint64_t seq, std::uint64_t total, std::string data) {
  json envelope = json::object();
  envelope["id"] = id;
  json& chunk = envelope["chunk"];
  chunk["seq"] = seq;
  chunk["total"] = total;
  chunk["data"] = std::move(data);
  return envelope;
}

// Bytes an envelope takes besides its data, when seq and total have at most `digits` digits.
std::size_t envelope_overhead(const json& id, std::size_t digits) {
  std::uint64_t nines = 0;
  for (std::size_t k = 0; k < std::min<std::size_t>(digits, 19); ++k) nines = nines * 10 + 9;
  return dump(make_envelope(id, nines, nines, std::string())).size();
}

// Cuts text into [begin, end) ranges on code point boundaries whose escaped size <= budget.
// Empty if a single code point does not fit.
std::vector<std::pair<std::size_t, std::size_t>> cut(std::string_view text, std::size_t budget) {
  std::vector<std::pair<std::size_t, std::size_t>> pieces;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t begin = pos;
    std::size_t used = 0;
    while (pos < text.size()) {
      const std::size_t len = utf8_sequence_length(text, pos);
      const std::size_t cost = escaped_size(text, pos, len);
      if (used + cost > budget) break;
      used += cost;
      pos += len == 0 ? 1 : len;
    }
    if (pos == begin) return {};
    pieces.emplace_back(begin, pos);
  }
  return pieces;
}

std::vector<std::string> split_text(const json& id, const std::string& text,
                                    std::size_t max_frame_bytes) {
  // Digits of seq/total change the envelope's size, and the piece count depends on that size:
  // start from a lower bound on the count and grow until the count's digits fit the guess.
  std::size_t digits = decimal_digits(text.size() / std::max<std::size_t>(max_frame_bytes, 1) + 1);
  std::size_t slack = 0;  // grows only if an encoded envelope ever comes out larger than computed
  for (;;) {
    const std::size_t overhead = envelope_overhead(id, digits) + slack;
    if (overhead >= max_frame_bytes || max_frame_bytes - overhead < kMaxEscapedCodePointBytes)
      return {};
    const auto pieces = cut(text, max_frame_bytes - overhead);
    if (pieces.empty()) return {};
    if (decimal_digits(pieces.size()) > digits) {
      digits = decimal_digits(pieces.size());
      continue;
    }
    std::vector<std::string> out;
    out.reserve(pieces.size());
    bool fits = true;
    for (std::size_t i = 0; i < pieces.size() && fits; ++i) {
      const auto [begin, end] = pieces[i];
      out.push_back(dump(make_envelope(id, i, pieces.size(), text.substr(begin, end - begin))));
      if (out.back().size() > max_frame_bytes) {
        // Never send a frame the browser would reject: shrink every piece and start over.
        slack += out.back().size() - max_frame_bytes;
        fits = false;
      }
    }
    if (fits) return out;
  }
}

std::optional<std::uint64_t> as_index(const json& v) {
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer() && v.get<std::int64_t>() >= 0)
    return static_cast<std::uint64_t>(v.get<std::int64_t>());
  return std::nullopt;
}

std::optional<std::uint64_t> field_index(const json& object, const char* name) {
  if (!object.is_object()) return std::nullopt;
  const auto it = object.find(name);
  return it == object.end() ? std::nullopt : as_index(*it);
}

}  // namespace

Result<json> parse_message(std::string_view payload) {
  try {
    ParsedText parsed = parse_text(payload);
    if (parsed.error_code != nullptr)
      return make_error(parsed.error_code, "request " + parsed.error_detail);
    if (!parsed.value.is_object())
      return make_error(errc::kBadRequest, "request must be a JSON object");
    return std::move(parsed.value);
  } catch (const std::bad_alloc&) {
    return make_error(errc::kTooLarge, "request is too large to parse in the memory available");
  } catch (const std::exception& e) {
    return make_error(errc::kInternal, std::string("could not parse request: ") + e.what());
  }
}

std::vector<std::string> split_message(const json& message, std::size_t max_frame_bytes) {
  try {
    std::string text = dump(message);
    if (text.size() <= max_frame_bytes) return {std::move(text)};
    const auto id_it = message.is_object() ? message.find("id") : message.end();
    const json id = message.is_object() && id_it != message.end() ? *id_it : json(nullptr);
    return split_text(id, text, max_frame_bytes);
  } catch (const std::exception&) {
    return {};  // out of memory: the caller treats it like any message that cannot be framed
  }
}

ChunkAssembler::ChunkAssembler(ChunkLimits limits) : limits_(limits) {}

bool ChunkAssembler::is_chunk_envelope(const json& frame) {
  return frame.is_object() && frame.contains("chunk");
}

Result<std::optional<json>> ChunkAssembler::add(const json& envelope) {
  using Out = std::optional<json>;
  if (!is_chunk_envelope(envelope)) {
    return make_error(errc::kBadChunk, "frame is not a chunk envelope (it has no \"chunk\" key)");
  }
  const auto id_it = envelope.find("id");
  const json id = id_it == envelope.end() ? json(nullptr) : *id_it;
  if (!id.is_null() && !id.is_string() && !id.is_number()) {
    return make_error(errc::kBadChunk, "a chunk envelope's id must be a number, a string or null");
  }
  const std::string key = dump(id);
  const std::string name = "message " + sanitize_for_message(key, kMaxIdInMessageBytes);
  const json& chunk = envelope.at("chunk");
  const std::optional<std::uint64_t> seq = field_index(chunk, "seq");
  const std::optional<std::uint64_t> total = field_index(chunk, "total");
  const bool last_piece = seq && total && *seq + 1 >= *total;

  if (is_failed(key)) {
    if (!seq || *seq != 0) {  // the rest of a message that was already answered with an error
      if (last_piece) forget_failed(key);
      return Out{};
    }
    forget_failed(key);  // seq 0: the same id starts a new message
  }

  // Drops the partial message; unless this was its last piece, swallows the pieces still to come.
  const auto reject = [&](const char* code, std::string message) -> Error {
    erase_pending(key);
    if (!last_piece) remember_failed(key);
    return make_error(code, std::move(message));
  };

  if (!chunk.is_object())
    return reject(errc::kBadChunk, "the \"chunk\" of " + name + " is not an object");
  if (!seq)
    return reject(errc::kBadChunk,
                  "a chunk of " + name + " has no valid \"seq\" (a non-negative integer)");
  const std::string what = "chunk " + std::to_string(*seq) + " of " + name;
  if (!total || *total == 0) {
    return reject(errc::kBadChunk, what + " has no valid \"total\" (a positive integer)");
  }
  if (*total > limits_.max_total_chunks) {
    return reject(errc::kTooLarge, name + " is split into " + std::to_string(*total) +
                                       " chunks, more than the limit of " +
                                       std::to_string(limits_.max_total_chunks));
  }
  if (*seq >= *total) {
    return reject(errc::kBadChunk,
                  what + " is out of range (total " + std::to_string(*total) + ")");
  }
  const auto data_it = chunk.find("data");
  if (data_it == chunk.end() || !data_it->is_string()) {
    return reject(errc::kBadChunk, what + " has no \"data\" string");
  }
  const std::string& data = data_it->get_ref<const std::string&>();

  auto pending = pending_.find(key);
  if (pending == pending_.end()) {
    if (*seq != 0) return reject(errc::kBadChunk, what + " arrived out of order (expected 0)");
    if (*total > 1 && pending_.size() >= limits_.max_pending_messages) {
      return reject(errc::kTooLarge, "too many chunked messages in progress at once (limit " +
                                         std::to_string(limits_.max_pending_messages) + "); " +
                                         name + " was refused");
    }
  } else {
    if (*total != pending->second.total) {
      return reject(errc::kBadChunk, what + " says total " + std::to_string(*total) +
                                         ", but earlier chunks said " +
                                         std::to_string(pending->second.total));
    }
    const std::uint64_t expected = pending->second.next_seq;
    if (*seq < expected) {
      return reject(errc::kBadChunk,
                    what + " arrived twice (expected " + std::to_string(expected) + ")");
    }
    if (*seq > expected) {
      return reject(errc::kBadChunk,
                    what + " arrived out of order (expected " + std::to_string(expected) + ")");
    }
  }
  const std::size_t have = pending == pending_.end() ? 0 : pending->second.text.size();
  if (data.size() > limits_.max_message_bytes || have > limits_.max_message_bytes - data.size()) {
    return reject(errc::kTooLarge, name + " is larger than the limit of " +
                                       std::to_string(limits_.max_message_bytes) + " bytes");
  }

  try {
    if (!last_piece) {
      if (pending == pending_.end()) pending = pending_.emplace(key, Pending{*total, 0, {}}).first;
      pending->second.text += data;
      pending->second.next_seq += 1;
      pending_bytes_ += data.size();
      return Out{};
    }

    std::string text;
    if (pending != pending_.end()) {
      pending_bytes_ -= pending->second.text.size();
      text = std::move(pending->second.text);
      pending_.erase(pending);
    }
    text += data;
    ParsedText parsed = parse_text(text);
    text = std::string();  // the parsed value may be large too: free the text first
    if (parsed.error_code != nullptr) {
      return reject(parsed.error_code, "reassembled " + name + " " + parsed.error_detail);
    }
    if (!parsed.value.is_object()) {
      return reject(errc::kBadRequest, "reassembled " + name + " is not a JSON object");
    }
    const auto inner_id = parsed.value.find("id");
    if (inner_id == parsed.value.end() ? !id.is_null() : *inner_id != id) {
      const std::string inner =
          inner_id == parsed.value.end() ? std::string("none") : dump(*inner_id);
      return reject(errc::kBadChunk, "reassembled " + name + " carries a different id (" +
                                         sanitize_for_message(inner, kMaxIdInMessageBytes) + ")");
    }
    return Out{std::move(parsed.value)};
  } catch (const std::bad_alloc&) {
    return reject(errc::kTooLarge, name + " does not fit in the memory available");
  } catch (const std::exception& e) {
    return reject(errc::kInternal, "could not reassemble " + name + ": " + e.what());
  }
}

void ChunkAssembler::drop(const json& id) {
  const std::string key = dump(id);
  if (pending_.count(key) == 0) return;
  erase_pending(key);
  remember_failed(key);
}

void ChunkAssembler::erase_pending(const std::string& key) {
  const auto it = pending_.find(key);
  if (it == pending_.end()) return;
  pending_bytes_ -= it->second.text.size();
  pending_.erase(it);
}

void ChunkAssembler::remember_failed(const std::string& key) {
  forget_failed(key);
  if (failed_.size() >= kMaxFailedIds) failed_.pop_front();
  failed_.push_back(key);
}

void ChunkAssembler::forget_failed(const std::string& key) {
  failed_.erase(std::remove(failed_.begin(), failed_.end(), key), failed_.end());
}

bool ChunkAssembler::is_failed(const std::string& key) const {
  return std::find(failed_.begin(), failed_.end(), key) != failed_.end();
}

}  // namespace linksnap::protocol
