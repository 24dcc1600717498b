// libcurl, from linksnap-curl.so (native-host/modules/curl_module.cpp): the functions
// net/curl_fetcher.cpp and util/url.cpp call. The header only gives types and constants;
// nothing in the core links libcurl.
#pragma once

#include <curl/curl.h>

#include "modules/module.h"

namespace linksnap::modules {

struct CurlApi {
  ModuleHeader header;
  decltype(&::curl_global_init) global_init;
  decltype(&::curl_easy_init) easy_init;
  decltype(&::curl_easy_cleanup) easy_cleanup;
  decltype(&::curl_easy_setopt) easy_setopt;
  decltype(&::curl_easy_getinfo) easy_getinfo;
  decltype(&::curl_easy_strerror) easy_strerror;
  decltype(&::curl_free) free;
  decltype(&::curl_multi_init) multi_init;
  decltype(&::curl_multi_cleanup) multi_cleanup;
  decltype(&::curl_multi_add_handle) multi_add_handle;
  decltype(&::curl_multi_remove_handle) multi_remove_handle;
  decltype(&::curl_multi_setopt) multi_setopt;
  decltype(&::curl_multi_perform) multi_perform;
  decltype(&::curl_multi_poll) multi_poll;
  decltype(&::curl_multi_info_read) multi_info_read;
  decltype(&::curl_multi_strerror) multi_strerror;
  decltype(&::curl_share_init) share_init;
  decltype(&::curl_share_cleanup) share_cleanup;
  decltype(&::curl_share_setopt) share_setopt;
  decltype(&::curl_url) url;
  decltype(&::curl_url_cleanup) url_cleanup;
  decltype(&::curl_url_set) url_set;
  decltype(&::curl_url_get) url_get;
};

inline constexpr ModuleSpec kCurlModule{"linksnap-curl.so", "linksnap_curl_module",
                                        sizeof(CurlApi)};

// Loads the module on first use; the error names the file.
Result<const CurlApi*> curl_api();

// The table once curl_api() has succeeded (callers check that first).
const CurlApi& curl();

}  // namespace linksnap::modules
