#include "util/charset.h"

#include <gtest/gtest.h>
#include <iconv.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <fstream>
#include <random>
#include <string>

#include "http_server.h"
#include "test_util.h"

namespace linksnap::charset {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

// Test helper: UTF-8 -> `to` with glibc iconv, so legacy bytes in tests come from a real encoder.
std::string encode(const std::string& utf8, const char* to) {
  iconv_t cd = iconv_open(to, "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    ADD_FAILURE() << "iconv cannot encode " << to;
    return "";
  }
  std::string out(utf8.size() * 4 + 16, '\0');
  char* in = const_cast<char*>(utf8.data());
  std::size_t in_left = utf8.size();
  char* out_ptr = out.data();
  std::size_t out_left = out.size();
  const std::size_t r = iconv(cd, &in, &in_left, &out_ptr, &out_left);
  EXPECT_NE(r, static_cast<std::size_t>(-1)) << "errno " << errno;
  iconv(cd, nullptr, nullptr, &out_ptr, &out_left);
  iconv_close(cd);
  out.resize(out.size() - out_left);
  return out;
}

std::string decoded(std::string_view bytes, std::string_view label) {
  auto r = to_utf8(bytes, label);
  EXPECT_TRUE(r.ok()) << label << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : std::string("<error>");
}

// --- labels ------------------------------------------------------------------------------

TEST(CharsetLabelTest, MapsAliasesToWhatwgNames) {
  EXPECT_EQ(canonical_label("GB2312"), "gbk");
  EXPECT_EQ(canonical_label("x-gbk"), "gbk");
  EXPECT_EQ(canonical_label("gbk"), "gbk");
  EXPECT_EQ(canonical_label("GB18030"), "gb18030");
  EXPECT_EQ(canonical_label("latin1"), "windows-1252");
  EXPECT_EQ(canonical_label("ISO-8859-1"), "windows-1252");
  EXPECT_EQ(canonical_label("ascii"), "windows-1252");
  EXPECT_EQ(canonical_label("us-ascii"), "windows-1252");
  EXPECT_EQ(canonical_label("utf8"), "utf-8");
  EXPECT_EQ(canonical_label(" UTF-8\t"), "utf-8");
  EXPECT_EQ(canonical_label("Shift_JIS"), "shift_jis");
  EXPECT_EQ(canonical_label("sjis"), "shift_jis");
  EXPECT_EQ(canonical_label("big5-hkscs"), "big5");
  EXPECT_EQ(canonical_label("EUC-JP"), "euc-jp");
  EXPECT_EQ(canonical_label("ks_c_5601-1987"), "euc-kr");
  EXPECT_EQ(canonical_label("latin2"), "iso-8859-2");
  EXPECT_EQ(canonical_label("iso-8859-9"), "windows-1254");
  EXPECT_EQ(canonical_label("utf-16"), "utf-16le");
  EXPECT_EQ(canonical_label("hz-gb-2312"), "replacement");
}

TEST(CharsetLabelTest, UnknownLabelsAreEmpty) {
  EXPECT_EQ(canonical_label("klingon"), "");
  EXPECT_EQ(canonical_label(""), "");
  EXPECT_EQ(canonical_label("utf-9"), "");
  EXPECT_EQ(canonical_label("gb 2312"), "");
  EXPECT_EQ(canonical_label(std::string(1000, 'a')), "");
}

TEST(CharsetContentTypeTest, ReadsTheCharsetParameter) {
  EXPECT_EQ(charset_from_content_type("text/html; charset=GB2312"), "gbk");
  EXPECT_EQ(charset_from_content_type("text/html;charset=\"utf-8\""), "utf-8");
  EXPECT_EQ(charset_from_content_type("text/html; foo=bar; Charset = big5 "), "big5");
  EXPECT_EQ(charset_from_content_type("text/html; foo=\"a;charset=gbk\"; charset=euc-jp"),
            "euc-jp");
}

TEST(CharsetContentTypeTest, NoneOrUnknownIsEmpty) {
  EXPECT_EQ(charset_from_content_type("text/html"), "");
  EXPECT_EQ(charset_from_content_type(""), "");
  EXPECT_EQ(charset_from_content_type("text/html; charset="), "");
  EXPECT_EQ(charset_from_content_type("text/html; charset=bogus"), "");
  EXPECT_EQ(charset_from_content_type("text/html; charset"), "");
}

// --- detection ---------------------------------------------------------------------------

TEST(CharsetDetectTest, BomBeatsHeaderAndMeta) {
  EXPECT_EQ(detect_html("text/html; charset=big5", "\xEF\xBB\xBF<meta charset=gbk>"), "utf-8");
  EXPECT_EQ(detect_html("text/html; charset=gbk", std::string("\xFF\xFE<\0", 4)), "utf-16le");
  EXPECT_EQ(detect_html("", std::string("\xFE\xFF\0<", 4)), "utf-16be");
}

TEST(CharsetDetectTest, HeaderBeatsMeta) {
  EXPECT_EQ(detect_html("text/html; charset=gbk", "<meta charset=big5><p>x"), "gbk");
}

TEST(CharsetDetectTest, UnknownHeaderCharsetFallsThroughToMeta) {
  EXPECT_EQ(detect_html("text/html; charset=bogus", "<meta charset=big5><p>x"), "big5");
}

TEST(CharsetDetectTest, FindsMetaCharset) {
  EXPECT_EQ(detect_html("text/html", "<!doctype html><html><head><META CHARSET='GB2312'>"), "gbk");
}

TEST(CharsetDetectTest, FindsMetaHttpEquivContentType) {
  EXPECT_EQ(detect_html("",
                        "<meta http-equiv=\"Content-Type\" "
                        "content=\"text/html; charset=Shift_JIS\">"),
            "shift_jis");
  EXPECT_EQ(detect_html("", "<meta content='text/html;charset=euc-kr' http-equiv=content-type>"),
            "euc-kr");
}

TEST(CharsetDetectTest, RealWorldChineseHead) {
  const std::string head =
      "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\">\n"
      "<html xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n"
      "<meta http-equiv=\"X-UA-Compatible\" content=\"IE=edge\" />\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n"
      "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\" />\n"
      "<title>";
  EXPECT_EQ(detect_html("text/html", head + encode("新闻", "GBK") + "</title>"), "gbk");
}

TEST(CharsetDetectTest, ContentWithoutHttpEquivIsNotADeclaration) {
  EXPECT_EQ(detect_html("", "<meta name=x content=\"text/html; charset=gbk\"><p>ascii"), "utf-8");
}

TEST(CharsetDetectTest, MetaInsideCommentOrAttributeIsIgnored) {
  EXPECT_EQ(detect_html("", "<!-- <meta charset=gbk> --><meta charset=big5>"), "big5");
  EXPECT_EQ(detect_html("", "<div title=\"<meta charset=gbk>\"></div><meta charset=euc-jp>"),
            "euc-jp");
}

TEST(CharsetDetectTest, UnknownMetaLabelIsSkipped) {
  EXPECT_EQ(detect_html("", "<meta charset=bogus><meta charset=gbk>"), "gbk");
}

TEST(CharsetDetectTest, Utf16InMetaMeansUtf8) {
  EXPECT_EQ(detect_html("", "<meta charset=utf-16>\xE4\xB8"), "utf-8");
}

TEST(CharsetDetectTest, MetaAfterTheFirst1024BytesIsNotSeen) {
  const std::string body = "<p>" + std::string(1100, 'x') + "</p><meta charset=gbk>";
  EXPECT_EQ(detect_html("", body), "utf-8");
}

TEST(CharsetDetectTest, UndeclaredValidUtf8IsUtf8) {
  EXPECT_EQ(detect_html("text/html", "<p>时间同步 😀</p>"), "utf-8");
  EXPECT_EQ(detect_html("", ""), "utf-8");
}

TEST(CharsetDetectTest, Utf8CutOffAtTheEndIsStillUtf8) {
  const std::string s = "<p>时间同步";
  EXPECT_EQ(detect_html("", s.substr(0, s.size() - 1)), "utf-8");
}

// --- undeclared encodings: the autodetect step (uchardet) ----------------------------------

// A page as an older site serves it: markup, a title and a sentence or two, no declaration.
std::string undeclared_page(const std::string& title, const std::string& text) {
  return "<!DOCTYPE html>\n<html><head><title>" + title +
         "</title>\n<link rel=stylesheet href=/s.css></head>\n<body><div id=main><p>" + text +
         "</p></div></body></html>\n";
}

struct UndeclaredCase {
  const char* iconv_name;
  const char* expected;
  std::string title, text;
};

TEST(CharsetDetectTest, UndeclaredCjkPagesAreDetectedAndDecodedExactly) {
  const UndeclaredCase cases[] = {
      {"GBK", "gb18030", "未声明编码的网页",
       "这是一个没有声明字符编码的中文网页。老的中文网站常常不写编码，浏览器会自己检测。"},
      {"BIG5", "big5", "未聲明編碼的網頁",
       "這是一個沒有聲明字元編碼的繁體中文網頁。許多舊網站不寫編碼，瀏覽器會自行偵測。"},
      {"SHIFT_JIS", "shift_jis", "文字コード未宣言のページ",
       "これは文字コードを宣言していない日本語のページです。古いサイトではよくあることです。"},
      {"EUC-KR", "euc-kr", "인코딩을 선언하지 않은 페이지",
       "이 페이지는 문자 인코딩을 선언하지 않은 한국어 웹 페이지입니다. 브라우저는 인코딩을 "
       "스스로 감지합니다."},
  };
  for (const UndeclaredCase& c : cases) {
    const std::string page = encode(undeclared_page(c.title, c.text), c.iconv_name);
    const std::string cs = detect_html("text/html", page);
    EXPECT_EQ(cs, c.expected) << c.iconv_name;
    EXPECT_EQ(decoded(page, cs), undeclared_page(c.title, c.text)) << c.iconv_name;
  }
}

TEST(CharsetDetectTest, UndeclaredCyrillicPageIsWindows1251) {
  const std::string text = "Это страница на русском языке, в которой не объявлена кодировка.";
  const std::string page = encode(undeclared_page("Без кодировки", text), "CP1251");
  ASSERT_EQ(detect_html("", page), "windows-1251");
  EXPECT_EQ(decoded(page, "windows-1251"), undeclared_page("Без кодировки", text));
}

TEST(CharsetDetectTest, UndeclaredWesternPageStaysWindows1252) {
  const std::string text = "Le café était très agréable, et nous avons mangé une crème brûlée.";
  EXPECT_EQ(detect_html("", encode(undeclared_page("Café", text), "CP1252")), "windows-1252");
  EXPECT_EQ(detect_html("", "<p>caf\xE9 cr\xE8me</p>"), "windows-1252");
}

TEST(CharsetDetectTest, Utf8PageWithOneBrokenByteIsStillUtf8) {
  const std::string text = "这是一个中文网页，其中有一个坏字节：\xFF。其余的文字都是正确的 UTF-8 编码。";
  EXPECT_EQ(detect_html("", undeclared_page("网页", text)), "utf-8");
}

// A few characters are too little for the detector (uchardet calls bare GBK "UTF-8" or a Thai
// code page): then the last fallback, never a multi-byte guess the bytes do not fit.
TEST(CharsetDetectTest, ShortUndeclaredTextFallsBackToWindows1252) {
  EXPECT_EQ(detect_html("", "<p>" + encode("时间同步", "GBK") + "</p>"), "windows-1252");
  EXPECT_EQ(detect_html("", "<title>" + encode("未声明编码的网页", "GBK") + "</title>"),
            "windows-1252");
  EXPECT_EQ(detect_html("", encode("网页", "GBK")), "windows-1252");
}

TEST(CharsetDetectTest, DeclarationsStillWinOverTheDetector) {
  const std::string page = encode(undeclared_page("未声明编码的网页", "这是一个中文网页。"), "GBK");
  EXPECT_EQ(detect_html("text/html; charset=big5", page), "big5");
  EXPECT_EQ(detect_html("", "<meta charset=euc-kr>" + page), "euc-kr");
}

// Only the first 256 KiB after the first non-ASCII byte are read: a long page costs no more.
TEST(CharsetDetectTest, LongUndeclaredPageIsDetectedFromItsStart) {
  std::string page = std::string(100000, ' ') +
                     encode(undeclared_page("未声明编码的网页", "这是一个没有声明字符编码的中文网页。"), "GBK");
  while (page.size() < (4u << 20)) page += encode("老的中文网站常常不写编码，浏览器会自己检测。", "GBK");
  EXPECT_EQ(detect_html("", page), "gb18030");
}

// --- conversion --------------------------------------------------------------------------

TEST(CharsetToUtf8Test, Gb2312PageBecomesCorrectChinese) {
  const std::string text = "chrony 时间同步与 NTS 配置笔记：验证机制、密钥";
  const std::string page =
      "<html><head><meta charset=\"gb2312\"><title>" + encode(text, "GBK") + "</title>";
  const std::string cs = detect_html("text/html", page);
  ASSERT_EQ(cs, "gbk");
  EXPECT_EQ(decoded(page, cs), "<html><head><meta charset=\"gb2312\"><title>" + text + "</title>");
}

TEST(CharsetToUtf8Test, GbkIsDecodedAsGb18030) {
  // Four-byte GB18030 sequences (outside GBK proper) still decode under the gbk label.
  const std::string text = "😀 㐀 €";
  EXPECT_EQ(decoded(encode(text, "GB18030"), "gbk"), text);
  EXPECT_EQ(decoded(encode(text, "GB18030"), "gb18030"), text);
}

TEST(CharsetToUtf8Test, DecodesOtherCjkEncodings) {
  EXPECT_EQ(decoded(encode("繁體中文", "BIG5"), "big5"), "繁體中文");
  EXPECT_EQ(decoded(encode("日本語のテキスト", "SHIFT_JIS"), "shift_jis"), "日本語のテキスト");
  EXPECT_EQ(decoded(encode("日本語", "EUC-JP"), "euc-jp"), "日本語");
  EXPECT_EQ(decoded(encode("日本語", "ISO-2022-JP"), "iso-2022-jp"), "日本語");
  EXPECT_EQ(decoded(encode("한국어", "EUC-KR"), "euc-kr"), "한국어");
}

TEST(CharsetToUtf8Test, DecodesSingleByteEncodings) {
  EXPECT_EQ(decoded("caf\xE9", "iso-8859-1"), "café");
  EXPECT_EQ(decoded("\x80 \x93quoted\x94 \x81", "windows-1252"), "€ “quoted” \xC2\x81");
  EXPECT_EQ(decoded(encode("Привет", "KOI8-R"), "koi8-r"), "Привет");
  EXPECT_EQ(decoded(encode("Żółć", "ISO-8859-2"), "latin2"), "Żółć");
}

TEST(CharsetToUtf8Test, DecodesUtf16) {
  EXPECT_EQ(decoded(std::string("h\0i\0", 4), "utf-16le"), "hi");
  EXPECT_EQ(decoded(std::string("\0h\0i", 4), "utf-16be"), "hi");
  EXPECT_EQ(decoded(std::string("h\0i", 3), "utf-16le"), "h" + kFffd);  // odd trailing byte
}

TEST(CharsetToUtf8Test, BomIsStrippedAndWinsOverTheLabel) {
  EXPECT_EQ(decoded("\xEF\xBB\xBFhi", "utf-8"), "hi");
  EXPECT_EQ(decoded("\xEF\xBB\xBF时间", "gbk"), "时间");
  EXPECT_EQ(decoded(std::string("\xFF\xFEh\0", 4), "windows-1252"), "h");
}

TEST(CharsetToUtf8Test, InvalidBytesBecomeReplacementCharacters) {
  EXPECT_EQ(decoded("a\xFF"
                    "b",
                    "utf-8"),
            "a" + kFffd + "b");
  EXPECT_EQ(decoded("a\xFF"
                    "b",
                    "gbk"),
            "a" + kFffd + "b");
  EXPECT_EQ(decoded(encode("时", "GBK").substr(0, 1), "gbk"), kFffd);  // truncated at the end
  EXPECT_EQ(decoded("\x82 ", "shift_jis"), kFffd + " ");  // lead byte without a trail byte
}

TEST(CharsetToUtf8Test, SpecialWhatwgEncodings) {
  EXPECT_EQ(decoded("anything", "iso-2022-kr"), kFffd);
  EXPECT_EQ(decoded("", "iso-2022-kr"), "");
  EXPECT_EQ(decoded("a\x80", "x-user-defined"), "a\xEF\x9E\x80");  // U+F780
}

// Found by fuzz_html_text: detect_html answers with encoding names, and "replacement" (what
// hz-gb-2312 and the ISO-2022 labels mean) is no label, so to_utf8 refused its own answer
// and `linksnap add` failed on such a page.
TEST(CharsetToUtf8Test, RegressionDetectedReplacementEncodingDecodes) {
  const std::string page = "<meta charset=\"hz-gb-2312\"><p>~{<:Ky2;S{#,NpJ)l6HK!#~}</p>";
  ASSERT_EQ(detect_html("text/html", page), "replacement");
  EXPECT_EQ(decoded(page, detect_html("text/html", page)), kFffd);
  const std::string seed =
      linksnap::testing::read_fixture("../fuzz/seeds/html_text/regression-replacement-encoding");
  ASSERT_FALSE(seed.empty());
  EXPECT_TRUE(to_utf8(seed, detect_html("text/html", seed)).ok());
}

TEST(CharsetToUtf8Test, EmptyInputIsEmpty) {
  EXPECT_EQ(decoded("", "gbk"), "");
  EXPECT_EQ(decoded("", "utf-8"), "");
}

TEST(CharsetToUtf8Test, UnknownCharsetIsAnErrorWithExactMessage) {
  auto r = to_utf8("x", "klingon");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, errc::kBadRequest);
  EXPECT_EQ(r.error().message, "unknown character encoding: klingon");
}

