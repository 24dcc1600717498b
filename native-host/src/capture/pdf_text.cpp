#include "capture/pdf_text.h"

#include "modules/pdf_api.h"
#include "util/charset.h"

namespace linksnap::capture {

namespace {

// At most `limit` bytes of valid UTF-8, cut before a continuation byte.
std::string cut(std::string s, std::size_t limit) {
  if (s.size() <= limit) return s;
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  s.resize(end);
  return s;
}

// poppler is loaded (linksnap-pdf.so) by the first PDF, not by every command.
Result<const modules::PdfApi*> poppler() { return modules::load<modules::PdfApi>(modules::kPdfModule); }

Result<PdfText> cleaned(Result<PdfText> raw, const PdfTextLimits& limits) {
  if (!raw.ok()) return raw;
  raw->title = charset::sanitize_utf8(raw->title);
  raw->text = cut(charset::sanitize_utf8(raw->text), limits.max_text_bytes);
  return raw;
}

}  // namespace

Result<PdfText> extract_pdf_text(std::string_view pdf, const PdfTextLimits& limits) {
  auto api = poppler();
  if (!api.ok()) return api.error();
  return cleaned((*api)->from_bytes(pdf, limits), limits);
}

Result<PdfText> extract_pdf_text_from_file(const std::string& path, const PdfTextLimits& limits) {
  auto api = poppler();
  if (!api.ok()) return api.error();
  return cleaned((*api)->from_file(path, limits), limits);
}

}  // namespace linksnap::capture
