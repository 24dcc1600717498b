// PDF files from untrusted links, read by poppler for their text, title and page count.
// Invariant: never a crash; an error is only one of the documented ones; the text is valid
// UTF-8 within the limit; the page count is not negative.
#include <cstdint>
#include <string>

#include "capture/pdf_text.h"
#include "util/charset.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace linksnap::capture;
  const std::string input(reinterpret_cast<const char*>(data), size);
  PdfTextLimits limits;
  limits.max_pages = 50;
  limits.max_text_bytes = 64u << 10;
  auto pdf = extract_pdf_text(input, limits);
  if (!pdf.ok()) {
    if (pdf.error().code != "bad_request" && pdf.error().code != "too_large") __builtin_trap();
    return 0;
  }
  if (pdf->pages < 0 || pdf->text.size() > limits.max_text_bytes) __builtin_trap();
  if (!linksnap::charset::is_valid_utf8(pdf->text) || !linksnap::charset::is_valid_utf8(pdf->title)) __builtin_trap();
  return 0;
}