TEST(CharsetToUtf8Test, OutputIsAlwaysValidUtf8) {
  std::mt19937 rng(20240601);
  for (const char* label : {"utf-8", "gbk", "big5", "shift_jis", "euc-jp", "euc-kr", "iso-2022-jp",
                            "utf-16le", "windows-1252", "koi8-r"}) {
    for (int i = 0; i < 50; ++i) {
      std::string bytes(static_cast<std::size_t>(rng() % 300), '\0');
      for (char& c : bytes) c = static_cast<char>(rng());
      auto r = to_utf8(bytes, label);
      ASSERT_TRUE(r.ok()) << label;
      EXPECT_TRUE(is_valid_utf8(*r)) << label;
    }
  }
}

// --- UTF-8 validation --------------------------------------------------------------------

TEST(CharsetUtf8Test, AcceptsWellFormedSequencesOfEveryLength) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("\xC3\xA9"));          // é
  EXPECT_TRUE(is_valid_utf8("\xE4\xB8\xAD"));      // 中
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x98\x80"));  // 😀, four bytes
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
  EXPECT_TRUE(is_valid_utf8("\xEF\xBF\xBD"));      // U+FFFD
  EXPECT_TRUE(is_valid_utf8(std::string("a\0b", 3)));
}

TEST(CharsetUtf8Test, RejectsOverlongs) {
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));
  EXPECT_FALSE(is_valid_utf8("\xC1\xBF"));
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));
  EXPECT_FALSE(is_valid_utf8("\xF0\x80\x80\xAF"));
}

