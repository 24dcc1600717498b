#include "commands/command.h"
#include "store/schema.h"

namespace linksnap::commands {

nlohmann::json version_info() {
  return nlohmann::json{{"host_version", LINKSNAP_VERSION},
                        {"protocol_version", kProtocolVersion},
                        {"schema_version", store::kSchemaVersion}};
}

}  // namespace linksnap::commands
