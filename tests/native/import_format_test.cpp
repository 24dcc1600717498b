// What `linksnap import --snapshot` shows while it works: a bar on a terminal, lines otherwise.
#include "cli/import_format.h"
#include "test_util.h"

namespace linksnap::cli {
namespace {

using nlohmann::json;

TEST(ImportFormatTest, ProgressBarAndPlainLines) {
  const json ok = {{"stage", "snapshotting"}, {"done", 3}, {"total", 12}, {"failed", 1},
                   {"url", "https://example.org/"}, {"ok", true}};
  EXPECT_EQ(format_progress_bar(ok, 80), "\r[##########..............................] 3/12 snapshots, 1 failed");
  EXPECT_EQ(format_progress_line(ok), "[3/12] ok https://example.org/\n");
  json failed = ok;
  failed["ok"] = false;
  failed["error"] = {{"code", "timeout"}, {"message", "no answer in 30 s"}};
  EXPECT_EQ(format_progress_line(failed), "[3/12] failed https://example.org/: no answer in 30 s\n");
  json all = ok;
  all["done"] = 12;
  EXPECT_EQ(format_progress_bar(all, 80), "\r[########################################] 12/12 snapshots, 1 failed");
}

}  // namespace
}  // namespace linksnap::cli