TEST(CharsetUtf8Test, RejectsSurrogatesAndCodePointsAboveMax) {
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // U+D800
  EXPECT_FALSE(is_valid_utf8("\xED\xBF\xBF"));      // U+DFFF
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(is_valid_utf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(is_valid_utf8("\xFF"));
}

TEST(CharsetUtf8Test, RejectsTruncatedAndStraySequences) {
  EXPECT_FALSE(is_valid_utf8("\xE4\xB8"));
  EXPECT_FALSE(is_valid_utf8("\xF0\x9F\x98"));
  EXPECT_FALSE(is_valid_utf8("\x80"));
  EXPECT_FALSE(is_valid_utf8("a\xE4z"));
}

TEST(CharsetUtf8Test, SanitizeKeepsValidTextUnchanged) {
  const std::string s = "chrony 时间同步 😀 \xF4\x8F\xBF\xBF";
  EXPECT_EQ(sanitize_utf8(s), s);
}

TEST(CharsetUtf8Test, SanitizeReplacesEachMaximalSubpart) {
  EXPECT_EQ(sanitize_utf8("a\xFF"
                          "b"),
            "a" + kFffd + "b");
  EXPECT_EQ(sanitize_utf8("\xC0\xAF"), kFffd + kFffd);              // overlong
  EXPECT_EQ(sanitize_utf8("\xE0\x80\xAF"), kFffd + kFffd + kFffd);  // overlong
  EXPECT_EQ(sanitize_utf8("\xED\xA0\x80"), kFffd + kFffd + kFffd);  // surrogate
  EXPECT_EQ(sanitize_utf8("\xF4\x90\x80\x80"), kFffd + kFffd + kFffd + kFffd);
  EXPECT_EQ(sanitize_utf8("\xE4\xB8"), kFffd);         // truncated at end
  EXPECT_EQ(sanitize_utf8("\xE4\xB8z"), kFffd + "z");  // truncated inside
  EXPECT_EQ(sanitize_utf8("\xF0\x9F\x98\x80\xF0\x9F"), "\xF0\x9F\x98\x80" + kFffd);
}

TEST(CharsetUtf8Test, SanitizeAlwaysProducesValidUtf8) {
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::string bytes(static_cast<std::size_t>(rng() % 64), '\0');
    for (char& c : bytes) c = static_cast<char>(0x80 | rng());  // mostly non-ASCII
    const std::string clean = sanitize_utf8(bytes);
    ASSERT_TRUE(is_valid_utf8(clean));
    if (is_valid_utf8(bytes)) {
      EXPECT_EQ(clean, bytes);
    }
  }
}

