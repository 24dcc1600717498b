// The FTS5 tokenizer "linksnap_cjk": Latin (and every non-CJK script) text goes through
// SQLite's own unicode61 tokenizer (case folding, diacritics removed); runs of Chinese,
// Japanese and Korean characters become overlapping unigrams and bigrams, as in Lucene's CJK
// analyzer. A document "验证机制" indexes 验证,验 | 证机,证 | 机制,机 | 制 (each character
// colocated with the bigram it starts); a query is split into bigrams at consecutive positions
// ("验证机制" → 验证 证机 机制, a phrase), or into the single character for a one-character
// query. So every CJK substring of any length is found exactly, with one index and without
// the 1–2 character blind spot of the trigram tokenizer.
#pragma once

#include <sqlite3.h>

#include <functional>
#include <string_view>

#include "util/result.h"

namespace linksnap::store {

inline constexpr const char* kCjkTokenizerName = "linksnap_cjk";

// True for code points that are segmented as CJK (Han, kana, Hangul, Bopomofo, ...).
bool is_cjk_code_point(char32_t cp);

// Splits UTF-8 text into maximal runs that are CJK or not. Offsets are byte offsets.
// Invalid UTF-8 bytes fall into non-CJK runs.
void split_cjk_runs(std::string_view text,
                    const std::function<void(bool cjk, std::size_t begin, std::size_t end)>& run);

// Emits the CJK tokens of one run (all CJK code points) as FTS5 would receive them:
// token text, byte offsets relative to `run`, and whether it is colocated with the previous.
void tokenize_cjk_run(std::string_view run, bool for_query,
                      const std::function<void(std::string_view token, std::size_t begin,
                                               std::size_t end, bool colocated)>& emit);

// Registers the tokenizer on a connection; must run on every connection before the search
// table is touched.
Status register_cjk_tokenizer(sqlite3* db);

// The connection's FTS5 API (through "SELECT fts5(?1)"), for registering tokenizers and
// functions; the pointer may be null on a build without it. Fails when SQLite has no FTS5.
Result<fts5_api*> fts5_api_of(sqlite3* db);

}  // namespace linksnap::store
