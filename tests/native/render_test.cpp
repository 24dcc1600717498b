// Rendering with headless chromium (capture/render.h): the decision, and the process
// handling checked with stand-in browsers (shell scripts), so no browser is needed here.
#include "capture/render.h"

#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "test_util.h"

namespace linksnap::capture {
namespace {

using linksnap::testing::TempDir;

// A stand-in for chromium: a shell script with `body`, made executable.
std::string fake_browser(const TempDir& dir, const std::string& body) {
  const std::string path = (dir.path() / "chromium").string();
  std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
  ::chmod(path.c_str(), 0755);
  return path;
}

bool process_gone(const std::string& pid) {
  // Killed and reaped, or a zombie waiting for init: either way it runs no more.
  for (int i = 0; i < 200; ++i) {
    std::ifstream stat("/proc/" + pid + "/stat");
    if (!stat) return true;
    std::string line;
    std::getline(stat, line);
    const auto paren = line.rfind(')');
    if (paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] == 'Z') return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST(Render, AScriptShellIsLittleTextAndSomeScript) {
  EXPECT_TRUE(looks_like_script_shell(testing::read_fixture("files/script-written.html")));
  EXPECT_TRUE(looks_like_script_shell(testing::read_fixture("files/fetch-later.html")));
  EXPECT_TRUE(looks_like_script_shell("<div id=app></div><SCRIPT src=app.js></SCRIPT>"));
  EXPECT_FALSE(looks_like_script_shell("<p>short page, no script</p>"));
  EXPECT_FALSE(looks_like_script_shell("<p>" + std::string(300, 'x') + "</p><script>x()</script>"));
  // Text inside <script> is not visible text.
  EXPECT_TRUE(looks_like_script_shell("<script>" + std::string(5000, 'x') + "</script>"));
}

TEST(Render, ModesAreNamedExactly) {
  EXPECT_EQ(*parse_render_mode("never"), RenderMode::kNever);
  EXPECT_EQ(*parse_render_mode("auto"), RenderMode::kAuto);
  EXPECT_EQ(*parse_render_mode("always"), RenderMode::kAlways);
  EXPECT_ERROR(parse_render_mode("yes"), errc::kBadRequest,
               "\"render\" must be \"never\", \"auto\" or \"always\" (got \"yes\")");
}

TEST(Render, TheBrowsersDomBecomesARenderedPage) {
  TempDir dir;
  RenderOptions options;
  // Prints its arguments inside a document, so the test sees how it was started.
  options.chromium = fake_browser(dir, "echo \"<html><body><p>rendered $*</p></body></html>\"");
  auto page = render_page("http://127.0.0.1:9/app", options);
  ASSERT_OK(page);
  EXPECT_EQ(page->source, "render");
  EXPECT_EQ(page->url, "http://127.0.0.1:9/app");
  for (const char* arg : {"--headless", "--dump-dom", "--virtual-time-budget=5000",
                          "--js-flags=--max-old-space-size=512", "--user-data-dir="}) {
    EXPECT_NE(page->html.find(arg), std::string::npos) << arg << " not in " << page->html;
  }
  EXPECT_NE(page->html.find(" http://127.0.0.1:9/app</p>"), std::string::npos) << page->html;
}

TEST(Render, ABrowserThatOverrunsIsKilledWithItsWholeProcessGroup) {
  TempDir dir;
  const std::string pid_file = (dir.path() / "helper.pid").string();
  RenderOptions options;
  options.chromium = fake_browser(dir, "sleep 30 & echo $! > " + pid_file + "\nwait");
  options.timeout = std::chrono::milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_ERROR(render_page("http://127.0.0.1:9/slow", options), errc::kTimeout,
               "rendering http://127.0.0.1:9/slow took longer than 300 ms");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  std::string helper;
  std::ifstream(pid_file) >> helper;
  ASSERT_FALSE(helper.empty());
  EXPECT_TRUE(process_gone(helper)) << "helper " << helper << " still runs";
}

TEST(Render, FailuresSayWhatHappened) {
  TempDir dir;
  RenderOptions options;
  options.chromium = fake_browser(dir, "exit 3");
  EXPECT_ERROR(render_page("http://127.0.0.1:9/x", options), errc::kFetchFailed,
               "chromium could not render http://127.0.0.1:9/x (exit status 3)");
  options.chromium = (dir.path() / "none").string();
  EXPECT_ERROR(render_page("http://127.0.0.1:9/x", options), errc::kBadRequest,
               "rendering needs Chromium, which is not installed; install it with: sudo apt-get install chromium");
  options.chromium = fake_browser(dir, "head -c 5000 /dev/zero | tr '\\0' '<'");
  options.max_dom_bytes = 1000;
  auto big = render_page("http://127.0.0.1:9/x", options);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, errc::kTooLarge);
  EXPECT_ERROR(render_page("file:///etc/passwd", options), errc::kUnsupportedScheme,
               "only http and https URLs can be added (got file:)");
}

}  // namespace
}  // namespace linksnap::capture