// --- stylesheets ---------------------------------------------------------------------------

TEST(CharsetDetectCssTest, DeclarationsInCssOrder) {
  EXPECT_EQ(detect_css("text/css; charset=big5", "\xEF\xBB\xBF@charset \"gbk\";"), "utf-8");
  EXPECT_EQ(detect_css("text/css; charset=big5", "@charset \"gbk\"; a{}"), "big5");
  EXPECT_EQ(detect_css("text/css", "@charset \"GB2312\"; a{}"), "gbk");
  EXPECT_EQ(detect_css("text/css", "@charset \"utf-16\"; a{}"), "utf-8");
  // Not byte-exact, so not a declaration (CSS Syntax 3.2).
  EXPECT_EQ(detect_css("text/css", "@charset 'gbk'; a{}"), "utf-8");
  EXPECT_EQ(detect_css("text/css", "@CHARSET \"gbk\"; a{}"), "utf-8");
}

TEST(CharsetDetectCssTest, UndeclaredGbkStylesheetIsDetected) {
  const std::string css =
      "/* 这是一个没有声明字符编码的样式表，字体名称是中文的。 */\n"
      "body { font-family: \"微软雅黑\", \"宋体\", sans-serif; }\n"
      ".title::before { content: \"未声明编码的网页：\"; }\n";
  const std::string bytes = encode(css, "GBK");
  ASSERT_EQ(detect_css("text/css", bytes), "gb18030");
  EXPECT_EQ(decoded(bytes, "gb18030"), css);
}

