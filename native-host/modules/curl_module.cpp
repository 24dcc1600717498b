// linksnap-curl.so: libcurl's functions for the core (modules/curl_api.h).
#include "modules/curl_api.h"

LINKSNAP_MODULE_EXPORT const linksnap::modules::ModuleHeader* linksnap_curl_module() {
  static const linksnap::modules::CurlApi api{
      {linksnap::modules::kModuleAbi, sizeof(linksnap::modules::CurlApi)},
      &curl_global_init, &curl_easy_init, &curl_easy_cleanup, &curl_easy_setopt,
      &curl_easy_getinfo, &curl_easy_strerror, &curl_free, &curl_multi_init,
      &curl_multi_cleanup, &curl_multi_add_handle, &curl_multi_remove_handle,
      &curl_multi_setopt, &curl_multi_perform, &curl_multi_poll, &curl_multi_info_read,
      &curl_multi_strerror, &curl_share_init, &curl_share_cleanup, &curl_share_setopt,
      &curl_url, &curl_url_cleanup, &curl_url_set, &curl_url_get};
  return &api.header;
}
