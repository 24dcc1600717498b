// WHATWG MIME sniffing of fetched links (capture/mime_sniff.h).
#include "capture/mime_sniff.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace linksnap::capture {
namespace {

using namespace std::string_literals;

TEST(MimeSniff, EssenceIsTypeAndSubtypeInLowerCase) {
  EXPECT_EQ(media_type_essence("Text/HTML; charset=UTF-8"), "text/html");
  EXPECT_EQ(media_type_essence("  application/pdf"), "application/pdf");
  EXPECT_EQ(media_type_essence(""), "");
  EXPECT_EQ(media_type_essence("pdf"), "");
  EXPECT_EQ(media_type_essence("text/"), "");
  EXPECT_EQ(media_type_essence("a/b/c"), "");
  EXPECT_EQ(media_type_essence("te(xt/plain"), "");
}

TEST(MimeSniff, AMissingOrGenericTypeIsSniffedFromTheBytes) {
  const std::string pdf = testing::read_fixture("files/report.pdf");
  for (const char* header : {"", "application/octet-stream", "*/*", "unknown/unknown", "garbage"}) {
    EXPECT_EQ(sniff_media_type(header, pdf), "application/pdf") << header;
  }
  EXPECT_EQ(sniff_media_type("", testing::read_fixture("files/photo.png")), "image/png");
  EXPECT_EQ(sniff_media_type("", testing::read_fixture("files/photo.jpg")), "image/jpeg");
  EXPECT_EQ(sniff_media_type("", "GIF89a\x01\x00"s), "image/gif");
  EXPECT_EQ(sniff_media_type("", "RIFF\x10\x00\x00\x00WEBPVP8 "s), "image/webp");
  EXPECT_EQ(sniff_media_type("", "\x00\x00\x01\x00\x01\x00"s), "image/x-icon");
  EXPECT_EQ(sniff_media_type("", "\x00\x00\x00\x1C" "ftypavif\x00\x00\x00\x00" "avifmif1miaf"s), "image/avif");
  EXPECT_EQ(sniff_media_type("", "\x00\x00\x00\x18" "ftypmp42\x00\x00\x00\x00" "mp42isom"s), "video/mp4");
  EXPECT_EQ(sniff_media_type("", "PK\x03\x04rest"s), "application/zip");
  EXPECT_EQ(sniff_media_type("", "\x1F\x8B\x08\x00"s), "application/x-gzip");
  EXPECT_EQ(sniff_media_type("", "  <!DOCTYPE html><title>x</title>"), "text/html");
  EXPECT_EQ(sniff_media_type("", "<p>hi"), "text/html");
  EXPECT_EQ(sniff_media_type("", "<pre>hi"), "text/plain");  // <p followed by r is no <p>
  EXPECT_EQ(sniff_media_type("", "<?xml version=\"1.0\"?><feed/>"), "text/xml");
  EXPECT_EQ(sniff_media_type("", "# Notes\nplain words"), "text/plain");
  EXPECT_EQ(sniff_media_type("", "\x01\x02\x03 binary"s), "application/octet-stream");
}

TEST(MimeSniff, TextPlainOverBinaryBytesIsNotText) {
  EXPECT_EQ(sniff_media_type("text/plain", testing::read_fixture("files/photo.png")), "image/png");
  EXPECT_EQ(sniff_media_type("text/plain; charset=utf-8", testing::read_fixture("files/report.pdf")),
            "application/pdf");
  EXPECT_EQ(sniff_media_type("text/plain", "\x01\x02 data"s), "application/octet-stream");
  EXPECT_EQ(sniff_media_type("text/plain", "白鹭 heron"), "text/plain");
  // A page served as text/plain stays text: scriptable types are never sniffed from it.
  EXPECT_EQ(sniff_media_type("text/plain", "<html><script>x</script>"), "text/plain");
}

TEST(MimeSniff, AnImageIsWhatItsSignatureSays) {
  EXPECT_EQ(sniff_media_type("image/png", testing::read_fixture("files/photo.jpg")), "image/jpeg");
  EXPECT_EQ(sniff_media_type("image/png", "not an image"), "image/png");
}

TEST(MimeSniff, DeclaredTypesAreKeptAndXmlWithAnSvgRootIsSvg) {
  EXPECT_EQ(sniff_media_type("text/html", "%PDF-1.7"), "text/html");
  EXPECT_EQ(sniff_media_type("application/json", "{}"), "application/json");
  EXPECT_EQ(sniff_media_type("image/svg+xml", "<svg/>"), "image/svg+xml");
  const std::string svg = testing::read_fixture("files/badge.svg");
  EXPECT_EQ(sniff_media_type("application/xml", svg), "image/svg+xml");
  EXPECT_EQ(sniff_media_type("", svg), "image/svg+xml");
  EXPECT_EQ(sniff_media_type("text/xml", "<!-- c --><!DOCTYPE svg [<!ENTITY a 'b>'>]>\n<svg width='1'>"),
            "image/svg+xml");
  EXPECT_EQ(sniff_media_type("text/xml", "<svgx/>"), "text/xml");
  EXPECT_EQ(sniff_media_type("application/xml", "<rss><svg/></rss>"), "application/xml");
}

TEST(MimeSniff, OnlyTheFirst1445BytesAreLookedAt) {
  std::string text(kResourceHeaderBytes, 'a');
  EXPECT_EQ(sniff_media_type("", text + "\x01"), "text/plain");
  text.back() = '\x01';
  EXPECT_EQ(sniff_media_type("", text), "application/octet-stream");
}

TEST(MimeSniff, EachTypeHasItsKind) {
  EXPECT_EQ(kind_of("text/html"), FileKind::kHtml);
  EXPECT_EQ(kind_of("application/xhtml+xml"), FileKind::kHtml);
  EXPECT_EQ(kind_of("application/pdf"), FileKind::kPdf);
  for (const char* t : {"image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "image/x-icon",
                        "image/vnd.microsoft.icon"}) {
    EXPECT_EQ(kind_of(t), FileKind::kImage) << t;
  }
  EXPECT_EQ(kind_of("image/svg+xml"), FileKind::kSvg);
  for (const char* t : {"text/plain", "text/markdown", "application/json", "application/ld+json",
                        "text/xml", "application/xml", "application/atom+xml", "text/csv"}) {
    EXPECT_EQ(kind_of(t), FileKind::kText) << t;
  }
  for (const char* t : {"application/zip", "application/octet-stream", "video/mp4", "image/tiff"}) {
    EXPECT_EQ(kind_of(t), FileKind::kOther) << t;
  }
}

}  // namespace
}  // namespace linksnap::capture
