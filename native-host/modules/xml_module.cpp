// linksnap-xml.so: libxml2's functions for the core (modules/xml_api.h).
#include "modules/xml_api.h"

LINKSNAP_MODULE_EXPORT const linksnap::modules::ModuleHeader* linksnap_xml_module() {
  static const linksnap::modules::XmlApi api{
      {linksnap::modules::kModuleAbi, sizeof(linksnap::modules::XmlApi)},
      xmlFree,
      &xmlCtxtReadMemory, &xmlDocDumpMemoryEnc, &xmlDocGetRootElement, &xmlFreeDoc, &xmlFreeDtd,
      &xmlFreeNode, &xmlFreeParserCtxt, &xmlGetIntSubset, &xmlInitParser, &xmlNewParserCtxt,
      &xmlNodeAddContent, &xmlNodeGetContent, &xmlNodeListGetString, &xmlNodeSetContent,
      &xmlRemoveProp, &xmlSetExternalEntityLoader, &xmlSetGenericErrorFunc, &xmlSetNsProp,
      &xmlUnlinkNode};
  return &api.header;
}
