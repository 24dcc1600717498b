#include "cli/app.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/filesystem/operations.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "capture/file_snapshot.h"
#include "capture/page_snapshot.h"
#include "cli/history_format.h"
#include "cli/import_format.h"
#include "cli/text_format.h"
#include "commands/command.h"
#include "interop/bookmarks.h"
#include "interop/import_plan.h"
#include "net/curl_fetcher.h"
#include "store/backup.h"
#include "util/data_dir.h"

namespace linksnap::cli {

using nlohmann::json;

namespace {

std::size_t terminal_width() {
  winsize ws{};
  if (::isatty(STDOUT_FILENO) && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 40) {
    return ws.ws_col;
  }
  return 120;
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(errc::kIo, "cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return make_error(errc::kIo, "cannot read " + path);
  return s.str();
}

// What the parsed command line asks for.
struct Invocation {
  std::string command;
  json args = json::object();
  std::string html_file;  // save, import: read into args["html"]
  std::string out_file;   // export: the result's "html" is written here
};

// Writes the file whole or not at all (temp file in the same folder, then rename).
Status write_file(const std::string& path, const std::string& bytes) {
  const std::string tmp = path + ".linksnap-tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return make_error(errc::kIo, "cannot write " + path);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      return make_error(errc::kIo, "cannot write " + path + " (disk full?)");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return make_error(errc::kIo, "cannot write " + path);
  }
  return ok_status();
}

// "7" or "1,2,7": positive ids; nothing when any piece is not one.
std::optional<std::vector<std::int64_t>> parse_id_list(const std::string& text) {
  std::vector<std::int64_t> ids;
  std::istringstream in(text);
  std::string piece;
  while (std::getline(in, piece, ',')) {
    if (piece.empty() || piece.size() > 18 || piece.find_first_not_of("0123456789") != std::string::npos) {
      return std::nullopt;
    }
    ids.push_back(std::stoll(piece));
    if (ids.back() <= 0) return std::nullopt;
  }
  if (ids.empty() || text.back() == ',') return std::nullopt;
  return ids;
}

}  // namespace

int run(int argc, char** argv, std::ostream& out, std::ostream& err) {
  CLI::App app{
      "LinkSnap: keep web pages with a faithful offline snapshot, tags and full-text search.",
      "linksnap"};
  app.require_subcommand(1, 1);
  app.fallthrough();  // --json and --home work before or after the subcommand
  app.set_version_flag("--version", std::string("linksnap ") + LINKSNAP_VERSION);
  bool as_json = false;
  std::string home;
  app.add_flag("--json", as_json,
               "Print the result as JSON (the same shape the native host returns)");
  app.add_option("--home", home,
                 "Data directory (default: $LINKSNAP_HOME, $XDG_DATA_HOME/linksnap or "
                 "~/.local/share/linksnap)");

  Invocation inv;
  std::string url, title, query, note, from, to, into, name;
  std::vector<std::string> tag_opts, tag_args;
  std::int64_t id = 0, limit = 0, snapshot_id = 0;

  auto* add = app.add_subcommand("add", "Fetch a web page and save a snapshot of it");
  add->add_option("url", url, "http or https URL")->required();
  add->add_option("--tag,-t", tag_opts, "Tag to add (repeatable; \"a/b\" nests b under a)");
  std::string render_mode = "auto";
  bool no_render = false;
  std::int64_t max_size_mib = 0;
  add->add_flag("--render{always}", render_mode,
                "Render the page in headless Chromium first (for pages written by script); "
                "--render=auto (the default) only when the page looks like an empty script shell")
      ->check(CLI::IsMember({"always", "auto", "never"}));
  add->add_flag("--no-render", no_render, "Never render: save the HTML as the server sends it");
  add->add_option("--max-size", max_size_mib,
                  "Largest file (PDF, image, video, ...) to save, in MiB (default 256; written to disk as it arrives)")
      ->check(CLI::Range(1, 1 << 20));
  std::int64_t timeout_seconds = 0;
  add->add_option("--timeout", timeout_seconds,
                  "Seconds the whole capture may take, page and resources (default 60); what "
                  "has not arrived by then is listed as missing")
      ->check(CLI::Range(1, 3600));

  auto* save =
      app.add_subcommand("save", "Save a page you already have as HTML (what the extension sends)");
  save->add_option("--url", url, "The page's URL")->required();
  save->add_option("--html-file", inv.html_file, "File with the page's HTML (UTF-8)")->required();
  save->add_option("--title", title, "Title (default: the page's <title>)");
  save->add_option("--tag,-t", tag_opts, "Tag to add (repeatable)");

  auto* list = app.add_subcommand("list", "List saved links, newest first");
  list->add_option("--tag,-t", tag_opts,
                   "Only links with this tag or one below it (repeatable: all must match)");
  list->add_option("--limit", limit, "At most this many links")->check(CLI::Range(1, 10000));
  std::string status_filter;
  list->add_option("--status", status_filter,
                   "Only links whose last check (`linksnap refresh`) found them ok, redirected, "
                   "broken (404 or 410) or error (unreachable)")
      ->check(CLI::IsMember({"ok", "redirected", "broken", "error"}));

  auto* search =
      app.add_subcommand("search", "Find links by words of their title, URL, text or tags");
  search
      ->add_option("query", query,
                   "Words; \"exact phrase\", -exclude, a OR b, title:/url:/text:/tags:")
      ->required();
  search->add_option("--tag,-t", tag_opts, "Only links with this tag or one below it (repeatable)");
  search->add_option("--limit", limit, "At most this many results (default 20)")
      ->check(CLI::Range(1, 1000));

  auto* show =
      app.add_subcommand("show", "Show a link, its snapshots and the resources of the newest one");
  show->add_option("id", id, "Link id")->required()->check(CLI::PositiveNumber);

  std::vector<std::int64_t> diff_snapshots;
  auto* diff = app.add_subcommand(
      "diff", "Show what changed in a page's text (and resources) between two snapshots");
  diff->add_option("id", id, "Link id")->required()->check(CLI::PositiveNumber);
  diff->add_option("snapshots", diff_snapshots,
                   "Two snapshot ids, older first (default: the newest and the one before)")
      ->expected(0, 2)
      ->check(CLI::PositiveNumber);

  auto* exp = app.add_subcommand(
      "export", "Write a snapshot as one self-contained HTML file (opens offline), or links as a "
                "bookmark file or JSON");
  exp->add_option("id", id, "Link id (its newest snapshot; with --html)")
      ->check(CLI::PositiveNumber);
  auto* exp_html = exp->add_option("--html", inv.out_file, "The HTML file to write");
  auto* exp_file = exp->add_option("--file", inv.out_file,
                                   "Write the stored document as it is (a PDF's own bytes)");
  std::string bookmarks_file, json_file, export_tag, export_query;
  auto* bookmarks_opt = exp->add_option(
      "--bookmarks", bookmarks_file,
      "Write links as a bookmark file (browsers, linkding and `linksnap import` read it)");
  // Without a file name, --json keeps its global meaning (print the result as JSON).
  auto* json_opt = exp->add_option("--json", json_file, "Write every link's metadata as JSON")
                       ->expected(0, 1);
  std::string warc_file, wacz_file;
  auto* warc_opt = exp->add_option(
      "--warc", warc_file, "Write snapshots as a WARC 1.1 web archive (FILE.warc.gz; one link's with its id)");
  auto* wacz_opt = exp->add_option(
      "--wacz", wacz_file, "Write snapshots as a WACZ 1.1.1 (FILE.wacz) that ReplayWeb.page opens");
  exp->add_option("--tag,-t", export_tag, "Only links with this tag or one below it");
  exp->add_option("--search", export_query, "Only links this search finds");
  exp->add_option("--snapshot", snapshot_id,
                  "An older snapshot of the link (ids as `linksnap show` lists them)")
      ->check(CLI::PositiveNumber);

  bool import_snapshot = false, keep_root_folders = false;
  std::int64_t jobs = 0;
  std::vector<std::string> root_folders;
  std::string root_folder_help = "Outermost folder dropped from tags (repeatable; replaces the "
                                 "default list:";
  for (const auto& f : interop::default_root_folders()) root_folder_help += " \"" + f + "\"";
  root_folder_help += ")";
  auto* imp = app.add_subcommand(
      "import", "Import a bookmark file (Chrome, Firefox, Edge, Safari, linkding, Pinboard, "
                "Karakeep): folders and TAGS become tags");
  imp->add_option("file", inv.html_file, "The exported bookmarks (Netscape bookmark file, .html)")
      ->required();
  imp->add_flag("--snapshot", import_snapshot, "Also fetch and snapshot every imported link");
  imp->add_option("--jobs,-j", jobs, "Snapshots taken at once (default 4; 2 per host at most)")
      ->check(CLI::Range(1, 32));
  imp->add_option("--root-folder", root_folders, root_folder_help);
  imp->add_flag("--keep-root-folders", keep_root_folders,
                "Keep every folder as a tag, the browsers' own roots too");

  std::vector<std::int64_t> refresh_ids;
  std::string refresh_tag;
  bool refresh_due = false;
  auto* refresh = app.add_subcommand(
      "refresh", "Take links again: a new snapshot only when the page changed, and a check of "
                 "each link (ok, redirected, broken, unreachable) either way");
  refresh->add_option("ids", refresh_ids, "Link ids")->check(CLI::PositiveNumber);
  refresh->add_option("--tag,-t", refresh_tag, "Every link with this tag or one below it");
  refresh->add_flag("--due", refresh_due, "Every link whose schedule says it is due (`linksnap schedule`)");
  refresh->add_option("--jobs,-j", jobs, "Links taken at once (default 4; 2 per host at most)")
      ->check(CLI::Range(1, 32));
  refresh->add_option("--timeout", timeout_seconds, "Seconds each capture may take (default 60)")
      ->check(CLI::Range(1, 3600));

  std::vector<std::string> schedule_args;
  std::string schedule_tag;
  auto* sched = app.add_subcommand(
      "schedule", "How often `linksnap refresh --due` takes a link or a tag's links: "
                  "`schedule ID 7d`, `schedule --tag news 1d`, `schedule ID off`; alone, list them");
  sched->add_option("args", schedule_args,
                    "[ID] INTERVAL: 30m, 12h, 1d, 2w; off; inherit (a link follows its tags again)")
      ->expected(0, 2);
  sched->add_option("--tag,-t", schedule_tag, "The tag (and the tags below it)");

  std::string archive_file;
  bool restore_force = false;
  auto* backup = app.add_subcommand(
      "backup", "Write the whole store (database and files) to one archive, even while saving");
  backup->add_option("file", archive_file, "The archive to write (tar)")->required();
  auto* restore = app.add_subcommand(
      "restore", "Restore a backup into an empty store, verifying every file's SHA-256");
  restore->add_option("file", archive_file, "An archive `linksnap backup` wrote")->required();
  restore->add_flag("--force", restore_force, "Replace a store that is not empty");

  std::string tag_ids;  // "7" or "1,2,7": one request, set-based, for many links
  auto* tag = app.add_subcommand("tag", "Add tags to a link (or to links 1,2,7)");
  tag->add_option("id", tag_ids, "Link id, or ids separated by commas")->required();
  tag->add_option("tags", tag_args, "Tags to add")->required();

  auto* untag = app.add_subcommand("untag", "Remove tags from a link (or from links 1,2,7)");
  untag->add_option("id", tag_ids, "Link id, or ids separated by commas")->required();
  untag->add_option("tags", tag_args, "Tags to remove")->required();

  auto* edit = app.add_subcommand("edit", "Change a link's title or note");
  edit->add_option("id", id, "Link id")->required()->check(CLI::PositiveNumber);
  edit->add_option("--title", title, "New title (kept when the page is saved again)");
  edit->add_option("--note", note, "New note");

  std::vector<std::int64_t> rm_ids;
  auto* rm = app.add_subcommand("rm", "Delete links with all their snapshots");
  rm->add_option("ids", rm_ids, "Link ids (all deleted at once, or none if one is missing)")
      ->required()
      ->check(CLI::PositiveNumber);

  bool repair = false, verify_hashes = false;
  auto* chk =
      app.add_subcommand("check", "Check the store's integrity (exit status 1 if data is damaged)");
  chk->add_flag("--repair", repair,
                "Remove leftovers of interrupted saves and rebuild the search index where needed");
  chk->add_flag("--verify-hashes", verify_hashes,
                "Also read every stored file and verify its SHA-256");

  auto* tags = app.add_subcommand("tags", "List tags with their link counts, or change them");
  tags->require_subcommand(0, 1);
  auto* rename = tags->add_subcommand("rename", "Rename a tag (and the tags below it)");
  rename->add_option("old", from, "Current name")->required();
  rename->add_option("new", to, "New name")->required();
  auto* merge =
      tags->add_subcommand("merge", "Move every link of one tag to another and delete the first");
  merge->add_option("from", from, "Tag to merge away")->required();
  merge->add_option("into", into, "Tag to keep")->required();
  auto* del = tags->add_subcommand("delete", "Delete a tag (links stay)");
  del->add_option("name", name, "Tag")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 prints help and version to out, errors to err; keep its exit codes apart from ours.
    const int code = app.exit(e, out, err);
    return code == 0 ? 0 : 2;
  }

