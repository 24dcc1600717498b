// Versioned schema. Migration N takes a database at user_version N-1 to N inside one
// transaction; append new migrations, never edit a released one.
#pragma once

#include "store/sqlite.h"

namespace linksnap::store {

inline constexpr int kSchemaVersion = 2;

// Brings the database up to kSchemaVersion. A database from a newer LinkSnap is refused
// rather than guessed at.
Status migrate(Database& db);

}  // namespace linksnap::store
