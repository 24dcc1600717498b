// The FTS5 ranking function "linksnap_rank(search_index)": a field-weighted count of a row's
// matches, lower is better (as bm25). Unlike bm25 it needs no statistics over the whole
// index: bm25 first walks every document that matches each phrase to weigh it, which for a
// common word or a Latin prefix at 100,000 links is most of a search's time (issue 13).
#pragma once

#include <sqlite3.h>

#include "util/result.h"

namespace linksnap::store {

inline constexpr const char* kSearchRankName = "linksnap_rank";

// The score of a row whose matches fall `hits[c]` times in column c (title, url, body, tags):
// minus the sum over the columns of weight × hits / (hits + 1), weights 10, 4, 1, 8. A title or
// tag match outranks any number of body matches; more matches in a field count, saturating.
double search_rank_score(const int hits[4]);

// Registers the function on a connection (with the tokenizer, before searching).
Status register_search_rank(sqlite3* db);

}  // namespace linksnap::store
