// The text, title and page count of a PDF, with poppler (poppler-cpp). CJK text comes out
// as UTF-8 like any other; the search index's tokenizer does the rest.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "util/result.h"

namespace linksnap::capture {

struct PdfText {
  std::string title;  // the document's Title metadata ("" if none)
  std::string text;   // visible text of every page, pages separated by "\n\n"
  int pages = 0;
};

struct PdfTextLimits {
  int max_pages = 2000;                    // pages beyond are not read (the PDF is still kept)
  std::size_t max_text_bytes = 4u << 20;    // text beyond is cut at a UTF-8 boundary
};

// bad_request "not a readable PDF" when poppler cannot open the bytes, or "the PDF is
// encrypted" when it needs a password.
Result<PdfText> extract_pdf_text(std::string_view pdf, const PdfTextLimits& limits = {});
// The same for a PDF on disk, read by poppler as it needs it (a file too large to hold).
Result<PdfText> extract_pdf_text_from_file(const std::string& path, const PdfTextLimits& limits = {});

}  // namespace linksnap::capture
