// Versioned schema. Migration N takes a database at user_version N-1 to N inside one
// transaction; append new migrations, never edit a released one.
#pragma once

#include "store/sqlite.h"

namespace linksnap::store {

inline constexpr int kSchemaVersion = 6;

// The text of a link's `tags` column in search_index, the link id bound as ?1: one token
// "t<N>" per tag (tag_tokens), never its name, so renaming a tag rewrites no index row.
inline constexpr const char* kIndexedTagTokensOfLink =
    "coalesce((SELECT group_concat('t' || (SELECT min(tt.token) FROM tag_tokens tt "
    "WHERE tt.tag_id = lt.tag_id), ' ') FROM link_tags lt WHERE lt.link_id = ?1), '')";

// Brings the database up to kSchemaVersion. A database from a newer LinkSnap is refused
// rather than guessed at.
Status migrate(Database& db);

}  // namespace linksnap::store