  auto set_tags = [&](const std::vector<std::string>& t) { inv.args["tags"] = t; };
  if (add->parsed()) {
    inv.command = "add";
    inv.args["url"] = url;
    inv.args["render"] = no_render ? "never" : render_mode;
    if (max_size_mib > 0) inv.args["max_file_bytes"] = max_size_mib << 20;
    if (timeout_seconds > 0) inv.args["timeout"] = timeout_seconds;
    set_tags(tag_opts);
  } else if (save->parsed()) {
    inv.command = "save";
    inv.args["url"] = url;
    if (!title.empty()) inv.args["title"] = title;
    set_tags(tag_opts);
  } else if (list->parsed()) {
    inv.command = "list";
    set_tags(tag_opts);
    if (limit > 0) inv.args["limit"] = limit;
    if (!status_filter.empty()) inv.args["status"] = status_filter;
  } else if (search->parsed()) {
    inv.command = "search";
    inv.args["query"] = query;
    set_tags(tag_opts);
    if (limit > 0) inv.args["limit"] = limit;
  } else if (show->parsed()) {
    inv.command = "show";
    inv.args["id"] = id;
  } else if (diff->parsed()) {
    if (diff_snapshots.size() == 1) {
      err << "linksnap diff: give two snapshot ids (older first), or none\n";
      return 2;
    }
    inv.command = "diff";
    inv.args["id"] = id;
    if (diff_snapshots.size() == 2) {
      inv.args["from"] = diff_snapshots[0];
      inv.args["to"] = diff_snapshots[1];
    }
  } else if (exp->parsed()) {
    if (json_opt->count() > 0 && json_file.empty()) as_json = true;
    const int targets = (exp_html->count() > 0) + (exp_file->count() > 0) +
                        (bookmarks_opt->count() > 0) + !json_file.empty() +
                        (warc_opt->count() > 0) + (wacz_opt->count() > 0);
    if (targets != 1) {
      err << "linksnap: export needs one of --html FILE, --file FILE, --bookmarks FILE, --json FILE, "
             "--warc FILE or --wacz FILE\n";
      return 2;
    }
    if (warc_opt->count() > 0 || wacz_opt->count() > 0) {
      if (id > 0 && (!export_tag.empty() || !export_query.empty())) {
        err << "linksnap: export --warc and --wacz take a link id, --tag or --search, not two\n";
        return 2;
      }
      inv.command = warc_opt->count() > 0 ? "export.warc" : "export.wacz";
      inv.args["file"] = warc_opt->count() > 0 ? warc_file : wacz_file;
      if (id > 0) inv.args["id"] = id;
      if (!export_tag.empty()) inv.args["tag"] = export_tag;
      if (!export_query.empty()) inv.args["search"] = export_query;
    } else if (exp_html->count() > 0 || exp_file->count() > 0) {
      if (id <= 0) {
        err << "linksnap: export --html and --file need the link's id\n";
        return 2;
      }
      inv.command = "export";
      inv.args["id"] = id;
      if (exp_file->count() > 0) inv.args["file"] = true;
      if (snapshot_id > 0) inv.args["snapshot"] = snapshot_id;
    } else {
      inv.command = bookmarks_file.empty() ? "export.json" : "export.bookmarks";
      inv.out_file = bookmarks_file.empty() ? json_file : bookmarks_file;
      if (!export_tag.empty()) inv.args["tag"] = export_tag;
      if (!export_query.empty()) inv.args["search"] = export_query;
    }
  } else if (refresh->parsed()) {
    const int chosen = !refresh_ids.empty() + !refresh_tag.empty() + refresh_due;
    if (chosen != 1) {
      err << "linksnap refresh: give link ids, --tag TAG or --due (one of them)\n";
      return 2;
    }
    inv.command = "refresh";
    if (!refresh_ids.empty()) inv.args["ids"] = refresh_ids;
    if (!refresh_tag.empty()) inv.args["tag"] = refresh_tag;
    if (refresh_due) inv.args["due"] = true;
    if (jobs > 0) inv.args["jobs"] = jobs;
    if (timeout_seconds > 0) inv.args["timeout"] = timeout_seconds;
  } else if (sched->parsed()) {
    inv.command = "schedule";
    if (!schedule_tag.empty()) {
      if (schedule_args.size() != 1) {
        err << "linksnap schedule: --tag TAG takes one interval (e.g. 1d) or off\n";
        return 2;
      }
      inv.args = {{"tag", schedule_tag}, {"every", schedule_args[0]}};
    } else if (schedule_args.size() == 2) {
      std::int64_t link_id = 0;
      try {
        std::size_t used = 0;
        link_id = std::stoll(schedule_args[0], &used);
        if (used != schedule_args[0].size()) link_id = 0;
      } catch (const std::exception&) {
        link_id = 0;
      }
      if (link_id <= 0) {
        err << "linksnap schedule: \"" << schedule_args[0] << "\" is not a link id\n";
        return 2;
      }
      inv.args = {{"id", link_id}, {"every", schedule_args[1]}};
    } else if (!schedule_args.empty()) {
      err << "linksnap schedule: give a link id and an interval (schedule 3 7d), or --tag TAG and an interval\n";
      return 2;
    }
  } else if (backup->parsed() || restore->parsed()) {
    inv.command = backup->parsed() ? "backup" : "restore";
  } else if (imp->parsed()) {
    inv.command = "import";
    inv.args["snapshot"] = import_snapshot;
    if (jobs > 0) inv.args["jobs"] = jobs;
    if (!root_folders.empty()) inv.args["root_folders"] = root_folders;
    if (keep_root_folders) inv.args["keep_root_folders"] = true;
  } else if (tag->parsed() || untag->parsed()) {
    inv.command = tag->parsed() ? "tag" : "untag";
    auto ids = parse_id_list(tag_ids);
    if (!ids) {
      err << "linksnap " << inv.command << ": the id must be a link id, or ids separated by commas (1,2,7)\n";
      return 2;
    }
    if (ids->size() == 1) {
      inv.args["id"] = ids->front();
    } else {
      inv.args["ids"] = *ids;
    }
    set_tags(tag_args);
  } else if (edit->parsed()) {
    inv.command = "update";
    inv.args["id"] = id;
    if (edit->count("--title")) inv.args["title"] = title;
    if (edit->count("--note")) inv.args["note"] = note;
  } else if (rm->parsed()) {
    inv.command = "rm";
    if (rm_ids.size() == 1) {
      inv.args["id"] = rm_ids.front();
    } else {
      inv.args["ids"] = rm_ids;
    }
  } else if (chk->parsed()) {
    inv.command = "check";
    inv.args = {{"repair", repair}, {"verify_hashes", verify_hashes}};
  } else if (rename->parsed()) {
    inv.command = "tags.rename";
    inv.args = {{"from", from}, {"to", to}};
  } else if (merge->parsed()) {
    inv.command = "tags.merge";
    inv.args = {{"from", from}, {"into", into}};
  } else if (del->parsed()) {
    inv.command = "tags.delete";
    inv.args = {{"name", name}};
  } else {
    inv.command = "tags";
  }

