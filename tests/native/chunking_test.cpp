#include "protocol/chunking.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "protocol/frame.h"

namespace linksnap::protocol {
namespace {

using json = nlohmann::json;

// Asserts a Result is the exact error a user would see.
#define EXPECT_ERROR(result, expected_code, expected_message) \
  do {                                                        \
    const auto& r_ = (result);                                \
    ASSERT_FALSE(r_.ok()) << "expected an error";             \
    EXPECT_EQ(r_.error().code, expected_code);                \
    EXPECT_EQ(r_.error().message, expected_message);          \
  } while (0)

json envelope(const json& id, std::uint64_t seq, std::uint64_t total, const std::string& data) {
  return json{{"id", id}, {"chunk", {{"seq", seq}, {"total", total}, {"data", data}}}};
}

bool is_valid_utf8(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    if (c < 0x80) {
      len = 1;
    } else if ((c & 0xE0) == 0xC0 && c >= 0xC2) {
      len = 2;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
    } else if ((c & 0xF8) == 0xF0 && c <= 0xF4) {
      len = 4;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

// Feeds payloads through an assembler as the receiving side would; returns the message.
json reassemble(const std::vector<std::string>& payloads, ChunkLimits limits = {}) {
  if (payloads.size() == 1) {
    auto parsed = parse_message(payloads[0]);
    EXPECT_TRUE(parsed.ok());
    return parsed.ok() ? parsed.value() : json();
  }
  ChunkAssembler assembler(limits);
  std::optional<json> out;
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    auto frame = parse_message(payloads[i]);
    EXPECT_TRUE(frame.ok()) << "payload " << i << ": " << frame.error().message;
    if (!frame.ok()) return json();
    EXPECT_TRUE(ChunkAssembler::is_chunk_envelope(*frame));
    auto added = assembler.add(*frame);
    EXPECT_TRUE(added.ok()) << added.error().message;
    if (!added.ok()) return json();
    EXPECT_EQ(added->has_value(), i + 1 == payloads.size());
    if (added->has_value()) out = std::move(**added);
  }
  EXPECT_EQ(assembler.pending_messages(), 0u);
  EXPECT_EQ(assembler.pending_bytes(), 0u);
  return out.value_or(json());
}

std::string repeat_to(const std::string& unit, std::size_t bytes) {
  std::string out;
  out.reserve(bytes + unit.size());
  while (out.size() < bytes) out += unit;
  return out;
}

std::string control_chars() {
  std::string s;
  for (int c = 0; c < 0x20; ++c) s += static_cast<char>(c);
  s += '\x7F';
  return s;
}

std::string text_of_kind(const std::string& kind, std::size_t bytes) {
  if (kind == "ascii") return repeat_to("The quick brown fox jumps over the lazy dog. ", bytes);
  if (kind == "cjk") return repeat_to("密钥时间中文測試日本語한국어", bytes);
  if (kind == "emoji") return repeat_to("😀🎉👍🏽🇨🇳", bytes);
  if (kind == "quotes") return repeat_to("\"\\\"\\\\\"", bytes);
  if (kind == "control") return repeat_to(control_chars(), bytes);
  return repeat_to(
      "a\"密\\😀\n\x01"
      "b",
      bytes);  // mixed
}

class SplitMessageRoundTrip
    : public ::testing::TestWithParam<std::tuple<std::string, std::size_t>> {};

TEST_P(SplitMessageRoundTrip, EveryPayloadFitsAndReassemblyIsIdentical) {
  const auto& [kind, limit] = GetParam();
  const std::size_t text_bytes = limit >= (1u << 20) ? (5u << 18) : limit * 40;
  const json message = {{"id", 42},
                        {"cmd", "capture"},
                        {"html", text_of_kind(kind, text_bytes)},
                        {"nested", {{"list", {text_of_kind(kind, 300), 1, nullptr}}}}};
  const std::vector<std::string> payloads = split_message(message, limit);
  ASSERT_GT(payloads.size(), 1u);
  std::string joined;
  for (std::size_t i = 0; i < payloads.size(); ++i) {
    ASSERT_LE(payloads[i].size(), limit) << "payload " << i;
    const json env = json::parse(payloads[i], nullptr, false);
    ASSERT_FALSE(env.is_discarded());
    EXPECT_EQ(env["id"], 42);
    EXPECT_EQ(env["chunk"]["seq"], i);
    EXPECT_EQ(env["chunk"]["total"], payloads.size());
    const std::string& data = env["chunk"]["data"].get_ref<const std::string&>();
    EXPECT_FALSE(data.empty());
    ASSERT_TRUE(is_valid_utf8(data)) << "piece " << i << " splits a UTF-8 sequence";
    joined += data;
  }
  EXPECT_EQ(joined, message.dump(-1, ' ', false, json::error_handler_t::replace));
  EXPECT_EQ(reassemble(payloads, ChunkLimits{256u << 20, 8, 1u << 20}), message);
}

INSTANTIATE_TEST_SUITE_P(
    KindsAndLimits, SplitMessageRoundTrip,
    ::testing::Combine(::testing::Values("ascii", "cjk", "emoji", "quotes", "control", "mixed"),
                       ::testing::Values(std::size_t{64}, std::size_t{97}, std::size_t{4096},
                                         kMaxOutgoingFrameBytes)),
    [](const auto& param_info) {
      return std::get<0>(param_info.param) + "_" + std::to_string(std::get<1>(param_info.param));
    });

TEST(SplitMessageTest, SmallMessageIsOnePlainPayload) {
  const json message = {{"id", 1}, {"ok", true}, {"result", {{"title", "密钥 😀"}}}};
  const auto payloads = split_message(message);
  ASSERT_EQ(payloads.size(), 1u);
  EXPECT_EQ(payloads[0], R"({"id":1,"ok":true,"result":{"title":"密钥 😀"}})");
}

TEST(SplitMessageTest, MessageExactlyAtTheLimitIsNotChunked) {
  json message = {{"id", 1}, {"s", ""}};
  const std::size_t base = message.dump().size();
  message["s"] = std::string(200 - base, 'x');
  EXPECT_EQ(split_message(message, 200).size(), 1u);
  message["s"] = std::string(201 - base, 'x');
  EXPECT_GT(split_message(message, 200).size(), 1u);
}

TEST(SplitMessageTest, ChunksFillFramesNearlyFull) {
  const json message = {{"id", 3}, {"html", text_of_kind("mixed", 3u << 20)}};
  const auto payloads = split_message(message);
  ASSERT_GT(payloads.size(), 2u);
  for (std::size_t i = 0; i + 1 < payloads.size(); ++i) {
    EXPECT_GT(payloads[i].size(), kMaxOutgoingFrameBytes - 16) << "payload " << i;
    EXPECT_LE(payloads[i].size(), kMaxOutgoingFrameBytes);
  }
}

TEST(SplitMessageTest, InvalidUtf8IsReplacedNotThrown) {
  const json message = {{"id", 5}, {"title", std::string("ok \xFF\xC3 end")}};
  const auto payloads = split_message(message);
  ASSERT_EQ(payloads.size(), 1u);
  EXPECT_EQ(payloads[0], "{\"id\":5,\"title\":\"ok \xEF\xBF\xBD\xEF\xBF\xBD end\"}");
  const json big = {{"id", 6}, {"title", repeat_to("x\xFF", 3000)}};
  const auto chunked = split_message(big, 500);
  ASSERT_GT(chunked.size(), 1u);
  const json back = reassemble(chunked);
  EXPECT_EQ(back["title"].get<std::string>(), repeat_to("x\xEF\xBF\xBD", 6000));
}

TEST(SplitMessageTest, MissingIdTravelsAsNull) {
  const json message = {{"event", "progress"}, {"text", std::string(1000, 'p')}};
  const auto payloads = split_message(message, 200);
  ASSERT_GT(payloads.size(), 1u);
  for (const auto& p : payloads) EXPECT_TRUE(json::parse(p)["id"].is_null());
  EXPECT_EQ(reassemble(payloads), message);
}

TEST(SplitMessageTest, StringIdIsCopiedIntoEveryEnvelope) {
  const json message = {{"id", "req-9"}, {"text", std::string(1000, 'p')}};
  const auto payloads = split_message(message, 200);
  ASSERT_GT(payloads.size(), 1u);
  for (const auto& p : payloads) EXPECT_EQ(json::parse(p)["id"], "req-9");
  EXPECT_EQ(reassemble(payloads), message);
}

TEST(SplitMessageTest, NothingIsReturnedWhenTheIdLeavesNoRoomForData) {
  const json message = {{"id", std::string(300, 'i')}, {"text", std::string(1000, 'p')}};
  EXPECT_TRUE(split_message(message, 200).empty());
  EXPECT_TRUE(split_message({{"id", 1}, {"text", std::string(100, 'p')}}, 10).empty());
}

TEST(SplitMessageTest, ThirtyMegabyteMessageRoundTripsThroughFrames) {
  json message = {{"id", 77}, {"cmd", "capture"}, {"url", "https://example.com/"}};
  message["html"] = text_of_kind("mixed", 2u << 20) + text_of_kind("cjk", 14u << 20) +
                    text_of_kind("ascii", 14u << 20);
  ASSERT_GE(message["html"].get_ref<const std::string&>().size(), 30u << 20);
  const auto payloads = split_message(message);
  ASSERT_GE(payloads.size(), 30u);

  std::string stream;
  for (const auto& p : payloads) {
    ASSERT_LE(p.size(), kMaxOutgoingFrameBytes);
    stream += encode_frame(p);
  }
  StringByteSource in(std::move(stream), 1u << 16);
  ChunkAssembler assembler;
  std::optional<json> done;
  for (;;) {
    FrameRead f = read_frame(in);
    if (f.status == FrameStatus::kEndOfStream) break;
    ASSERT_EQ(f.status, FrameStatus::kFrame) << f.reason;
    auto frame = parse_message(f.payload);
    ASSERT_TRUE(frame.ok()) << frame.error().message;
    ASSERT_TRUE(ChunkAssembler::is_chunk_envelope(*frame));
    auto added = assembler.add(*frame);
    ASSERT_TRUE(added.ok()) << added.error().message;
    ASSERT_FALSE(done.has_value());
    if (added->has_value()) done = std::move(**added);
  }
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(*done, message);
  EXPECT_EQ(assembler.pending_messages(), 0u);
  EXPECT_EQ(assembler.pending_bytes(), 0u);
}

TEST(ParseMessageTest, ObjectIsReturned) {
  auto r = parse_message(R"({"id":1,"cmd":"search","q":"密钥"})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)["q"], "密钥");
}

TEST(ParseMessageTest, InvalidJsonNamesThePosition) {
  EXPECT_ERROR(
      parse_message(R"({"id": 1,)"), errc::kBadJson,
      "request is not valid JSON: parse error at line 1, column 10: syntax error while parsing "
      "object key - unexpected end of input; expected string literal");
  EXPECT_ERROR(
      parse_message("{\"id\": 1}\n{}"), errc::kBadJson,
      "request is not valid JSON: parse error at line 2, column 1: syntax error while parsing "
      "value - unexpected '{'; expected end of input");
}

TEST(ParseMessageTest, ZeroLengthPayloadIsBadJson) {
  EXPECT_ERROR(
      parse_message(""), errc::kBadJson,
      "request is not valid JSON: parse error at line 1, column 1: syntax error while parsing "
      "value - unexpected end of input; expected '[', '{', or a literal");
}

TEST(ParseMessageTest, InvalidUtf8IsBadJsonWithAValidUtf8Message) {
  auto r = parse_message("{\"t\":\"\xFF\"}");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::kBadJson);
  EXPECT_TRUE(is_valid_utf8(r.error().message)) << r.error().message;
  EXPECT_EQ(
      r.error().message.rfind("request is not valid JSON: parse error at line 1, column 7: ", 0),
      0u)
      << r.error().message;
}

TEST(ParseMessageTest, ErrorMessageStaysShortForHugeGarbage) {
  auto r = parse_message("\"" + std::string(1u << 20, 'a'));  // unterminated 1 MB string
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::kBadJson);
  EXPECT_LE(r.error().message.size(), 300u);
}

std::string nested(std::size_t depth) {  // an object holding arrays, `depth` containers deep
  return "{\"id\":1,\"x\":" + std::string(depth - 1, '[') + std::string(depth - 1, ']') + "}";
}

TEST(ParseMessageTest, NestingDeeperThanTheLimitIsRefusedBeforeParsing) {
  EXPECT_TRUE(parse_message(nested(kMaxJsonDepth)).ok());
  EXPECT_ERROR(parse_message(nested(kMaxJsonDepth + 1)), errc::kTooLarge,
               "request nests deeper than 512 levels");
  // Millions of levels would parse, then crash the first copy or dump of the value.
  EXPECT_ERROR(parse_message(nested(2u << 20)), errc::kTooLarge,
               "request nests deeper than 512 levels");
}

TEST(ParseMessageTest, BracketsInsideStringsDoNotCountAsNesting) {
  const std::string text = "{\"id\":1,\"html\":\"" + std::string(2000, '[') + "\\\"{{{\"}";
  auto r = parse_message(text);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)["html"].get<std::string>(), std::string(2000, '[') + "\"{{{");
}

