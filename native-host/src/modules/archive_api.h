// libarchive, from linksnap-archive.so (native-host/modules/archive_module.cpp): the functions
// store/backup.cpp and interop/wacz.cpp call. The header only gives types and constants;
// nothing in the core links libarchive.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include "modules/module.h"

namespace linksnap::modules {

struct ArchiveApi {
  ModuleHeader header;
  decltype(&::archive_entry_free) archive_entry_free;
  decltype(&::archive_entry_new) archive_entry_new;
  decltype(&::archive_entry_pathname) archive_entry_pathname;
  decltype(&::archive_entry_set_filetype) archive_entry_set_filetype;
  decltype(&::archive_entry_set_pathname) archive_entry_set_pathname;
  decltype(&::archive_entry_set_perm) archive_entry_set_perm;
  decltype(&::archive_entry_set_size) archive_entry_set_size;
  decltype(&::archive_error_string) archive_error_string;
  decltype(&::archive_read_data) archive_read_data;
  decltype(&::archive_read_free) archive_read_free;
  decltype(&::archive_read_new) archive_read_new;
  decltype(&::archive_read_next_header) archive_read_next_header;
  decltype(&::archive_read_open_filename) archive_read_open_filename;
  decltype(&::archive_read_support_filter_all) archive_read_support_filter_all;
  decltype(&::archive_read_support_format_tar) archive_read_support_format_tar;
  decltype(&::archive_write_close) archive_write_close;
  decltype(&::archive_write_data) archive_write_data;
  decltype(&::archive_write_free) archive_write_free;
  decltype(&::archive_write_header) archive_write_header;
  decltype(&::archive_write_new) archive_write_new;
  decltype(&::archive_write_open_filename) archive_write_open_filename;
  decltype(&::archive_write_set_format_option) archive_write_set_format_option;
  decltype(&::archive_write_set_format_pax_restricted) archive_write_set_format_pax_restricted;
  decltype(&::archive_write_set_format_zip) archive_write_set_format_zip;
};

inline constexpr ModuleSpec kArchiveModule{"linksnap-archive.so", "linksnap_archive_module",
                                           sizeof(ArchiveApi)};

// Loads the module on first use; the error names the file.
Result<const ArchiveApi*> archive_api();

// The table once archive_api() has succeeded (callers check that first).
const ArchiveApi& libarchive();

}  // namespace linksnap::modules