  auto fail = [&](const Error& e) {
    err << "linksnap: " << e.message << "\n";
    return 1;
  };

  if (!inv.html_file.empty()) {
    // Refused before reading: the save would refuse it anyway (page_snapshot.h).
    boost::system::error_code size_error;
    const std::uintmax_t size = boost::filesystem::file_size(inv.html_file, size_error);
    if (!size_error && inv.command == "save" && size > capture::kMaxPageHtmlBytes) {
      return fail(make_error(errc::kTooLarge, capture::page_too_large_message(size)));
    }
    if (!size_error && inv.command == "import" && size > interop::BookmarkFileLimits{}.max_bytes) {
      // The same refusal the parser gives, before reading the file into memory.
      return fail(make_error(errc::kTooLarge, interop::bookmark_file_too_large_message(
                                                  size, interop::BookmarkFileLimits{}.max_bytes)));
    }
    auto html = read_file(inv.html_file);
    if (!html.ok()) return fail(html.error());
    inv.args["html"] = std::move(*html);
  }

  Result<boost::filesystem::path> data_dir =
      home.empty() ? default_data_dir()
                   : Result<boost::filesystem::path>(boost::filesystem::path(home));
  if (!data_dir.ok()) return fail(data_dir.error());
  SystemClock clock;
  // Backup and restore are the CLI's own: they work on the store as a whole.
  auto print_backup = [&](const char* verb, const store::BackupSummary& s) {
    if (as_json) {
      out << json{{"file", archive_file}, {"links", s.links}, {"snapshots", s.snapshots},
                  {"blobs", s.blobs}, {"blob_bytes", s.blob_bytes}}.dump(2) << "\n";
    } else {
      out << verb << " " << s.links << " links, " << s.snapshots << " snapshots and " << s.blobs
          << " files " << (inv.command == "backup" ? "to " : "from ") << archive_file << ".\n";
    }
    return 0;
  };
  if (inv.command == "restore") {
    auto restored = store::restore_store(*data_dir, archive_file, clock, restore_force);
    if (!restored.ok()) return fail(restored.error());
    return print_backup("Restored", *restored);
  }
  auto store = store::Store::open(*data_dir, clock);
  if (!store.ok()) return fail(store.error());
  if (inv.command == "backup") {
    auto written = store::backup_store(*store, archive_file);
    if (!written.ok()) return fail(written.error());
    return print_backup("Backed up", *written);
  }
  net::CurlFetcher fetcher;
  commands::Context ctx{*store, fetcher, net::FetchLimits{}, {}};
  const bool progress_on_terminal = ::isatty(STDERR_FILENO) != 0;
  bool bar_drawn = false;
  if (inv.command == "import" || inv.command == "refresh") {
    ctx.progress = [&](const json& event) {
      const std::string stage = event.value("stage", "");
      if (stage != "snapshotting" && stage != "refreshing") return;
      if (progress_on_terminal) {
        err << format_progress_bar(event, terminal_width(),
                                   stage == "refreshing" ? "links checked" : "snapshots")
            << std::flush;
        bar_drawn = true;
      } else {
        err << format_progress_line(event) << std::flush;
      }
    };
  }
  auto result = commands::run(ctx, inv.command, inv.args);
  if (bar_drawn) err << "\n";
  if (!result.ok()) return fail(result.error());

