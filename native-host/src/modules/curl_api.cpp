#include "modules/curl_api.h"

namespace linksnap::modules {

namespace {
LazyTable<CurlApi> table(kCurlModule);
}  // namespace

Result<const CurlApi*> curl_api() { return table.get(); }

const CurlApi& curl() { return *table; }

}  // namespace linksnap::modules
