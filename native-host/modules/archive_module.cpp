// linksnap-archive.so: libarchive's functions for the core (modules/archive_api.h).
#include "modules/archive_api.h"

LINKSNAP_MODULE_EXPORT const linksnap::modules::ModuleHeader* linksnap_archive_module() {
  static const linksnap::modules::ArchiveApi api{
      {linksnap::modules::kModuleAbi, sizeof(linksnap::modules::ArchiveApi)},
      &archive_entry_free, &archive_entry_new, &archive_entry_pathname,
      &archive_entry_set_filetype, &archive_entry_set_pathname, &archive_entry_set_perm,
      &archive_entry_set_size, &archive_error_string, &archive_read_data, &archive_read_free,
      &archive_read_new, &archive_read_next_header, &archive_read_open_filename,
      &archive_read_support_filter_all, &archive_read_support_format_tar, &archive_write_close,
      &archive_write_data, &archive_write_free, &archive_write_header, &archive_write_new,
      &archive_write_open_filename, &archive_write_set_format_option,
      &archive_write_set_format_pax_restricted, &archive_write_set_format_zip};
  return &api.header;
}
