// The modules built into a program instead of loaded (the test binary, the fuzz targets and
// the test server link this object library): linking it is enough, the tables are handed to
// the loader before main().
#include "modules/module.h"

extern "C" const linksnap::modules::ModuleHeader* linksnap_curl_module();
extern "C" const linksnap::modules::ModuleHeader* linksnap_pdf_module();
extern "C" const linksnap::modules::ModuleHeader* linksnap_xml_module();
extern "C" const linksnap::modules::ModuleHeader* linksnap_archive_module();

namespace {

const bool provided = [] {
  linksnap::modules::provide_builtin("linksnap-curl.so", linksnap_curl_module());
  linksnap::modules::provide_builtin("linksnap-pdf.so", linksnap_pdf_module());
  linksnap::modules::provide_builtin("linksnap-xml.so", linksnap_xml_module());
  linksnap::modules::provide_builtin("linksnap-archive.so", linksnap_archive_module());
  return true;
}();

}  // namespace
