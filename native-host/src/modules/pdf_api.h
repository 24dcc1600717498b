// poppler, from linksnap-pdf.so (native-host/modules/pdf_module.cpp): a PDF's title, text and
// page count, as poppler gives them. capture/pdf_text.cpp loads it and cleans the text.
#pragma once

#include <string>
#include <string_view>

#include "capture/pdf_text.h"
#include "modules/module.h"

namespace linksnap::modules {

struct PdfApi {
  ModuleHeader header;
  // Title and text not yet checked as UTF-8 nor cut to limits.max_text_bytes; the pages are
  // read until the text reaches that size.
  Result<capture::PdfText> (*from_bytes)(std::string_view pdf, const capture::PdfTextLimits& limits);
  Result<capture::PdfText> (*from_file)(const std::string& path, const capture::PdfTextLimits& limits);
};

inline constexpr ModuleSpec kPdfModule{"linksnap-pdf.so", "linksnap_pdf_module", sizeof(PdfApi)};

}  // namespace linksnap::modules
