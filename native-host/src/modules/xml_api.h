// libxml2, from linksnap-xml.so (native-host/modules/xml_module.cpp): the functions
// capture/svg_sanitize.cpp calls. The header only gives types and constants; nothing in the
// core links libxml2.
#pragma once

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "modules/module.h"

namespace linksnap::modules {

struct XmlApi {
  ModuleHeader header;
  xmlFreeFunc xmlFree;  // a variable in libxml2, not a function
  decltype(&::xmlCtxtReadMemory) xmlCtxtReadMemory;
  decltype(&::xmlDocDumpMemoryEnc) xmlDocDumpMemoryEnc;
  decltype(&::xmlDocGetRootElement) xmlDocGetRootElement;
  decltype(&::xmlFreeDoc) xmlFreeDoc;
  decltype(&::xmlFreeDtd) xmlFreeDtd;
  decltype(&::xmlFreeNode) xmlFreeNode;
  decltype(&::xmlFreeParserCtxt) xmlFreeParserCtxt;
  decltype(&::xmlGetIntSubset) xmlGetIntSubset;
  decltype(&::xmlInitParser) xmlInitParser;
  decltype(&::xmlNewParserCtxt) xmlNewParserCtxt;
  decltype(&::xmlNodeAddContent) xmlNodeAddContent;
  decltype(&::xmlNodeGetContent) xmlNodeGetContent;
  decltype(&::xmlNodeListGetString) xmlNodeListGetString;
  decltype(&::xmlNodeSetContent) xmlNodeSetContent;
  decltype(&::xmlRemoveProp) xmlRemoveProp;
  decltype(&::xmlSetExternalEntityLoader) xmlSetExternalEntityLoader;
  decltype(&::xmlSetGenericErrorFunc) xmlSetGenericErrorFunc;
  decltype(&::xmlSetNsProp) xmlSetNsProp;
  decltype(&::xmlUnlinkNode) xmlUnlinkNode;
};

inline constexpr ModuleSpec kXmlModule{"linksnap-xml.so", "linksnap_xml_module", sizeof(XmlApi)};

// Loads the module on first use; the error names the file.
Result<const XmlApi*> xml_api();

// The table once xml_api() has succeeded (callers check that first).
const XmlApi& xml();

}  // namespace linksnap::modules