TEST(ParseMessageTest, NonObjectIsBadRequest) {
  EXPECT_ERROR(parse_message("[1,2]"), errc::kBadRequest, "request must be a JSON object");
  EXPECT_ERROR(parse_message("42"), errc::kBadRequest, "request must be a JSON object");
  EXPECT_ERROR(parse_message("null"), errc::kBadRequest, "request must be a JSON object");
}

TEST(ChunkAssemblerTest, RecognisesEnvelopesByTheirChunkKey) {
  EXPECT_TRUE(ChunkAssembler::is_chunk_envelope(envelope(1, 0, 2, "x")));
  EXPECT_TRUE(ChunkAssembler::is_chunk_envelope({{"id", 1}, {"chunk", "oops"}}));
  EXPECT_FALSE(ChunkAssembler::is_chunk_envelope({{"id", 1}, {"cmd", "search"}}));
  EXPECT_FALSE(ChunkAssembler::is_chunk_envelope(json::array({"chunk"})));
}

TEST(ChunkAssemblerTest, InterleavedMessagesReassembleIndependently) {
  ChunkAssembler a;
  EXPECT_FALSE(a.add(envelope(1, 0, 2, R"({"id":1,)"))->has_value());
  EXPECT_FALSE(a.add(envelope("b", 0, 3, R"({"id":"b",)"))->has_value());
  EXPECT_EQ(a.pending_messages(), 2u);
  EXPECT_EQ(a.pending_bytes(), 18u);
  auto one = a.add(envelope(1, 1, 2, R"("x":1})"));
  ASSERT_TRUE(one.ok());
  ASSERT_TRUE(one->has_value());
  EXPECT_EQ(**one, json({{"id", 1}, {"x", 1}}));
  EXPECT_FALSE(a.add(envelope("b", 1, 3, R"("y":)"))->has_value());
  auto two = a.add(envelope("b", 2, 3, "2}"));
  ASSERT_TRUE(two.ok());
  ASSERT_TRUE(two->has_value());
  EXPECT_EQ(**two, json({{"id", "b"}, {"y", 2}}));
  EXPECT_EQ(a.pending_messages(), 0u);
  EXPECT_EQ(a.pending_bytes(), 0u);
}