  if (inv.command == "export.bookmarks" || inv.command == "export.json") {
    const Status written =
        write_file(inv.out_file, result->at("text").get_ref<const std::string&>());
    if (!written.ok()) return fail(written.error());
    result->erase("text");
    (*result)["file"] = inv.out_file;
  }
  if (inv.command == "export") {
    std::string file_bytes;
    if (result->contains("file_base64")) {
      auto decoded = capture::base64_decode(result->at("file_base64").get_ref<const std::string&>());
      if (!decoded.ok()) return fail(decoded.error());
      file_bytes = std::move(*decoded);
      result->erase("file_base64");
      (*result)["bytes"] = static_cast<std::int64_t>(file_bytes.size());
    } else {
      file_bytes = result->at("html").get<std::string>();
    }
    const Status written = write_file(inv.out_file, file_bytes);
    if (!written.ok()) return fail(written.error());
    result->erase("html");
    (*result)["file"] = inv.out_file;
  }
  // Like fsck: damage found is a failure the caller's script can see.
  const int status = inv.command == "check" && !result->value("ok", true) ? 1 : 0;
  if (as_json) {
    out << result->dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    return status;
  }
  const json& r = *result;
  if (inv.command == "add" || inv.command == "save") {
    out << format_saved(r);
  } else if (inv.command == "list") {
    out << format_links(r.at("links"), terminal_width());
  } else if (inv.command == "search") {
    out << format_search(r.at("results"), ::isatty(STDOUT_FILENO) != 0);
  } else if (inv.command == "show") {
    out << format_show(r);
  } else if (inv.command == "diff") {
    out << format_diff(r, ::isatty(STDOUT_FILENO) != 0);
  } else if ((inv.command == "tag" || inv.command == "untag") && !r.contains("link")) {
    const auto links = r.at("links").get<std::int64_t>();
    out << (inv.command == "tag" ? "Tagged " : "Untagged ") << links << (links == 1 ? " link (" : " links (")
        << r.at("changed").get<std::int64_t>() << " changed).\n";
  } else if (inv.command == "tag" || inv.command == "untag" || inv.command == "update") {
    out << format_links(json::array({r.at("link")}), terminal_width());
  } else if (inv.command == "export") {
    out << format_exported(r);
  } else if (inv.command == "rm") {
    if (r.at("deleted").is_array()) {
      out << "Deleted " << r.at("deleted").size() << " links.\n";
    } else {
      out << "Deleted link " << r.at("deleted").get<std::int64_t>() << ".\n";
    }
  } else if (inv.command == "check") {
    out << format_check(r);
  } else if (inv.command == "export.bookmarks" || inv.command == "export.json") {
    out << "Exported " << r.at("links").get<std::int64_t>() << " links to " << inv.out_file << ".\n";
  } else if (inv.command == "export.warc" || inv.command == "export.wacz") {
    out << format_web_archive(r);
  } else if (inv.command == "import") {
    out << format_import(r, import_snapshot);
  } else if (inv.command == "refresh") {
    out << format_refresh(r);
  } else if (inv.command == "schedule") {
    out << format_schedules(r);
  } else {
    out << format_tags(r.at("tags"));
  }
  return status;
}

}  // namespace linksnap::cli
