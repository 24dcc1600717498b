// check: the store's integrity report (store/integrity.h), optionally repairing leftovers.
#include "capture/html_text.h"
#include "commands/args.h"
#include "commands/handlers.h"
#include "store/integrity.h"

namespace linksnap::commands {

Result<json> check(Context& ctx, const json& args) {
  store::CheckOptions options;
  if (args.is_object()) {
    const auto repair = args.find("repair");
    if (repair != args.end() && !repair->is_null()) {
      if (!repair->is_boolean()) return make_error(errc::kBadRequest, "field \"repair\" must be true or false");
      options.repair = repair->get<bool>();
    }
    const auto verify = args.find("verify_hashes");
    if (verify != args.end() && !verify->is_null()) {
      if (!verify->is_boolean()) return make_error(errc::kBadRequest, "field \"verify_hashes\" must be true or false");
      options.verify_hashes = verify->get<bool>();
    }
  }
  options.extract_text = [](const std::string& html) { return capture::extract_text(html).text; };
  auto report = store::check_store(ctx.store, options);
  if (!report.ok()) return report.error();
  return json{{"ok", report->ok()},
              {"problems", report->problems},
              {"leftovers", report->leftovers},
              {"repaired", report->repaired},
              {"counts", {{"links", report->links}, {"snapshots", report->snapshots},
                          {"resources", report->resources}, {"blobs", report->blobs}}}};
}

}  // namespace linksnap::commands