TEST(ChunkAssemblerTest, SingleChunkMessageCompletesAtOnce) {
  ChunkAssembler a(ChunkLimits{1024, 0, 16});  // no pending slots needed
  auto r = a.add(envelope(4, 0, 1, R"({"id":4})"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ(**r, json({{"id", 4}}));
}

TEST(ChunkAssemblerTest, OutOfOrderChunkIsRejectedAndDropped) {
  ChunkAssembler a;
  ASSERT_TRUE(a.add(envelope(7, 0, 5, "{")).ok());
  ASSERT_TRUE(a.add(envelope(7, 1, 5, "\"id\"")).ok());
  EXPECT_ERROR(a.add(envelope(7, 3, 5, "7")), errc::kBadChunk,
               "chunk 3 of message 7 arrived out of order (expected 2)");
  EXPECT_EQ(a.pending_messages(), 0u);
  EXPECT_EQ(a.pending_bytes(), 0u);
}

TEST(ChunkAssemblerTest, FirstChunkOtherThanZeroIsOutOfOrder) {
  ChunkAssembler a;
  EXPECT_ERROR(a.add(envelope(7, 1, 3, "x")), errc::kBadChunk,
               "chunk 1 of message 7 arrived out of order (expected 0)");
}

TEST(ChunkAssemblerTest, DuplicateChunkIsRejected) {
  ChunkAssembler a;
  ASSERT_TRUE(a.add(envelope(7, 0, 3, "{")).ok());
  ASSERT_TRUE(a.add(envelope(7, 1, 3, "\"id\":")).ok());
  EXPECT_ERROR(a.add(envelope(7, 1, 3, "\"id\":")), errc::kBadChunk,
               "chunk 1 of message 7 arrived twice (expected 2)");
  EXPECT_EQ(a.pending_messages(), 0u);
}

TEST(ChunkAssemblerTest, MissingChunkIsRejected) {
  ChunkAssembler a;
  ASSERT_TRUE(a.add(envelope(8, 0, 3, "{\"id\":")).ok());
  EXPECT_ERROR(a.add(envelope(8, 2, 3, "8}")), errc::kBadChunk,
               "chunk 2 of message 8 arrived out of order (expected 1)");
  EXPECT_EQ(a.pending_messages(), 0u);
}

TEST(ChunkAssemblerTest, TotalMismatchIsRejected) {
  ChunkAssembler a;
  ASSERT_TRUE(a.add(envelope(7, 0, 4, "{")).ok());
  EXPECT_ERROR(a.add(envelope(7, 1, 5, "}")), errc::kBadChunk,
               "chunk 1 of message 7 says total 5, but earlier chunks said 4");
  EXPECT_EQ(a.pending_messages(), 0u);
}

TEST(ChunkAssemblerTest, TotalZeroOrMissingIsRejected) {
  ChunkAssembler a;
  EXPECT_ERROR(a.add(envelope(7, 0, 0, "{}")), errc::kBadChunk,
               "chunk 0 of message 7 has no valid \"total\" (a positive integer)");
  EXPECT_ERROR(a.add({{"id", 9}, {"chunk", {{"seq", 0}, {"total", -2}, {"data", "{}"}}}}),
               errc::kBadChunk, "chunk 0 of message 9 has no valid \"total\" (a positive integer)");
}

TEST(ChunkAssemblerTest, TooManyChunksIsTooLarge) {
  ChunkAssembler a(ChunkLimits{1024, 8, 100});
  EXPECT_ERROR(a.add(envelope(7, 0, 101, "{")), errc::kTooLarge,
               "message 7 is split into 101 chunks, more than the limit of 100");
}

TEST(ChunkAssemblerTest, SeqBeyondTotalIsRejected) {
  ChunkAssembler a;
  EXPECT_ERROR(a.add(envelope(7, 3, 3, "{")), errc::kBadChunk,
               "chunk 3 of message 7 is out of range (total 3)");
}

TEST(ChunkAssemblerTest, MalformedEnvelopesAreRejected) {
  ChunkAssembler a;
  EXPECT_ERROR(a.add({{"id", 1}, {"cmd", "x"}}), errc::kBadChunk,
               "frame is not a chunk envelope (it has no \"chunk\" key)");
  EXPECT_ERROR(a.add({{"id", {1, 2}}, {"chunk", {{"seq", 0}, {"total", 2}, {"data", ""}}}}),
               errc::kBadChunk, "a chunk envelope's id must be a number, a string or null");
  EXPECT_ERROR(a.add({{"id", 2}, {"chunk", "abc"}}), errc::kBadChunk,
               "the \"chunk\" of message 2 is not an object");
  EXPECT_ERROR(a.add({{"id", 3}, {"chunk", {{"seq", "0"}, {"total", 2}, {"data", ""}}}}),
               errc::kBadChunk,
               "a chunk of message 3 has no valid \"seq\" (a non-negative integer)");
  EXPECT_ERROR(a.add({{"id", 4}, {"chunk", {{"seq", 0}, {"total", 2}, {"data", 5}}}}),
               errc::kBadChunk, "chunk 0 of message 4 has no \"data\" string");
  EXPECT_ERROR(a.add({{"id", "x"}, {"chunk", {{"seq", 0}, {"total", 2}}}}), errc::kBadChunk,
               "chunk 0 of message \"x\" has no \"data\" string");
  EXPECT_ERROR(a.add({{"chunk", {{"seq", 0.5}, {"total", 2}, {"data", ""}}}}), errc::kBadChunk,
               "a chunk of message null has no valid \"seq\" (a non-negative integer)");
  EXPECT_EQ(a.pending_messages(), 0u);
}

TEST(ChunkAssemblerTest, LongIdIsShortenedInMessages) {
  ChunkAssembler a;
  auto r = a.add(envelope(std::string(500, 'i'), 2, 3, "x"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "chunk 2 of message \"" + std::string(63, 'i') +
                                   "... arrived out of order (expected 0)");
}

TEST(ChunkAssemblerTest, MessageOverSizeLimitIsTooLargeAndFreed) {
  ChunkAssembler a(ChunkLimits{10, 8, 100});
  ASSERT_TRUE(a.add(envelope(7, 0, 3, "{\"id\":7,")).ok());
  EXPECT_EQ(a.pending_bytes(), 8u);
  EXPECT_ERROR(a.add(envelope(7, 1, 3, "\"a\"")), errc::kTooLarge,
               "message 7 is larger than the limit of 10 bytes");
  EXPECT_EQ(a.pending_messages(), 0u);
  EXPECT_EQ(a.pending_bytes(), 0u);
}

TEST(ChunkAssemblerTest, MessageExactlyAtSizeLimitIsAccepted) {
  ChunkAssembler a(ChunkLimits{8, 8, 100});
  ASSERT_TRUE(a.add(envelope(7, 0, 2, "{\"id\"")).ok());
  auto r = a.add(envelope(7, 1, 2, ":7}"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(**r, json({{"id", 7}}));
}

TEST(ChunkAssemblerTest, TooManyPendingMessagesIsTooLarge) {
  ChunkAssembler a(ChunkLimits{1024, 2, 100});
  ASSERT_TRUE(a.add(envelope(1, 0, 2, "{")).ok());
  ASSERT_TRUE(a.add(envelope(2, 0, 2, "{")).ok());
  EXPECT_ERROR(a.add(envelope(3, 0, 2, "{")), errc::kTooLarge,
               "too many chunked messages in progress at once (limit 2); message 3 was refused");
  EXPECT_EQ(a.pending_messages(), 2u);
  // The refused message's later pieces are swallowed; the others still complete.
  auto rest = a.add(envelope(3, 1, 2, "\"id\":3}"));
  ASSERT_TRUE(rest.ok());
  EXPECT_FALSE(rest->has_value());
  auto one = a.add(envelope(1, 1, 2, "\"id\":1}"));
  ASSERT_TRUE(one.ok());
  EXPECT_TRUE(one->has_value());
}

TEST(ChunkAssemblerTest, InvalidJsonAfterReassemblyIsBadJson) {
  ChunkAssembler a;
  ASSERT_TRUE(a.add(envelope(7, 0, 2, "{\"id\":7,")).ok());
  EXPECT_ERROR(a.add(envelope(7, 1, 2, "\"x\"]")), errc::kBadJson,
               "reassembled message 7 is not valid JSON: parse error at line 1, column 12: syntax "
               "error while "
               "parsing object separator - unexpected ']'; expected ':'");
  EXPECT_EQ(a.pending_messages(), 0u);
  EXPECT_EQ(a.pending_bytes(), 0u);
}

TEST(ChunkAssemblerTest, ReassembledMessageNestingTooDeepIsTooLarge) {
  ChunkAssembler a;
  const std::string text = nested(kMaxJsonDepth + 1);
  ASSERT_TRUE(a.add(envelope(1, 0, 2, text.substr(0, 600))).ok());
  EXPECT_ERROR(a.add(envelope(1, 1, 2, text.substr(600))), errc::kTooLarge,
               "reassembled message 1 nests deeper than 512 levels");
}

TEST(ChunkAssemblerTest, ReassembledNonObjectIsBadRequest) {
  ChunkAssembler a;
  ASSERT_TRUE(a.add(envelope(7, 0, 2, "[1,")).ok());
  EXPECT_ERROR(a.add(envelope(7, 1, 2, "2]")), errc::kBadRequest,
               "reassembled message 7 is not a JSON object");
}

TEST(ChunkAssemblerTest, ReassembledIdMustMatchEnvelopeId) {
  ChunkAssembler a;
  ASSERT_TRUE(a.add(envelope(7, 0, 2, "{\"id\":")).ok());
  EXPECT_ERROR(a.add(envelope(7, 1, 2, "8}")), errc::kBadChunk,
               "reassembled message 7 carries a different id (8)");
  EXPECT_ERROR(a.add(envelope(7, 0, 1, "{}")), errc::kBadChunk,
               "reassembled message 7 carries a different id (none)");
}

TEST(ChunkAssemblerTest, RestOfAFailedMessageIsSwallowedSoItIsAnsweredOnce) {
  ChunkAssembler a;
  ASSERT_TRUE(a.add(envelope(7, 0, 4, "{")).ok());
  EXPECT_FALSE(a.add(envelope(7, 2, 4, "x")).ok());
  auto r = a.add(envelope(7, 3, 4, "}"));  // last piece of the failed message: no second error
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
  // After its end, the id is ordinary again.
  EXPECT_ERROR(a.add(envelope(7, 1, 2, "x")), errc::kBadChunk,
               "chunk 1 of message 7 arrived out of order (expected 0)");
}

TEST(ChunkAssemblerTest, SameIdCanStartOverAfterAFailure) {
  ChunkAssembler a;
  ASSERT_TRUE(a.add(envelope(7, 0, 4, "{")).ok());
  EXPECT_FALSE(a.add(envelope(7, 0, 4, "{")).ok());  // duplicate
  ASSERT_TRUE(a.add(envelope(7, 0, 2, "{\"id\"")).ok());
  auto r = a.add(envelope(7, 1, 2, ":7}"));
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ(**r, json({{"id", 7}}));
}

TEST(ChunkAssemblerTest, DropFreesAPartialMessage) {
  ChunkAssembler a;
  ASSERT_TRUE(a.add(envelope(7, 0, 3, "{\"id\":7")).ok());
  ASSERT_TRUE(a.add(envelope(8, 0, 2, "{")).ok());
  a.drop(7);
  EXPECT_EQ(a.pending_messages(), 1u);
  EXPECT_EQ(a.pending_bytes(), 1u);
  auto r = a.add(envelope(7, 1, 3, "}"));  // pieces still in flight are ignored
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
  a.drop(12345);  // unknown ids are fine
  EXPECT_EQ(a.pending_messages(), 1u);
}

}  // namespace
}  // namespace linksnap::protocol
