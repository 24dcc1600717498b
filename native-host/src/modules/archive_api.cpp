#include "modules/archive_api.h"

namespace linksnap::modules {

namespace {
LazyTable<ArchiveApi> table(kArchiveModule);
}  // namespace

Result<const ArchiveApi*> archive_api() { return table.get(); }

const ArchiveApi& libarchive() { return *table; }

}  // namespace linksnap::modules
