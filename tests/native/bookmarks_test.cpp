// The Netscape bookmark file reader and writer and the import plan, on files in the exact
// shapes each tool writes (tests/fixtures/bookmarks/).
#include <cstdio>

#include "interop/bookmarks.h"
#include "interop/import_plan.h"
#include "test_util.h"

namespace linksnap::interop {
namespace {

using linksnap::testing::read_fixture;

BookmarkFile read(const std::string& fixture) {
  auto file = read_bookmark_file(read_fixture("bookmarks/" + fixture));
  EXPECT_TRUE(file.ok()) << fixture << ": " << (file.ok() ? "" : file.error().message);
  return file.ok() ? std::move(*file) : BookmarkFile{};
}

const store::ImportLink* find(const ImportPlan& plan, const std::string& url) {
  for (const auto& l : plan.links) {
    if (l.url == url) return &l;
  }
  return nullptr;
}

using Tags = std::vector<std::string>;

TEST(BookmarkFileTest, ChromeFoldersBecomeTagsWithoutTheBrowsersRootFolders) {
  const BookmarkFile file = read("chrome.html");
  EXPECT_EQ(file.entries.size(), 9u);
  EXPECT_EQ(file.folders, 6u);
  EXPECT_EQ(file.entries[1].folders, Tags({"Bookmarks bar", "dev", "cpp"}));
  EXPECT_EQ(file.entries[1].add_date, 1700000400);
  EXPECT_TRUE(file.entries[1].outermost_folder_is_root);

  const ImportPlan plan = plan_import(file.entries, {});
  EXPECT_EQ(plan.entries, 9);
  EXPECT_EQ(plan.links.size(), 6u);
  EXPECT_EQ(plan.duplicates, 1);
  ASSERT_EQ(plan.skipped.size(), 2u);
  EXPECT_EQ(plan.skipped[0].reason, "javascript: bookmarklet");
  EXPECT_EQ(plan.skipped[1].reason, "not http or https");
  const auto* isocpp = find(plan, "https://isocpp.org/");
  ASSERT_NE(isocpp, nullptr);
  EXPECT_EQ(isocpp->tags, Tags({"dev/cpp"}));
  EXPECT_EQ(isocpp->title, "Standard C++");
  EXPECT_EQ(isocpp->created_at, "2023-11-14T22:13:19.000Z");  // the duplicate's earlier date
  EXPECT_EQ(find(plan, "https://ninja-build.org/manual.html")->tags, Tags({"dev"}));
  EXPECT_EQ(find(plan, "https://en.cppreference.com/w/")->tags, Tags{});
  EXPECT_EQ(find(plan, "https://www.douban.com/")->title, "豆瓣 & 读书");
  EXPECT_EQ(find(plan, "https://www.douban.com/")->tags, Tags({"读书"}));
}

TEST(BookmarkFileTest, EdgeRootFoldersAreDroppedToo) {
  const ImportPlan plan = plan_import(read("edge.html").entries, {});
  EXPECT_EQ(plan.links.size(), 6u);
  EXPECT_EQ(find(plan, "https://isocpp.org/")->tags, Tags({"dev/cpp"}));
  EXPECT_EQ(find(plan, "https://lwn.net/")->tags, Tags{});
}

TEST(BookmarkFileTest, FirefoxTagsNotesAndSpecialFolders) {
  const BookmarkFile file = read("firefox.html");
  EXPECT_EQ(file.entries.size(), 9u);
  const ImportPlan plan = plan_import(file.entries, {});
  EXPECT_EQ(plan.links.size(), 5u);
  ASSERT_EQ(plan.skipped.size(), 3u);
  EXPECT_EQ(plan.skipped[0].reason, "place: Firefox query");
  EXPECT_EQ(plan.skipped[1].reason, "file: local file");
  EXPECT_EQ(plan.skipped[2].reason, "data: inline data");
  const auto* rust = find(plan, "https://www.rust-lang.org/");
  ASSERT_NE(rust, nullptr);
  EXPECT_EQ(rust->tags, Tags({"rust", "lang", "toolbar"}));
  EXPECT_EQ(rust->note, "A language empowering everyone");
  const auto* cpp = find(plan, "https://en.cppreference.com/w/");
  EXPECT_EQ(cpp->tags, Tags({"dev", "cpp", "reference"}));
  EXPECT_EQ(cpp->note, "C and C++ reference <the good one>");
  EXPECT_EQ(find(plan, "https://support.mozilla.org/products/firefox")->tags, Tags({"Mozilla Firefox"}));
  // The toolbar's own description is the folder's, not a bookmark's note.
  EXPECT_EQ(find(plan, "https://developer.mozilla.org/en-US/docs/Web/HTML")->note, "");
  EXPECT_EQ(find(plan, "https://lwn.net/Articles/")->tags, Tags{});
}

TEST(BookmarkFileTest, SafariFoldersWithoutAnOuterList) {
  const ImportPlan plan = plan_import(read("safari.html").entries, {});
  ASSERT_EQ(plan.links.size(), 4u);
  EXPECT_EQ(find(plan, "https://www.apple.com/")->tags, Tags{});
  EXPECT_EQ(find(plan, "https://lwn.net/")->tags, Tags({"news"}));
  EXPECT_EQ(find(plan, "https://www.seriouseats.com/")->tags, Tags({"recipes"}));
  EXPECT_EQ(find(plan, "https://example.org/long-read")->tags, Tags({"Reading List"}));
  EXPECT_EQ(find(plan, "https://lwn.net/")->created_at, "");
}

TEST(BookmarkFileTest, LinkdingPinboardAndKarakeepTagsAndDescriptions) {
  ImportPlan linkding = plan_import(read("linkding.html").entries, {});
  ASSERT_EQ(linkding.links.size(), 3u);
  EXPECT_EQ(linkding.links[0].tags, Tags({"self-hosted", "bookmarks"}));
  EXPECT_EQ(linkding.links[0].note, "Self-hosted bookmark manager");
  EXPECT_EQ(linkding.links[0].created_at, "2024-03-09T16:00:00.000Z");
  EXPECT_EQ(linkding.links[1].tags, Tags({"sqlite", "dev/db"}));
  EXPECT_EQ(linkding.links[2].tags, Tags{});

  ImportPlan pinboard = plan_import(read("pinboard.html").entries, {});
  ASSERT_EQ(pinboard.links.size(), 2u);
  EXPECT_EQ(pinboard.links[0].tags, Tags({"reading", "longform"}));
  EXPECT_EQ(pinboard.links[0].note, "Long essays on everything");
  EXPECT_EQ(pinboard.links[1].tags, Tags({"blogs", "performance"}));
  EXPECT_EQ(pinboard.duplicates, 1);

  ImportPlan karakeep = plan_import(read("karakeep.html").entries, {});
  ASSERT_EQ(karakeep.links.size(), 2u);
  EXPECT_EQ(karakeep.links[0].tags, Tags({"self-hosted", "ai"}));
  EXPECT_EQ(karakeep.links[0].note, "Bookmark everything");
}

TEST(BookmarkFileTest, RootFolderListIsConfigurable) {
  ImportOptions keep;
  keep.keep_root_folders = true;
  const auto entries = read("chrome.html").entries;
  EXPECT_EQ(find(plan_import(entries, keep), "https://isocpp.org/")->tags,
            Tags({"Bookmarks bar/dev/cpp", "Other bookmarks"}));
  ImportOptions custom;
  custom.root_folders = {"other BOOKMARKS"};
  const ImportPlan plan = plan_import(entries, custom);
  // Chrome marks its bar (PERSONAL_TOOLBAR_FOLDER): dropped whatever the list says.
  EXPECT_EQ(find(plan, "https://isocpp.org/")->tags, Tags({"dev/cpp"}));
  EXPECT_EQ(find(plan, "https://www.douban.com/")->tags, Tags({"读书"}));
}

TEST(BookmarkFileTest, BadFilesGiveAClearError) {
  EXPECT_ERROR(read_bookmark_file(read_fixture("bookmarks/not-bookmarks.html")), errc::kBadRequest,
               "not a bookmark file: it does not start with <!DOCTYPE NETSCAPE-Bookmark-file-1>");
  EXPECT_ERROR(read_bookmark_file(""), errc::kBadRequest,
               "not a bookmark file: it does not start with <!DOCTYPE NETSCAPE-Bookmark-file-1>");
  EXPECT_ERROR(read_bookmark_file(read_fixture("bookmarks/truncated.html")), errc::kBadRequest,
               "the bookmark file is truncated: its list of bookmarks is not closed (</DL> missing)");
  BookmarkFileLimits small;
  small.max_bytes = 100;
  EXPECT_ERROR(read_bookmark_file(read_fixture("bookmarks/chrome.html"), small), errc::kTooLarge,
               "the bookmark file is 0.0 MiB; LinkSnap reads bookmark files of up to 0.0 MiB");
  small = {};
  small.max_entries = 3;
  EXPECT_ERROR(read_bookmark_file(read_fixture("bookmarks/chrome.html"), small), errc::kTooLarge,
               "the bookmark file has more than 3 bookmarks");
  small = {};
  small.max_depth = 2;
  EXPECT_ERROR(read_bookmark_file(read_fixture("bookmarks/chrome.html"), small), errc::kBadRequest,
               "the bookmark file nests folders more than 2 deep");
  std::string deep = "<!DOCTYPE NETSCAPE-Bookmark-file-1><DL>";
  for (int i = 0; i < 2000; ++i) deep += "<DT><H3>f</H3><DL><p>";
  EXPECT_ERROR(read_bookmark_file(deep), errc::kBadRequest,
               "the bookmark file nests its elements too deeply (or gives one element too many "
               "attributes) to be read");
}

// A browser's export of 60,000 bookmarks (8 MB) is read whole: the parser's budget is the
// bookmark file's own, not a page's (which cut it and called it truncated). A file past that
// budget is refused as too large, never read in part.
std::string many_bookmarks(int n) {
  std::string html = "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<TITLE>Bookmarks</TITLE>\n<DL><p>\n";
  for (int i = 0; i < n; ++i) {
    if (i % 500 == 0) html += (i ? "</DL><p>\n" : "") + std::string("<DT><H3>folder") + std::to_string(i / 500) + "</H3>\n<DL><p>\n";
    html += "<DT><A HREF=\"https://site" + std::to_string(i % 300) + ".example/p/" + std::to_string(i) +
            "\" ADD_DATE=\"1600000000\" TAGS=\"a,b\">Page " + std::to_string(i) + "</A>\n<DD>note\n";
  }
  return html + "</DL><p>\n</DL><p>\n";
}

TEST(BookmarkFileTest, SixtyThousandEntriesAreReadWholeAndPastTheBudgetIsTooLarge) {
  const std::string html = many_bookmarks(60'000);
  auto file = read_bookmark_file(html);
  ASSERT_TRUE(file.ok()) << file.error().message;
  EXPECT_EQ(file->entries.size(), 60'000u);
  EXPECT_EQ(file->entries.back().url, "https://site299.example/p/59999");

  BookmarkFileLimits small;
  small.max_parse_bytes = 4u << 20;
  char size[32];
  std::snprintf(size, sizeof size, "%.1f MiB", static_cast<double>(html.size()) / (1 << 20));
  EXPECT_ERROR(read_bookmark_file(html, small), errc::kTooLarge,
               "the bookmark file (" + std::string(size) +
                   ") is too large to read at once: it needs more memory than allowed; split it "
                   "into smaller files");
}

TEST(BookmarkFileTest, DatesInSecondsMillisecondsOrMicroseconds) {
  EXPECT_EQ(parse_bookmark_date("1700000000"), 1700000000);
  EXPECT_EQ(parse_bookmark_date("1700000000123"), 1700000000);
  EXPECT_EQ(parse_bookmark_date("1700000000123456"), 1700000000);
  EXPECT_EQ(parse_bookmark_date(" 42 "), 42);
  EXPECT_EQ(parse_bookmark_date(""), std::nullopt);
  EXPECT_EQ(parse_bookmark_date("-5"), std::nullopt);
  EXPECT_EQ(parse_bookmark_date("12abc"), std::nullopt);
  // Fuzz finding: year 2340 overflowed system_clock's nanoseconds when made a created_at.
  EXPECT_EQ(parse_bookmark_date("11690000200"), std::nullopt);
  EXPECT_EQ(parse_bookmark_date("11690000200000"), std::nullopt);
}

TEST(BookmarkFileTest, WrittenFileReadsBackTheSame) {
  std::vector<BookmarkOut> links = {
      {"https://example.org/a?x=1&y=\"2\"", "A <b> & \"c\"", "line one\nline <two>",
       {"dev/cpp", "读书", "a,b"}, 1700000000, 1700000500},
      {"https://example.org/b", "", "", {}, 1600000000, 1600000000},
  };
  const std::string html = write_bookmark_file(links);
  auto file = read_bookmark_file(html);
  ASSERT_OK(file);
  ASSERT_EQ(file->entries.size(), 2u);
  const BookmarkEntry& a = file->entries[0];
  EXPECT_EQ(a.url, links[0].url);
  EXPECT_EQ(a.title, links[0].title);
  EXPECT_EQ(a.note, links[0].note);
  EXPECT_EQ(a.tags, Tags({"dev/cpp", "读书", "a b"}));
  EXPECT_EQ(a.add_date, 1700000000);
  EXPECT_EQ(a.last_modified, 1700000500);
  EXPECT_TRUE(a.folders.empty());
  EXPECT_EQ(file->entries[1].title, "");
  EXPECT_EQ(file->entries[1].note, "");
}

}  // namespace
}  // namespace linksnap::interop