TEST(CharsetDetectCssTest, FallbackIsUtf8OrTheReferringDocumentsEncoding) {
  EXPECT_EQ(detect_css("text/css", "a { content: \"é\" }"), "utf-8");
  EXPECT_EQ(detect_css("", "a{}\xE9 "), "utf-8");  // not UTF-8, too short to guess
  EXPECT_EQ(detect_css("", "a{}\xE9 ", "gbk"), "gbk");
  EXPECT_EQ(detect_css("", "a{}\xE9 ", "bogus"), "utf-8");
}

// --- end to end: `linksnap add` of an undeclared GBK page, then `linksnap search` ---------

TEST(CharsetCliTest, UndeclaredGbkPageIsSavedWithItsTitleAndFoundBySearch) {
  using nlohmann::json;
  linksnap::testing::TempDir site, home;
  {
    std::ofstream out((site.path() / "gbk.html").string(), std::ios::binary);
    out << encode(undeclared_page("未声明编码的网页",
                                  "这是一个没有声明字符编码的中文网页。老的中文网站常常不写编码，"
                                  "浏览器会自己检测。"),
                  "GBK");
  }
  test::TestHttpServer server(test::TestHttpServer::Options{site.str(), 0, 0, true});
  server.set_content_type(".html", "text/html");  // no charset parameter: nothing declared
  auto cli = [&](std::vector<std::string> args) {
    args.insert(args.begin(), LINKSNAP_CLI_BIN);
    args.push_back("--json");
    auto r = linksnap::testing::run_process(args, {"LINKSNAP_HOME=" + home.str()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    json j = json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out;
    return j;
  };
  json added = cli({"add", server.base_url() + "/gbk.html"});
  EXPECT_EQ(added["link"]["title"], "未声明编码的网页");
  for (const char* q : {"编码", "浏览器", "中文网站"}) {
    json found = cli({"search", q});
    ASSERT_EQ(found["results"].size(), 1u) << q;
    EXPECT_EQ(found["results"][0]["title"], "未声明编码的网页") << q;
  }
}

}  // namespace
}  // namespace linksnap::charset
