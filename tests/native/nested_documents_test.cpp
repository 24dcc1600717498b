// Issue 10 item 4: HTML and SVG documents shown by <object data> and <embed src> are followed
// like iframes — to the same depth, with cycles cut — by the real `linksnap add` against the
// loopback server (tests/fixtures/capture/object_nesting).
#include <boost/filesystem.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "http_server.h"
#include "test_util.h"

namespace linksnap {
namespace {

using linksnap::test::TestHttpServer;
using linksnap::testing::TempDir;
using nlohmann::json;

class NestedDocumentsTest : public ::testing::Test {
 protected:
  NestedDocumentsTest()
      : server_(TestHttpServer::Options{linksnap::testing::fixture_path("capture/object_nesting"), 0, 0, true}) {}

  std::string url(const std::string& file) const { return server_.base_url() + "/" + file; }

  // The resource of the snapshot named by its URL, or null.
  static json resource(const json& shown, const std::string& u) {
    for (const auto& r : shown["resources"]) {
      if (r["url"] == u) return r;
    }
    return nullptr;
  }

  // The one blob file in the store whose bytes contain `needle` ("" if none).
  std::string stored_blob_containing(const std::string& needle) const {
    namespace fs = boost::filesystem;
    for (fs::recursive_directory_iterator it(home_.str()), end; it != end; ++it) {
      if (!fs::is_regular_file(it->path()) || it->path().string().find("/blobs/") == std::string::npos) continue;
      std::ifstream in(it->path().string(), std::ios::binary);
      std::string bytes(std::istreambuf_iterator<char>(in), {});
      if (bytes.find(needle) != std::string::npos) return bytes;
    }
    return "";
  }

  TempDir home_;
  TestHttpServer server_;
};

TEST_F(NestedDocumentsTest, ObjectsAndEmbedsAreFollowedThreeDeepAndACycleEnds) {
  json added = linksnap::testing::run_cli_json(home_, {"add", url("index.html"), "--no-render"});
  ASSERT_EQ(added["link"]["title"], "对象嵌套 nested objects");
  json shown = linksnap::testing::run_cli_json(home_, {"show", "1"});

  for (const char* doc : {"level1.html", "level2.html", "level3.html", "cycle_a.html", "cycle_b.html"}) {
    json r = resource(shown, url(doc));
    ASSERT_FALSE(r.is_null()) << doc << " was not requested:\n" << shown.dump(1);
    EXPECT_EQ(r["saved"], true) << doc;
    EXPECT_EQ(r["mime"], "text/html") << doc;
  }
  // Four deep is past the frame depth (3), as for iframes: listed, not fetched.
  json too_deep = resource(shown, url("level4.html"));
  ASSERT_FALSE(too_deep.is_null());
  EXPECT_EQ(too_deep["saved"], false);
  EXPECT_EQ(too_deep["error"]["code"], "frame_depth");
  // The cycle a → b → a is one request each.
  std::size_t cycle_requests = 0;
  for (const auto& line : server_.request_paths()) {
    if (line.find("/cycle_a.html") != std::string::npos) ++cycle_requests;
  }
  EXPECT_EQ(cycle_requests, 1u);
  // A typed non-document <object> stays a plain resource.
  EXPECT_EQ(resource(shown, url("movie.bin"))["saved"], true);

  // The SVG shown by <embed> is kept without its script or handler.
  json svg = resource(shown, url("drawing.svg"));
  ASSERT_FALSE(svg.is_null());
  EXPECT_EQ(svg["mime"], "image/svg+xml");
  const std::string stored_svg = stored_blob_containing("<circle");
  EXPECT_NE(stored_svg.find("图形"), std::string::npos);
  EXPECT_EQ(stored_svg.find("<script"), std::string::npos) << stored_svg;
  EXPECT_EQ(stored_svg.find("onload"), std::string::npos) << stored_svg;

  // Each level is stored rewritten: it points at the next level's stored copy, not the web.
  const std::string level2 = stored_blob_containing("第二层");
  EXPECT_EQ(level2.find("level3.html"), std::string::npos) << level2;
  EXPECT_NE(stored_blob_containing("第三层的文字"), "");

  auto r = linksnap::testing::run_cli(home_, {"export", "1", "--html", home_.str() + "/nested.html"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace
}  // namespace linksnap
