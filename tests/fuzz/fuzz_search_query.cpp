// What a person types into search. Invariants: the expression is accepted by a real FTS5
// table with LinkSnap's tokenizer (never an FTS5 syntax error), and the tokenizer never emits
// a token outside the text.
#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/cjk_tokenizer.h"
#include "store/search_query.h"

namespace {
sqlite3* open_index() {
  sqlite3* db = nullptr;
  sqlite3_open(":memory:", &db);
  if (!linksnap::store::register_cjk_tokenizer(db).ok()) __builtin_trap();
  sqlite3_exec(db,
               "CREATE VIRTUAL TABLE t USING fts5(title, url, body, tags, tokenize='linksnap_cjk');"
               "INSERT INTO t VALUES ('chrony 时间同步', 'https://x.example/', '验证机制 密钥 NTS', 'a/b');",
               nullptr, nullptr, nullptr);
  return db;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static sqlite3* db = open_index();
  const std::string q(reinterpret_cast<const char*>(data), size);
  // Also with tag tokens and Latin prefixes expanded into terms (a listed prefix, one with no
  // term, one with too many), as the store builds it.
  const linksnap::store::TagTokenLookup tags = [](const std::string&) -> linksnap::Result<std::vector<std::int64_t>> {
    return std::vector<std::int64_t>{3, 7};
  };
  const linksnap::store::PrefixTermLookup terms =
      [](const std::string& prefix) -> linksnap::Result<std::optional<std::vector<std::string>>> {
    if (prefix.size() == 1) return std::optional<std::vector<std::string>>();
    if (prefix.size() == 2) return std::optional<std::vector<std::string>>(std::vector<std::string>{});
    return std::optional<std::vector<std::string>>(std::vector<std::string>{prefix, prefix + "x"});
  };
  for (const auto& expr : {linksnap::store::build_match_expression(q),
                           linksnap::store::build_match_expression(q, tags, terms)}) {
    if (!expr.ok() || expr->empty()) continue;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH ?1", -1, &st, nullptr) != SQLITE_OK) __builtin_trap();
    sqlite3_bind_text(st, 1, expr->c_str(), static_cast<int>(expr->size()), SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) __builtin_trap();  // an FTS5 syntax error would be a bug
    sqlite3_finalize(st);
  }
  linksnap::store::split_cjk_runs(q, [&](bool cjk, std::size_t b, std::size_t e) {
    if (b >= e || e > q.size()) __builtin_trap();
    if (cjk) {
      linksnap::store::tokenize_cjk_run(q.substr(b, e - b), size % 2 == 0,
                                        [&](std::string_view, std::size_t tb, std::size_t te, bool) {
                                          if (tb >= te || te > e - b) __builtin_trap();
                                        });
    }
  });
  return 0;
}
