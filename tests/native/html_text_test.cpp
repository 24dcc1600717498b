#include "capture/html_text.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "capture/gumbo_guard.h"
#include "test_util.h"
#include "util/charset.h"

#ifndef LINKSNAP_FIXTURES_DIR
#error "LINKSNAP_FIXTURES_DIR must name tests/fixtures"
#endif

namespace linksnap::capture {
namespace {

std::string read_fixture(const std::string& relative) {
  std::ifstream in(std::string(LINKSNAP_FIXTURES_DIR) + "/" + relative, std::ios::binary);
  EXPECT_TRUE(in.good()) << relative;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string text_of(std::string_view html) { return extract_text(html).text; }

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

// --- extract_text ------------------------------------------------------------------------

TEST(HtmlTextTest, ChronyFixtureGivesTitleAndReadableChineseText) {
  const PageText page = extract_text(read_fixture("chrony/chrony-nts.html"));
  EXPECT_EQ(page.title, "chrony 时间同步与 NTS 配置笔记");
  EXPECT_TRUE(contains(page.text, "验证机制"));
  EXPECT_TRUE(contains(page.text, "密钥"));
  EXPECT_TRUE(contains(page.text, "chronyc"));
  EXPECT_TRUE(contains(page.text, "NTS 是一种新的 NTP 验证机制。"));
  EXPECT_TRUE(contains(page.text, "\nchronyc sources\nchronyc sources -v\n"));  // <pre> lines
  EXPECT_FALSE(contains(page.text, "stylesheet"));
  EXPECT_FALSE(contains(page.text, "style.css"));
  EXPECT_FALSE(contains(page.text, "<"));  // no markup leaks through
  EXPECT_FALSE(contains(page.text, "{"));  // no CSS
  EXPECT_TRUE(charset::is_valid_utf8(page.text));
}

TEST(HtmlTextTest, ExcludesScriptAndStyleContent) {
  EXPECT_EQ(text_of("<html><head><style>body { color: red }</style>"
                    "<script>var secret = '<p>not text</p>';</script></head>"
                    "<body><p>visible</p><script>document.write('x')</script>"
                    "<style>.a{b:c}</style></body></html>"),
            "visible");
}

TEST(HtmlTextTest, ExcludesHeadTemplateAndHiddenContent) {
  EXPECT_EQ(text_of("<head><title>T</title><meta name=description content=meta></head>"
                    "<body>a<template><p>tpl</p></template><p hidden>hid</p>"
                    "<div style=\"color: red; display : none\">dn</div>"
                    "<svg><style>.x{}</style><title>tooltip</title><desc>d</desc></svg>"
                    "<datalist><option>opt</option></datalist>"
                    "<video>your browser does not support video</video>b</body>"),
            "a b");  // only the (empty) inline svg box is left between the words
}

TEST(HtmlTextTest, KeepsNoscriptContentBecauseSnapshotsRunNoScript) {
  EXPECT_EQ(text_of("<body><noscript><p>Please enable JavaScript</p></noscript></body>"),
            "Please enable JavaScript");
}

TEST(HtmlTextTest, BlockElementsSeparateWords) {
  EXPECT_EQ(text_of("<p>foo</p><p>bar</p>"), "foo\nbar");
  EXPECT_EQ(text_of("foo</p><p>bar"), "foo\nbar");
  EXPECT_EQ(text_of("<div>a</div><div>b</div>"), "a\nb");
  EXPECT_EQ(text_of("<ul><li>one<li>two</ul>"), "one\ntwo");
  EXPECT_EQ(text_of("<h1>Title</h1>Body"), "Title\nBody");
  EXPECT_EQ(text_of("line1<br>line2<br/>line3"), "line1\nline2\nline3");
  EXPECT_EQ(text_of("<table><tr><th>h<td>c1<td>c2<tr><td>c3</table>"), "h\nc1\nc2\nc3");
  EXPECT_EQ(text_of("<div><div><p>deep</p></div></div><p>next</p>"), "deep\nnext");
}

TEST(HtmlTextTest, InlineElementsDoNotSplitWords) {
  EXPECT_EQ(text_of("<p>un<b>bel</b><i>iev</i><a href=#>able</a></p>"), "unbelievable");
  EXPECT_EQ(text_of("<p>时间<span>同步</span></p>"), "时间同步");
}

TEST(HtmlTextTest, InlineBoxesAreSeparatedBySpaces) {
  EXPECT_EQ(text_of("<button>Save</button><button>Cancel</button>"), "Save Cancel");
  EXPECT_EQ(text_of("see<img src=a.png alt=\"a cat\">here"), "see a cat here");
}

TEST(HtmlTextTest, CollapsesWhitespaceInsideBlocks) {
  EXPECT_EQ(text_of("<p>  a \n\t  b  </p>\n\n<p> c </p>"), "a b\nc");
  EXPECT_EQ(text_of("<p>a&nbsp;&nbsp;b</p>"), "a b");
}

TEST(HtmlTextTest, PreKeepsLineBreaksAndIndentation) {
  EXPECT_EQ(text_of("<p>x</p><pre>line1\n  line2\n\n    line4</pre><p>y</p>"),
            "x\nline1\n  line2\n\n    line4\ny");
  EXPECT_EQ(text_of("<pre>a <b>bold</b>\n b</pre>"), "a bold\n b");
}

TEST(HtmlTextTest, IncludesImgAltAndVisibleInputValues) {
  EXPECT_EQ(text_of("<img alt=\"logo\"><input value=\"typed text\"><input type=submit value=Go>"
                    "<input type=hidden value=secret><input type=password value=hunter2>"
                    "<input type=checkbox value=on>"),
            "logo typed text Go");
}

TEST(HtmlTextTest, SkipsRubyAnnotationsSoCjkWordsStayTogether) {
  EXPECT_EQ(text_of("<p><ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp>字<rt>ji</rt></ruby></p>"), "漢字");
}

TEST(HtmlTextTest, DecodesCharacterReferences) {
  EXPECT_EQ(text_of("<p>&amp; &lt;tag&gt; &#20013;&#x6587; &copy;</p>"), "& <tag> 中文 ©");
}

TEST(HtmlTextTest, TitleIsTheFirstTitleWithWhitespaceCollapsed) {
  EXPECT_EQ(extract_text("<title>\n  Hello \t World  </title><title>Second</title>").title,
            "Hello World");
  EXPECT_EQ(extract_text("<title>&lt;b&gt; &amp; co</title>").title, "<b> & co");
  EXPECT_EQ(extract_text("<p>no title</p>").title, "");
  EXPECT_EQ(extract_text("<body><svg><title>tip</title></svg>x</body>").title, "");
}

TEST(HtmlTextTest, InvalidUtf8InputGivesValidUtf8Output) {
  const PageText page = extract_text(
      "<title>t\xFF</title><p>a\xFF"
      "b\xE4\xB8</p>");
  EXPECT_EQ(page.title, "t\xEF\xBF\xBD");
  EXPECT_EQ(page.text,
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD");
}

TEST(HtmlTextTest, StopsAtMaxBytesOnACodePointBoundary) {
  const std::string html = "<p>中文中文中文中文</p>";
  EXPECT_EQ(extract_text(html, 7).text, "中文");
  EXPECT_EQ(extract_text(html, 6).text, "中文");
  EXPECT_EQ(extract_text(html, 5).text, "中");
  EXPECT_EQ(extract_text(html, 0).text, "");
  EXPECT_EQ(extract_text(html, 1000).text, "中文中文中文中文");
}

TEST(HtmlTextTest, LargeDocumentIsCutAtTheLimit) {
  std::string html = "<body>";
  for (int i = 0; i < 20000; ++i) html += "<p>段落 paragraph " + std::to_string(i) + "</p>";
  const PageText page = extract_text(html, 10000);
  EXPECT_LE(page.text.size(), 10000u);
  EXPECT_GT(page.text.size(), 9900u);
  EXPECT_TRUE(charset::is_valid_utf8(page.text));
}

TEST(HtmlTextTest, DeepNestingDoesNotCrashOrHang) {
  std::string html = "<html><head><title>Deep</title></head><body>start";
  for (int i = 0; i < 200000; ++i) html += "<div>";
  html += "deep text";
  for (int i = 0; i < 200000; ++i) html += "</div>";
  html += "<p>after</p></body></html>";
  const PageText page = extract_text(html);
  EXPECT_EQ(page.title, "Deep");
  EXPECT_TRUE(contains(page.text, "start"));
  EXPECT_TRUE(contains(page.text, "deep text"));
  EXPECT_TRUE(contains(page.text, "after"));
}

// gumbo compares each attribute with the element's others: 50,000 on one element took 15 s.
TEST(HtmlTextTest, AnElementWithTooManyAttributesIsWhereGumboStops) {
  std::string many = "<div";
  for (int i = 0; i < 50000; ++i) many += " a" + std::to_string(i) + "=1";
  many += ">inside</div>";
  const std::string html = "<title>Attrs</title><p>before</p>" + many + "<p>after</p>";
  EXPECT_EQ(gumbo_safe_length(html), html.find("<div"));
  std::string fine = "<div";
  for (int i = 0; i < 1024; ++i) fine += " a" + std::to_string(i);
  fine += ">";
  EXPECT_EQ(gumbo_safe_length(fine), fine.size());
  const PageText page = extract_text(html);
  EXPECT_EQ(page.title, "Attrs");
  EXPECT_TRUE(contains(page.text, "before"));
  EXPECT_TRUE(contains(page.text, "inside"));
  EXPECT_TRUE(contains(page.text, "after"));
}

TEST(HtmlTextTest, AttributesSpreadOverManyBodyTagsCountTogether) {
  std::string html = "<body a=1><p>start</p>";
  for (int i = 0; i < 2000; ++i) html += "<body b" + std::to_string(i) + "=1>";
  const std::size_t cut = gumbo_safe_length(html);
  EXPECT_LT(cut, html.size());
  EXPECT_EQ(html.substr(cut, 6), "<body ");
  EXPECT_EQ(std::count(html.begin(), html.begin() + static_cast<std::ptrdiff_t>(cut), '='), 1024);
}

TEST(HtmlTextTest, DeepNestingOfOtherShapesDoesNotCrash) {
  for (const char* unit : {"<span>", "<b>", "<div/>", "<table><tr><td>",
                           "<div><table><tr><td></div>", "<svg>", "<font color=red>"}) {
    std::string html = "<p>start";
    for (int i = 0; i < 50000; ++i) html += unit;
    html += "end";
    const PageText page = extract_text(html);
    EXPECT_TRUE(contains(page.text, "start")) << unit;
    EXPECT_TRUE(contains(page.text, "end")) << unit;
  }
}

TEST(HtmlTextTest, TextPastTheGumboDepthLimitSkipsScriptsAndKeepsBlocks) {
  std::string html = "<body>";
  for (int i = 0; i < 3000; ++i) html += "<div>";
  html +=
      "<p>tail1 &amp; more</p><script>var hidden = '<p>x</p>';</script><p>tail2</p>"
      "<template>tpl</template><pre>a\n b</pre>";
  const std::string text = text_of(html);
  EXPECT_TRUE(contains(text, "tail1 & more\ntail2\na\n b")) << text;
  EXPECT_FALSE(contains(text, "hidden"));
  EXPECT_FALSE(contains(text, "tpl"));
}

TEST(HtmlTextTest, GarbageBytesDoNotCrash) {
  std::mt19937 rng(42);
  std::string bytes(1u << 20, '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  const PageText page = extract_text(bytes);
  EXPECT_TRUE(charset::is_valid_utf8(page.text));
  EXPECT_TRUE(charset::is_valid_utf8(page.title));
  EXPECT_TRUE(charset::is_valid_utf8(declare_utf8(bytes)));
}

TEST(HtmlTextTest, MalformedMarkupDoesNotCrash) {
  for (const std::string& html :
       {std::string(""), std::string("<"), std::string("<!--"), std::string("</"),
        std::string("<a b='"), std::string("<script>"), std::string("<title>"), std::string("&#"),
        std::string("&#x110000;&#0;&#xD800;"), std::string("<p>a\0b</p>", 10),
        std::string("<table><td><table><td>"), std::string("<svg><foreignObject><p>x</svg>"),
        std::string("<plaintext><p>raw"), std::string("<frameset><frame></frameset>"),
        std::string("\xEF\xBB\xBF<p>bom</p>")}) {
    const PageText page = extract_text(html);
    EXPECT_TRUE(charset::is_valid_utf8(page.text)) << html;
    EXPECT_TRUE(charset::is_valid_utf8(declare_utf8(html))) << html;
  }
  EXPECT_EQ(text_of("\xEF\xBB\xBF<p>bom</p>"), "bom");
}

// --- declare_utf8 ------------------------------------------------------------------------

TEST(DeclareUtf8Test, RewritesExistingGbkMetaCharsetInPlace) {
  EXPECT_EQ(declare_utf8("<!DOCTYPE html><html><head><meta charset=\"gbk\"><title>t</title>"
                         "</head><body><P CLASS=x>unchanged</body></html>"),
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>t</title>"
            "</head><body><P CLASS=x>unchanged</body></html>");
}

TEST(DeclareUtf8Test, KeepsTheQuotingOfTheOriginalValue) {
  EXPECT_EQ(declare_utf8("<head><META CHARSET='GB2312'></head>"),
            "<head><META CHARSET='utf-8'></head>");
  EXPECT_EQ(declare_utf8("<head><meta charset=gbk></head>"), "<head><meta charset=utf-8></head>");
  EXPECT_EQ(declare_utf8("<head><meta charset></head>"), "<head><meta charset=\"utf-8\"></head>");
}

TEST(DeclareUtf8Test, RewritesHttpEquivContentType) {
  EXPECT_EQ(declare_utf8("<head><meta http-equiv=\"Content-Type\" "
                         "content=\"text/html; charset=gb2312\" /></head>"),
            "<head><meta http-equiv=\"Content-Type\" "
            "content=\"text/html; charset=utf-8\" /></head>");
  EXPECT_EQ(declare_utf8("<head><meta content=text/html;charset=big5 "
                         "http-equiv=content-type></head>"),
            "<head><meta content=text/html;charset=utf-8 http-equiv=content-type></head>");
}

TEST(DeclareUtf8Test, RewritesEveryDeclaration) {
  EXPECT_EQ(declare_utf8("<head><meta http-equiv=Content-Type content='text/html; charset=gbk'>"
                         "<meta charset=gbk></head>"),
            "<head><meta http-equiv=Content-Type content='text/html; charset=utf-8'>"
            "<meta charset=utf-8></head>");
}

TEST(DeclareUtf8Test, InsertsMetaRightAfterTheHeadStartTag) {
  EXPECT_EQ(declare_utf8("<!DOCTYPE html><html lang=zh><head profile=x><title>t</title></head>"
                         "<body>x</body></html>"),
            "<!DOCTYPE html><html lang=zh><head profile=x><meta charset=\"utf-8\">"
            "<title>t</title></head><body>x</body></html>");
}

TEST(DeclareUtf8Test, ContentTypeWithoutCharsetIsNotADeclaration) {
  EXPECT_EQ(declare_utf8("<head><meta http-equiv=content-type content=\"text/html\"></head>"),
            "<head><meta charset=\"utf-8\"><meta http-equiv=content-type content=\"text/html\">"
            "</head>");
}

TEST(DeclareUtf8Test, IgnoresMetaInsideComments) {
  EXPECT_EQ(declare_utf8("<!-- <meta charset=gbk> --><html><head></head></html>"),
            "<!-- <meta charset=gbk> --><html><head><meta charset=\"utf-8\"></head></html>");
}

TEST(DeclareUtf8Test, WithoutHeadTagInsertsAfterHtmlTagOrDoctypeOrAtTheStart) {
  EXPECT_EQ(declare_utf8("<html><p>x</p></html>"), "<html><meta charset=\"utf-8\"><p>x</p></html>");
  EXPECT_EQ(declare_utf8("<!doctype html>\n<title>t</title>"),
            "<!doctype html><meta charset=\"utf-8\">\n<title>t</title>");
  EXPECT_EQ(declare_utf8("<p>hello"), "<meta charset=\"utf-8\"><p>hello");
  EXPECT_EQ(declare_utf8(""), "<meta charset=\"utf-8\">");
  EXPECT_EQ(declare_utf8("\xEF\xBB\xBF<p>x"), "\xEF\xBB\xBF<meta charset=\"utf-8\"><p>x");
}

TEST(DeclareUtf8Test, LeavesAnExistingUtf8DeclarationAlone) {
  const std::string page = read_fixture("chrony/chrony-nts.html");
  EXPECT_EQ(declare_utf8(page), page);
  EXPECT_EQ(declare_utf8("<meta charset=UTF8><p>x"), "<meta charset=UTF8><p>x");
}

TEST(DeclareUtf8Test, ResultIsDetectedAsUtf8) {
  const std::string page =
      "<html><head><meta http-equiv=\"Content-Type\" "
      "content=\"text/html; charset=gb2312\"><title>时间</title>";
  EXPECT_EQ(charset::detect_html("", declare_utf8(page)), "utf-8");
}

TEST(DeclareUtf8Test, ReplacesInvalidUtf8) {
  EXPECT_EQ(declare_utf8("<head><meta charset=gbk></head>a\xFF"),
            "<head><meta charset=utf-8></head>a\xEF\xBF\xBD");
}

// Past the parse budget the document is cut before a tag and says so next to its charset.
TEST(DeclareUtf8Test, DeepDocumentsAreCutAndStillGetADeclaration) {
  std::string html = "<html><head><meta charset=gbk></head><body>";
  for (int i = 0; i < 200000; ++i) html += "<div>";
  const std::string out = declare_utf8(html);
  const std::string start =
      "<html><head><meta name=\"linksnap-note\" content=\"the page's markup is too complex to "
      "save in full (elements nested more than 512 deep): the first ";
  EXPECT_EQ(out.substr(0, start.size()), start);
  EXPECT_NE(out.find(" were saved\"><meta charset=utf-8></head><body><div><div>"),
            std::string::npos)
      << out.substr(0, 300);
  EXPECT_LT(out.size(), 4000u);
}

// A save parses the page once for both; the result must be what the two functions give.
TEST(PreparePageTest, IsDeclareUtf8AndExtractTextFromOneParse) {
  std::string deep = "\xEF\xBB\xBF<html><head><meta charset=gbk><title> 深 </title></head><body>";
  for (int i = 0; i < 2000; ++i) deep += "<div>层";
  for (const std::string& page :
       {linksnap::testing::read_fixture("chrony/chrony-nts.html"),
        std::string("<title>a\xFF</title><p>no head, invalid byte \xC3 </p>"), std::string(),
        deep}) {
    const PreparedPage prepared = prepare_page(page, 1000);
    EXPECT_EQ(prepared.html, declare_utf8(page));
    EXPECT_EQ(prepared.text.title, extract_text(page, 1000).title);
    EXPECT_EQ(prepared.text.text, extract_text(page, 1000).text);
  }
  EXPECT_EQ(prepare_page(linksnap::testing::read_fixture("chrony/chrony-nts.html")).text.title,
            "chrony 时间同步与 NTS 配置笔记");
}

}  // namespace
}  // namespace linksnap::capture
