// srcset attribute values (<img srcset>, <source srcset>), parsed as the HTML standard's
// "parse a srcset attribute" does, so every candidate a browser could pick is found and saved.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace linksnap::capture {

struct SrcsetCandidate {
  std::string url;          // as written (not resolved); never empty
  std::string descriptors;  // "2x", "480w", "" ...: the raw text, trimmed, whitespace collapsed
};

// How many candidates of one srcset are saved; the snapshot lists the rest as missing.
inline constexpr std::size_t kMaxSrcsetCandidates = 256;

// Every candidate in document order. Pure and linear; never fails (garbage gives garbage URLs,
// which the caller resolves or drops). At most `max_candidates` are returned.
std::vector<SrcsetCandidate> parse_srcset(std::string_view value,
                                          std::size_t max_candidates = kMaxSrcsetCandidates);

// The URLs of the candidates parse_srcset leaves out (those past the first `max_candidates`),
// in order, so a caller can account for them. Linear, like parse_srcset.
std::vector<std::string> srcset_urls_past(std::string_view value,
                                          std::size_t max_candidates = kMaxSrcsetCandidates);

// "url 2x, url2 480w": candidates written back. A URL that contains whitespace cannot be
// written in a srcset, so callers give already-encoded URLs.
std::string serialize_srcset(const std::vector<SrcsetCandidate>& candidates);

}  // namespace linksnap::capture
