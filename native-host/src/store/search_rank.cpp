#include "store/search_rank.h"

#include <string>

#include "store/cjk_tokenizer.h"  // fts5_api_of

namespace linksnap::store {

namespace {

constexpr double kWeights[4] = {10.0, 4.0, 1.0, 8.0};  // title, url, body, tags

void rank_function(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* ctx, int /*argc*/,
                   sqlite3_value** /*argv*/) {
  int count = 0;
  int rc = api->xInstCount(fts, &count);
  int hits[4] = {0, 0, 0, 0};
  for (int i = 0; rc == SQLITE_OK && i < count; ++i) {
    int phrase = 0, column = 0, offset = 0;
    rc = api->xInst(fts, i, &phrase, &column, &offset);
    if (rc == SQLITE_OK && column >= 0 && column < 4) ++hits[column];
  }
  if (rc != SQLITE_OK) {
    sqlite3_result_error_code(ctx, rc);
    return;
  }
  sqlite3_result_double(ctx, search_rank_score(hits));
}

}  // namespace

double search_rank_score(const int hits[4]) {
  double score = 0;
  for (int c = 0; c < 4; ++c) score -= kWeights[c] * hits[c] / (hits[c] + 1.0);
  return score;
}

Status register_search_rank(sqlite3* db) {
  auto found = fts5_api_of(db);
  if (!found.ok()) return found.error();
  fts5_api* api = *found;
  if (api == nullptr) return make_error(errc::kDatabase, "this SQLite's FTS5 has no API");
  const int rc = api->xCreateFunction(api, kSearchRankName, nullptr, rank_function, nullptr);
  if (rc != SQLITE_OK) {
    return make_error(errc::kDatabase, std::string("registering the search ranking failed: ") +
                                           sqlite3_errstr(rc));
  }
  return ok_status();
}

}  // namespace linksnap::store
