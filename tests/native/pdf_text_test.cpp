// Text, title and pages of a PDF with poppler (capture/pdf_text.h).
#include "capture/pdf_text.h"

#include <gtest/gtest.h>

#include "test_util.h"
#include "util/charset.h"

namespace linksnap::capture {
namespace {

TEST(PdfText, ChineseAndEnglishTextOfEveryPageAndTheTitle) {
  auto pdf = extract_pdf_text(testing::read_fixture("files/report.pdf"));
  ASSERT_OK(pdf);
  EXPECT_EQ(pdf->pages, 2);
  EXPECT_EQ(pdf->title, "LinkSnap PDF fixture: 量子纠缠 report");
  for (const char* word : {"Quarterly observatory report", "comet near Jupiter", "彗星靠近木星",
                           "spectrograph", "光谱仪校准笔记"}) {
    EXPECT_NE(pdf->text.find(word), std::string::npos) << word << " not in\n" << pdf->text;
  }
  EXPECT_LT(pdf->text.find("彗星"), pdf->text.find("光谱仪"));  // page order
}

TEST(PdfText, PagesPastTheLimitAreNotRead) {
  PdfTextLimits limits;
  limits.max_pages = 1;
  auto pdf = extract_pdf_text(testing::read_fixture("files/report.pdf"), limits);
  ASSERT_OK(pdf);
  EXPECT_EQ(pdf->pages, 2);
  EXPECT_NE(pdf->text.find("彗星"), std::string::npos);
  EXPECT_EQ(pdf->text.find("光谱仪"), std::string::npos);
}

TEST(PdfText, TextIsCutAtACodePointBoundary) {
  PdfTextLimits limits;
  limits.max_text_bytes = 100;
  auto pdf = extract_pdf_text(testing::read_fixture("files/report.pdf"), limits);
  ASSERT_OK(pdf);
  EXPECT_LE(pdf->text.size(), 100u);
  EXPECT_GT(pdf->text.size(), 90u);
  EXPECT_TRUE(charset::is_valid_utf8(pdf->text));
}

TEST(PdfText, BytesThatAreNoPdfAreRefused) {
  EXPECT_ERROR(extract_pdf_text("%PDF-1.4 but nothing else"), errc::kBadRequest, "not a readable PDF");
  EXPECT_ERROR(extract_pdf_text(""), errc::kBadRequest, "not a readable PDF");
  std::string cut = testing::read_fixture("files/report.pdf").substr(0, 2000);
  auto r = extract_pdf_text(cut);
  if (!r.ok()) {
    EXPECT_EQ(r.error().message, "not a readable PDF");  // never a crash either way
  }
}

}  // namespace
}  // namespace linksnap::capture
