// linksnap-pdf.so: PDF text with poppler (poppler-cpp) for capture/pdf_text.cpp.
#include "modules/pdf_api.h"

#include <algorithm>
#include <climits>
#include <memory>
#include <mutex>
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page.h>

namespace linksnap::capture {
namespace {

std::string to_utf8(const poppler::ustring& s) {
  const poppler::byte_array bytes = s.to_utf8();
  return std::string(bytes.begin(), bytes.end());
}

// poppler prints every syntax error of a damaged PDF on stderr; the CLI's stderr is for
// LinkSnap's own messages.
void quiet(const std::string& /*message*/, void* /*closure*/) {}

Result<PdfText> text_of(std::unique_ptr<poppler::document> doc, const PdfTextLimits& limits) {
  if (!doc) return make_error(errc::kBadRequest, "not a readable PDF");
  if (doc->is_locked()) return make_error(errc::kBadRequest, "the PDF is encrypted");

  PdfText out;
  out.pages = doc->pages();
  out.title = to_utf8(doc->get_title());
  const int readable = std::min(out.pages, limits.max_pages);
  for (int i = 0; i < readable && out.text.size() < limits.max_text_bytes; ++i) {
    std::unique_ptr<poppler::page> page(doc->create_page(i));
    if (!page) continue;
    std::string text = to_utf8(page->text(poppler::rectf(), poppler::page::physical_layout));
    if (text.empty()) continue;
    if (!out.text.empty()) out.text += "\n\n";
    out.text += text;
  }
  return out;
}

void silence_poppler() {
  static std::once_flag silenced;
  std::call_once(silenced, [] { poppler::set_debug_error_function(quiet, nullptr); });
}

Result<PdfText> from_bytes(std::string_view pdf, const PdfTextLimits& limits) {
  silence_poppler();
  if (pdf.size() > static_cast<std::size_t>(INT32_MAX)) {
    return make_error(errc::kTooLarge, "the PDF is too large to read");
  }
  // poppler reads the bytes in place: `pdf` outlives `doc`.
  return text_of(std::unique_ptr<poppler::document>(poppler::document::load_from_raw_data(
                     pdf.data(), static_cast<int>(pdf.size()))),
                 limits);
}

Result<PdfText> from_file(const std::string& path, const PdfTextLimits& limits) {
  silence_poppler();
  return text_of(std::unique_ptr<poppler::document>(poppler::document::load_from_file(path)), limits);
}

}  // namespace
}  // namespace linksnap::capture

LINKSNAP_MODULE_EXPORT const linksnap::modules::ModuleHeader* linksnap_pdf_module() {
  static const linksnap::modules::PdfApi api{
      {linksnap::modules::kModuleAbi, sizeof(linksnap::modules::PdfApi)},
      &linksnap::capture::from_bytes, &linksnap::capture::from_file};
  return &api.header;
}
