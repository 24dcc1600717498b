#include "modules/xml_api.h"

namespace linksnap::modules {

namespace {
LazyTable<XmlApi> table(kXmlModule);
}  // namespace

Result<const XmlApi*> xml_api() { return table.get(); }

const XmlApi& xml() { return *table; }

}  // namespace linksnap::modules
