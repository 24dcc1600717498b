// Issue 11, item 6: a SIGKILL in the middle of an import or a backup loses nothing and leaves
// nothing half-written. The real `linksnap` is killed at several moments; after each kill
// `check` is clean, a killed backup left no file at its target, and running the import again
// adds every bookmark exactly once.
#include <signal.h>
#include <sys/wait.h>

#include <boost/filesystem.hpp>
#include <chrono>
#include <fstream>
#include <thread>

#include "test_util.h"

namespace linksnap {
namespace {

using linksnap::testing::TempDir;
using nlohmann::json;

constexpr int kBookmarks = 30'000;

class InterruptedTest : public ::testing::Test {
 protected:
  InterruptedTest() {
    std::ofstream out(bookmarks_);
    out << "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<TITLE>Bookmarks</TITLE>\n<DL><p>\n";
    for (int i = 0; i < kBookmarks; ++i) {
      if (i % 500 == 0) out << (i ? "</DL><p>\n" : "") << "<DT><H3>folder" << i / 500 << "</H3>\n<DL><p>\n";
      out << "<DT><A HREF=\"https://site" << i % 300 << ".example/p/" << i << "\" ADD_DATE=\"1600000000\" TAGS=\"k"
          << i % 20 << "\">Page " << i << "</A>\n<DD>note " << i << "\n";
    }
    out << "</DL><p>\n</DL><p>\n";
  }

  json cli_json(std::vector<std::string> args) { return linksnap::testing::run_cli_json(home_, std::move(args)); }

  // Starts `linksnap args`, kills it after delay_ms; true if the kill landed before it ended.
  bool killed_after(const std::vector<std::string>& args, int delay_ms) {
    const pid_t pid = linksnap::testing::spawn_cli(home_, args);
    EXPECT_GT(pid, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFSIGNALED(status);
  }

  void expect_clean_check(const std::string& when) {
    json checked = cli_json({"check", "--verify-hashes"});
    EXPECT_EQ(checked["ok"], true) << when << ": " << checked.dump(2);
    EXPECT_EQ(checked["problems"], json::array()) << when;
  }

  TempDir home_;
  const std::string bookmarks_ = home_.str() + "/bookmarks.html";
};

TEST_F(InterruptedTest, AKilledImportRunAgainAddsEveryBookmarkExactlyOnce) {
  int killed = 0;
  for (int delay_ms : {150, 400, 700}) {
    if (killed_after({"import", bookmarks_}, delay_ms)) ++killed;
    expect_clean_check("import killed after " + std::to_string(delay_ms) + " ms");
  }
  EXPECT_GE(killed, 1) << "every import ended before its kill: the test killed nothing";
  json again = cli_json({"import", bookmarks_});
  EXPECT_EQ(again["imported"].get<int>() + again["merged"].get<int>() + again["unchanged"].get<int>(), kBookmarks)
      << again.dump(2);
  EXPECT_EQ(cli_json({"list", "--limit", "1"})["total"], kBookmarks);
  EXPECT_EQ(cli_json({"list", "--tag", "k7", "--limit", "1"})["total"], kBookmarks / 20);
  expect_clean_check("after the import ran whole");
}

TEST_F(InterruptedTest, AKilledBackupLeavesNoArchiveAndTheStoreWhole) {
  cli_json({"import", bookmarks_});
  const std::string archive = home_.str() + "/store.tar";
  int killed = 0;
  for (int delay_ms : {5, 20, 60}) {
    if (killed_after({"backup", archive}, delay_ms)) {
      ++killed;
      EXPECT_FALSE(boost::filesystem::exists(archive)) << "a killed backup left " << archive;
    }
    expect_clean_check("backup killed after " + std::to_string(delay_ms) + " ms");
    boost::filesystem::remove(archive);
  }
  EXPECT_GE(killed, 1) << "every backup ended before its kill: the test killed nothing";
  auto whole = linksnap::testing::run_cli(home_, {"backup", archive});
  EXPECT_EQ(whole.exit_code, 0) << whole.err;
  EXPECT_TRUE(boost::filesystem::exists(archive));
}

}  // namespace
}  // namespace linksnap
