// WARC and WACZ export: the writer's pieces, then the real `linksnap` saving the chrony page from
// a loopback server and exporting it, read back by a reader written here (gzip members, WARC
// headers) with every digest recomputed with OpenSSL's SHA-1; the WACZ's zip read with
// libarchive and its hashes recomputed. The npm validators (warcio, wabac) are in
// tests/e2e/web_archive.test.mjs.
#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>
#include <zlib.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "http_server.h"
#include "interop/wacz.h"
#include "interop/warc.h"
#include "interop/web_archive.h"
#include "store/store.h"
#include "test_util.h"
#include "util/sha256.h"

namespace linksnap {
namespace {

using linksnap::test::TestHttpServer;
using linksnap::testing::ProcessResult;
using linksnap::testing::SteppingClock;
using linksnap::testing::TempDir;
using nlohmann::json;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// "sha1:" + RFC 4648 base32, computed here independently of interop/warc.
std::string sha1_base32(std::string_view bytes) {
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EXPECT_EQ(EVP_Digest(bytes.data(), bytes.size(), d, &n, EVP_sha1(), nullptr), 1);
  EXPECT_EQ(n, 20u);
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out = "sha1:";
  for (int bit = 0; bit < 160; bit += 5) {
    int v = 0;
    for (int k = 0; k < 5; ++k) v = (v << 1) | ((d[(bit + k) / 8] >> (7 - (bit + k) % 8)) & 1);
    out.push_back(alphabet[v]);
  }
  return out;
}

struct Record {
  std::map<std::string, std::string> fields;
  std::string block;
  std::uint64_t offset = 0, length = 0;  // of its gzip member
  std::string http_head() const { return block.substr(0, block.find("\r\n\r\n") + 4); }
  std::string payload() const {
    const auto at = block.find("\r\n\r\n");
    return at == std::string::npos ? "" : block.substr(at + 4);
  }
};

// Every gzip member of `gz` inflated to exactly one WARC record.
std::vector<Record> read_warc(const std::string& gz) {
  std::vector<Record> out;
  std::size_t at = 0;
  while (at < gz.size()) {
    z_stream z{};
    EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data() + at));
    z.avail_in = static_cast<uInt>(gz.size() - at);
    std::string text;
    char buf[65536];
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
      z.next_out = reinterpret_cast<Bytef*>(buf);
      z.avail_out = sizeof buf;
      rc = inflate(&z, Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END) {
        ADD_FAILURE() << "bad gzip member at " << at;
        inflateEnd(&z);
        return out;
      }
      text.append(buf, sizeof buf - z.avail_out);
    }
    const std::size_t used = gz.size() - at - z.avail_in;
    inflateEnd(&z);
    Record r;
    r.offset = at;
    r.length = used;
    at += used;
    // WARC/1.1, fields, empty line, block of Content-Length, CRLF CRLF: nothing else.
    EXPECT_TRUE(text.starts_with("WARC/1.1\r\n")) << text.substr(0, 40);
    const std::size_t end = text.find("\r\n\r\n");
    std::size_t line = text.find("\r\n") + 2;
    while (line < end) {
      const std::size_t eol = text.find("\r\n", line);
      const std::string l = text.substr(line, eol - line);
      const std::size_t colon = l.find(": ");
      r.fields[l.substr(0, colon)] = l.substr(colon + 2);
      line = eol + 2;
    }
    const std::size_t length = std::stoul(r.fields["Content-Length"]);
    r.block = text.substr(end + 4, length);
    EXPECT_EQ(text.size(), end + 4 + length + 4) << "one record per gzip member";
    EXPECT_EQ(text.substr(end + 4 + length), "\r\n\r\n");
    out.push_back(std::move(r));
  }
  return out;
}

TEST(WarcWriterTest, Sha1IsBase32AsWarcToolsWriteIt) {
  EXPECT_EQ(interop::warc_sha1(""), "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");
  EXPECT_EQ(interop::warc_sha1("abc"), sha1_base32("abc"));
}

TEST(WarcWriterTest, RecordIdsAreUuidUrns) {
  const std::string id = interop::new_warc_record_id();
  ASSERT_EQ(id.size(), 47u) << id;
  EXPECT_TRUE(id.starts_with("<urn:uuid:"));
  EXPECT_EQ(id[24], '4');  // version 4
  EXPECT_NE(id, interop::new_warc_record_id());
}

TEST(WarcWriterTest, ResponseHeadDescribesTheDecodedPayload) {
  const auto h = interop::response_head_for(
      "HTTP/1.1 200 OK\r\nContent-Type: text/css; charset=utf-8\r\nContent-Encoding: gzip\r\n"
      "Transfer-Encoding: chunked\r\nContent-Length: 99\r\nX-Folded: a\r\n  b\r\nbad header\r\n"
      "Bad Name: x\r\n\r\n",
      134, 200, "text/plain");
  EXPECT_EQ(h.block,
            "HTTP/1.1 200 OK\r\nContent-Type: text/css; charset=utf-8\r\nX-Folded: a b\r\n"
            "X-LinkSnap-Orig-Content-Encoding: gzip\r\nX-LinkSnap-Orig-Transfer-Encoding: chunked\r\n"
            "Content-Length: 134\r\n\r\n");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.mime, "text/css");
  EXPECT_EQ(h.protocol, "http/1.1");
  EXPECT_TRUE(h.decoded);
  EXPECT_FALSE(h.synthesized);
}

TEST(WarcWriterTest, MissingOrBrokenHeadIsSynthesized) {
  for (const std::string& raw : {std::string(), std::string("garbage\r\n\r\n"),
                                std::string("HTTP/1.1 2x0 OK\r\n\r\n"),
                                std::string("HTTP/1.1 200 OK\r\n") + std::string(400 << 10, 'a')}) {
    const auto h = interop::response_head_for(raw, 5, 404, "image/png");
    EXPECT_TRUE(h.synthesized);
    EXPECT_EQ(h.block, "HTTP/1.1 404 Not Found\r\nContent-Type: image/png\r\nContent-Length: 5\r\n\r\n");
  }
}

TEST(WarcWriterTest, RequestHeadKeptOrSynthesized) {
  EXPECT_EQ(interop::request_head_for("GET /a HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n", "http://x/a"),
            "GET /a HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n");
  EXPECT_EQ(interop::request_head_for("", "http://127.0.0.1:8080/a%20b?q=1"),
            "GET /a%20b?q=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n");
}

TEST(WarcWriterTest, TargetUriIsEscaped) {
  EXPECT_EQ(interop::warc_target_uri("http://x/a b\r\n<\"中"), "http://x/a%20b%0D%0A%3C%22%E4%B8%AD");
}

TEST(WarcWriterTest, SurtKeysAreWarciosGetSurt) {
  // Expected values printed by warcio's getSurt (npm warcio 2.4.11).
  EXPECT_EQ(interop::surt_key("http://127.0.0.1:8080/a/b.css?x=1&a=2"), "1,0,0,127:8080)/a/b.css?a=2&x=1");
  EXPECT_EQ(interop::surt_key("https://www.Example.com/"), "com,example)/");
  EXPECT_EQ(interop::surt_key("http://example.com:80/p#f"), "com,example)/p");
  EXPECT_EQ(interop::surt_key("http://a.com/p?b=1&a=2&a=1"), "com,a)/p?a=1&a=2&b=1");
  EXPECT_EQ(interop::surt_key("http://a.com/P%20q?Z"), "com,a)/p%20q?z");
  EXPECT_EQ(interop::surt_key("urn:x"), "urn:x");
}

TEST(WarcWriterTest, RecordsAreSeparateGzipMembersWithRightDigests) {
  std::string out;
  interop::WarcWriter w([&](std::string_view b) {
    out.append(b);
    return ok_status();
  });
  auto info = w.warcinfo("x.warc.gz", "2026-12-02T10:00:00.000Z", {{"software", "test"}});
  ASSERT_OK(info);
  const auto head = interop::response_head_for("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n", 5, 200, "");
  auto resp = w.response("http://x/a", "2026-12-02T10:00:00.000Z", head, "hello");
  ASSERT_OK(resp);
  auto req = w.request("http://x/a", "2026-12-02T10:00:00.000Z", interop::request_head_for("", "http://x/a"), resp->id);
  ASSERT_OK(req);
  auto again = w.revisit("http://x/b", "2026-12-02T10:00:01.000Z", head, *resp);
  ASSERT_OK(again);
  EXPECT_EQ(w.bytes_written(), out.size());

  const auto records = read_warc(out);
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0].fields.at("WARC-Type"), "warcinfo");
  EXPECT_EQ(records[0].block, "software: test\r\n");
  EXPECT_EQ(records[1].fields.at("WARC-Type"), "response");
  EXPECT_EQ(records[1].payload(), "hello");
  EXPECT_EQ(records[1].fields.at("WARC-Payload-Digest"), sha1_base32("hello"));
  EXPECT_EQ(records[1].fields.at("Content-Type"), "application/http;msgtype=response");
  EXPECT_EQ(records[1].offset, resp->offset);
  EXPECT_EQ(records[1].length, resp->length);
  EXPECT_EQ(records[2].fields.at("WARC-Concurrent-To"), resp->id);
  EXPECT_EQ(records[2].block, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(records[3].fields.at("WARC-Type"), "revisit");
  EXPECT_EQ(records[3].fields.at("WARC-Profile"),
            "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest");
  EXPECT_EQ(records[3].fields.at("WARC-Refers-To"), resp->id);
  EXPECT_EQ(records[3].fields.at("WARC-Refers-To-Target-URI"), "http://x/a");
  EXPECT_EQ(records[3].fields.at("WARC-Payload-Digest"), sha1_base32("hello"));
  EXPECT_EQ(records[3].block, head.block);
  for (const auto& r : records) {
    EXPECT_EQ(r.fields.at("WARC-Block-Digest"), sha1_base32(r.block)) << r.fields.at("WARC-Type");
  }
}

TEST(WarcWriterTest, SinkErrorStopsTheWriter) {
  interop::WarcWriter w([](std::string_view) { return Status(make_error(errc::kIo, "disk full")); });
  auto r = w.warcinfo("x", "2026-12-02T10:00:00Z", {});
  EXPECT_ERROR(r, errc::kIo, "disk full");
  EXPECT_ERROR(w.resource("http://x/", "2026-12-02T10:00:00Z", "text/html", "x"), errc::kInternal,
               "the WARC output failed before");
}

// ---- The real CLI on a store that saved the chrony page from the loopback server ----

class WarcExportTest : public ::testing::Test {
 protected:
  WarcExportTest()
      : server_(TestHttpServer::Options{linksnap::testing::fixture_path("chrony"), 0, 0, true}) {}

  ProcessResult cli(std::vector<std::string> args) { return linksnap::testing::run_cli(home_, std::move(args)); }
  json cli_json(std::vector<std::string> args) { return linksnap::testing::run_cli_json(home_, std::move(args)); }
  std::string url(const std::string& path) const { return server_.base_url() + path; }

  TempDir home_, out_;
  TestHttpServer server_;
};

TEST_F(WarcExportTest, ChronyPageRoundTripsWithOriginalBytesHeadersAndDigests) {
  cli_json({"add", url("/chrony-nts.html"), "--tag", "笔记"});
  cli_json({"add", url("/chrony-nts.html")});  // a second snapshot: the same payloads again
  const std::string file = out_.str() + "/chrony.warc.gz";
  json r = cli_json({"export", "1", "--warc", file});
  EXPECT_EQ(r["links"], 1);
  EXPECT_EQ(r["snapshots"], 2);
  EXPECT_EQ(r["responses"], 4);  // page, style.css, banner.png, clock.png
  EXPECT_EQ(r["revisits"], 4);   // the same four in the second snapshot
  EXPECT_EQ(r["synthesized_headers"], 0);
  EXPECT_EQ(r["records"], 1 + 16);

  const std::string gz = read_file(file);
  EXPECT_EQ(r["bytes"], gz.size());
  const auto records = read_warc(gz);
  ASSERT_EQ(records.size(), 17u);
  EXPECT_EQ(records[0].fields.at("WARC-Type"), "warcinfo");
  EXPECT_EQ(records[0].fields.at("WARC-Filename"), "chrony.warc.gz");
  EXPECT_NE(records[0].block.find("software: LinkSnap "), std::string::npos);

  std::set<std::string> ids;
  std::map<std::string, const Record*> by_id;
  std::map<std::string, std::string> first_payload;  // target -> payload of its response
  for (const auto& rec : records) {
    EXPECT_TRUE(ids.insert(rec.fields.at("WARC-Record-ID")).second) << "record ids are unique";
    by_id[rec.fields.at("WARC-Record-ID")] = &rec;
    EXPECT_EQ(rec.fields.at("WARC-Block-Digest"), sha1_base32(rec.block));
    const std::string& type = rec.fields.at("WARC-Type");
    if (type == "response") {
      EXPECT_EQ(rec.fields.at("WARC-Payload-Digest"), sha1_base32(rec.payload()));
      const std::string head = rec.http_head();
      EXPECT_TRUE(head.starts_with("HTTP/1.1 200 OK\r\n")) << head;
      EXPECT_NE(head.find("Content-Length: " + std::to_string(rec.payload().size()) + "\r\n"), std::string::npos);
      first_payload[rec.fields.at("WARC-Target-URI")] = rec.payload();
    }
    if (type == "revisit") {
      const Record* original = by_id.at(rec.fields.at("WARC-Refers-To"));
      EXPECT_EQ(original->fields.at("WARC-Type"), "response");
      EXPECT_EQ(rec.fields.at("WARC-Payload-Digest"), original->fields.at("WARC-Payload-Digest"));
      EXPECT_EQ(rec.payload(), "");
    }
    if (type == "request") {
      const Record* response = by_id.at(rec.fields.at("WARC-Concurrent-To"));
      EXPECT_EQ(response->fields.at("WARC-Target-URI"), rec.fields.at("WARC-Target-URI"));
      EXPECT_TRUE(rec.block.starts_with("GET /")) << rec.block;
      EXPECT_NE(rec.block.find("\r\nHost: 127.0.0.1:" + std::to_string(server_.port()) + "\r\n"),
                std::string::npos);
      EXPECT_NE(rec.block.find("\r\nAccept-Encoding: "), std::string::npos) << "as libcurl sent it";
    }
  }
  // The bytes the server sent, not the copies rewritten for offline viewing.
  for (const char* name : {"chrony-nts.html", "style.css", "banner.png", "clock.png"}) {
    ASSERT_EQ(first_payload.count(url(std::string("/") + name)), 1u) << name;
    EXPECT_EQ(first_payload[url(std::string("/") + name)], linksnap::testing::read_fixture(std::string("chrony/") + name)) << name;
  }
  // The server gzipped the HTML: the record says so and describes the decoded payload.
  const Record& page = records[1];
  EXPECT_EQ(page.fields.at("WARC-Target-URI"), url("/chrony-nts.html"));
  EXPECT_NE(page.http_head().find("Content-Type: text/html; charset=utf-8\r\n"), std::string::npos);
  EXPECT_NE(page.http_head().find("X-LinkSnap-Orig-Content-Encoding: gzip\r\n"), std::string::npos);
  EXPECT_EQ(page.http_head().find("\r\nContent-Encoding"), std::string::npos);
  EXPECT_EQ(page.fields.at("WARC-Protocol"), "http/1.1");
}

TEST_F(WarcExportTest, DomCaptureIsAResourceRecordOfTheCapturedHtml) {
  const std::string dom = "<html><head><title>t</title></head><body><p>DOM 捕获</p></body></html>";
  const std::string html_file = out_.str() + "/dom.html";
  std::ofstream(html_file, std::ios::binary) << dom;
  cli_json({"save", "--url", "https://example.org/app", "--html-file", html_file});
  const std::string file = out_.str() + "/dom.warc.gz";
  json r = cli_json({"export", "--warc", file});
  EXPECT_EQ(r["resources"], 1);
  EXPECT_EQ(r["responses"], 0);
  const auto records = read_warc(read_file(file));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].fields.at("WARC-Type"), "resource");
  EXPECT_EQ(records[1].fields.at("WARC-Target-URI"), "https://example.org/app");
  EXPECT_EQ(records[1].fields.at("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(records[1].block, dom);
  EXPECT_EQ(records[1].fields.at("WARC-Payload-Digest"), sha1_base32(dom));
  EXPECT_EQ(records[1].fields.at("WARC-Block-Digest"), sha1_base32(dom));
}

TEST_F(WarcExportTest, ClearErrorsAndNothingWritten) {
  cli_json({"add", url("/chrony-nts.html"), "--tag", "笔记"});
  ProcessResult bad_dir = cli({"export", "--warc", "/nonexistent-dir/x.warc.gz"});
  EXPECT_EQ(bad_dir.exit_code, 1);
  EXPECT_EQ(bad_dir.err, "linksnap: cannot write /nonexistent-dir/x.warc.gz: No such file or directory\n");

  const std::string file = out_.str() + "/x.wacz";
  ProcessResult none = cli({"export", "--wacz", file, "--tag", "nothing-here"});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_EQ(none.err, "linksnap: no links to export\n");
  ProcessResult unknown = cli({"export", "7", "--warc", file});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(unknown.err, "linksnap: no link with id 7\n");
  ProcessResult two = cli({"export", "1", "--warc", file, "--tag", "笔记"});
  EXPECT_EQ(two.exit_code, 2);
  EXPECT_EQ(two.err, "linksnap: export --warc and --wacz take a link id, --tag or --search, not two\n");

  // A write that fails (the file size limit here, a full disk elsewhere) says why and leaves
  // neither the file nor a temp file. A store held open here keeps SQLite's shared-memory file
  // in place, so the limited process only reads the database.
  SteppingClock clock;
  auto held = store::Store::open(home_.path(), clock);
  ASSERT_OK(held);
  ProcessResult full = linksnap::testing::run_process(
      {"/bin/bash", "-c", "trap '' XFSZ; ulimit -f 2; exec \"$0\" \"$@\"", LINKSNAP_CLI_BIN, "export",
       "--warc", file},
      {"LINKSNAP_HOME=" + home_.str()});
  EXPECT_EQ(full.exit_code, 1);
  EXPECT_EQ(full.err, "linksnap: cannot write " + file + ": File too large\n");
  EXPECT_TRUE(boost::filesystem::is_empty(out_.path()));
}

TEST_F(WarcExportTest, WaczHoldsStoredWarcIndexPagesAndHashes) {
  cli_json({"add", url("/chrony-nts.html"), "--tag", "笔记"});
  const std::string file = out_.str() + "/chrony.wacz";
  json r = cli_json({"export", "--wacz", file, "--search", "密钥"});
  EXPECT_EQ(r["links"], 1);
  const std::string zip = read_file(file);
  EXPECT_EQ(r["bytes"], zip.size());

  std::vector<std::string> names;
  std::map<std::string, std::string> files;
  archive* a = archive_read_new();
  archive_read_support_format_zip(a);
  ASSERT_EQ(archive_read_open_memory(a, zip.data(), zip.size()), ARCHIVE_OK);
  archive_entry* e = nullptr;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    std::string bytes;
    char buf[65536];
    la_ssize_t n;
    while ((n = archive_read_data(a, buf, sizeof buf)) > 0) bytes.append(buf, static_cast<std::size_t>(n));
    ASSERT_EQ(n, 0) << archive_error_string(a);
    names.push_back(archive_entry_pathname(e));
    files[names.back()] = bytes;
  }
  archive_read_free(a);
  EXPECT_EQ(names, (std::vector<std::string>{"archive/data.warc.gz", "indexes/index.cdxj", "pages/pages.jsonl",
                                             "datapackage.json", "datapackage-digest.json"}));
  // Stored, not deflated: the WARC's bytes appear as they are, right after its local header.
  const std::string& warc = files["archive/data.warc.gz"];
  const std::size_t at = zip.find(warc.substr(0, 64));
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(zip.substr(at, warc.size()), warc);
  EXPECT_EQ(zip.substr(8, 2), std::string("\0\0", 2)) << "compression method 0 (stored)";

  json package = json::parse(files["datapackage.json"]);
  EXPECT_EQ(package["profile"], "data-package");
  EXPECT_EQ(package["wacz_version"], "1.1.1");
  ASSERT_EQ(package["resources"].size(), 3u);
  for (const auto& res : package["resources"]) {
    const std::string& bytes = files[res["path"].get<std::string>()];
    EXPECT_EQ(res["hash"], "sha256:" + sha256_hex(bytes)) << res["path"];
    EXPECT_EQ(res["bytes"], bytes.size());
  }
  EXPECT_EQ(json::parse(files["datapackage-digest.json"])["hash"], "sha256:" + sha256_hex(files["datapackage.json"]));

  std::istringstream pages(files["pages/pages.jsonl"]);
  std::string line;
  std::getline(pages, line);
  EXPECT_EQ(json::parse(line)["format"], "json-pages-1.0");
  std::getline(pages, line);
  json page = json::parse(line);
  EXPECT_EQ(page["url"], url("/chrony-nts.html"));
  EXPECT_EQ(page["title"], "chrony 时间同步与 NTS 配置笔记");

  // Every index line: sorted, and its offset/length is the gzip member of a record for its URL.
  std::istringstream index(files["indexes/index.cdxj"]);
  std::vector<std::string> lines;
  while (std::getline(index, line)) lines.push_back(line);
  EXPECT_EQ(lines.size(), 4u);
  EXPECT_TRUE(std::is_sorted(lines.begin(), lines.end()));
  for (const auto& l : lines) {
    const json fields = json::parse(l.substr(l.find('{')));
    EXPECT_EQ(l.substr(0, l.find(' ')), interop::surt_key(fields["url"].get<std::string>()));
    const auto member = warc.substr(std::stoul(fields["offset"].get<std::string>()),
                                    std::stoul(fields["length"].get<std::string>()));
    const auto recs = read_warc(member);
    ASSERT_EQ(recs.size(), 1u);
    EXPECT_EQ(recs[0].fields.at("WARC-Target-URI"), fields["url"]);
    EXPECT_EQ(recs[0].fields.at("WARC-Payload-Digest"), fields["digest"]);
    EXPECT_EQ(fields["filename"], "data.warc.gz");
  }
}

// ---- In process: the size bound, old snapshots without heads ----

class WarcStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::Store::open(home_.path(), clock_);
    ASSERT_OK(s);
    store_.emplace(std::move(*s));
  }
  TempDir home_, out_;
  SteppingClock clock_;
  std::optional<store::Store> store_;
};

TEST_F(WarcStoreTest, SnapshotWithoutHeadsGetsSynthesizedOnesAndSaysSo) {
  store::SnapshotInput in;
  in.url = "https://example.org/old";
  in.source = "fetch";
  in.html = "<p>rewritten</p>";
  store::ResourceInput img;
  img.record.url = "https://example.org/a.png";
  img.record.final_url = "https://cdn.example.org/a.png";
  img.record.mime = "image/png";
  img.record.http_status = 200;
  img.bytes = std::string("\x89PNG\r\n\x1a\n....", 12);
  in.resources.push_back(img);
  ASSERT_OK(store_->save_snapshot(in));
  auto links = store_->list_links({});
  ASSERT_OK(links);
  const std::string file = out_.str() + "/old.warc.gz";
  interop::WebArchiveOptions options;
  options.software = "test";
  options.now = "2026-12-02T10:00:00.000Z";
  auto r = interop::export_warc(*store_, *links, file, options);
  ASSERT_OK(r);
  EXPECT_EQ(r->synthesized, 2);
  const auto records = read_warc(read_file(file));
  ASSERT_EQ(records.size(), 6u);  // warcinfo, page + request, redirect, image + request
  EXPECT_NE(records[0].block.find("synthesized-headers: 2 responses are from snapshots made before"),
            std::string::npos);
  EXPECT_EQ(records[1].http_head(),
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 16\r\n\r\n");
  EXPECT_EQ(records[3].fields.at("WARC-Target-URI"), "https://example.org/a.png");
  EXPECT_EQ(records[3].http_head(),
            "HTTP/1.1 302 Found\r\nLocation: https://cdn.example.org/a.png\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(records[4].fields.at("WARC-Target-URI"), "https://cdn.example.org/a.png");
  EXPECT_EQ(records[4].payload(), std::string("\x89PNG\r\n\x1a\n....", 12));
}

TEST_F(WarcStoreTest, ExportPastItsBoundFailsAndLeavesNothing) {
  store::SnapshotInput in;
  in.url = "https://example.org/big";
  in.source = "dom";
  in.html = "<p>x</p>";
  store::ResourceInput big;
  big.record.url = "https://example.org/big.bin";
  big.record.mime = "application/octet-stream";
  std::string bytes(1 << 20, '\0');
  std::uint32_t x = 2463534242u;  // xorshift: does not compress
  for (char& c : bytes) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x >> 24);
  }
  big.bytes = bytes;
  in.resources.push_back(big);
  ASSERT_OK(store_->save_snapshot(in));
  auto links = store_->list_links({});
  ASSERT_OK(links);
  interop::WebArchiveOptions options;
  options.max_bytes = 64 << 10;
  for (bool wacz : {false, true}) {
    const std::string file = out_.str() + (wacz ? "/big.wacz" : "/big.warc.gz");
    auto r = wacz ? interop::export_wacz(*store_, *links, file, options)
                  : interop::export_warc(*store_, *links, file, options);
    EXPECT_ERROR(r, errc::kTooLarge,
                 "the export is larger than 65536 bytes, the most one export may be; export fewer "
                 "links with --tag or --search");
    EXPECT_TRUE(boost::filesystem::is_empty(out_.path()));
  }
}

}  // namespace
}  // namespace linksnap

namespace linksnap {
namespace {

// A SIGKILL in the middle of a big export leaves nothing at the target path (the records go
// to a temp file beside it, renamed only when complete), and the next export there removes it.
TEST_F(WarcStoreTest, KillDuringABigExportLeavesNoFileAtTheTarget) {
  std::uint64_t state = 88172645463325252ull;
  for (int i = 0; i < 10; ++i) {
    store::SnapshotInput in;
    in.url = "https://example.org/big/" + std::to_string(i);
    in.source = "dom";
    in.html = "<p>big</p>";
    store::ResourceInput r;
    r.record.url = "https://example.org/big/" + std::to_string(i) + ".bin";
    r.record.mime = "application/octet-stream";
    std::string bytes(8u << 20, '\0');
    for (std::size_t k = 0; k + 8 <= bytes.size(); k += 8) {  // xorshift: incompressible
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
      std::memcpy(&bytes[k], &state, 8);
    }
    r.bytes = std::move(bytes);
    in.resources.push_back(std::move(r));
    ASSERT_OK(store_->save_snapshot(in));
  }
  const std::string target = out_.str() + "/big.warc.gz";
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::setenv("LINKSNAP_HOME", home_.str().c_str(), 1);
    ::execl(LINKSNAP_CLI_BIN, LINKSNAP_CLI_BIN, "export", "--warc", target.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Kill it once a few MiB of the ~80 MiB are written.
  bool killed = false;
  for (int i = 0; i < 2000 && !killed; ++i) {
    for (const auto& e : boost::filesystem::directory_iterator(out_.path())) {
      boost::system::error_code ec;
      if (boost::filesystem::file_size(e.path(), ec) > (4u << 20)) {
        ::kill(child, SIGKILL);
        killed = true;
      }
    }
    if (!killed) ::usleep(5000);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(killed) << "the export ended before it could be killed";
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_FALSE(boost::filesystem::exists(target));
  // What is left is the temp file, named as such.
  std::vector<std::string> left;
  for (const auto& e : boost::filesystem::directory_iterator(out_.path())) {
    left.push_back(e.path().filename().string());
  }
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0], "big.warc.gz.linksnap-tmp-" + std::to_string(child));
  // A live process's temp file beside the same target is another export still running.
  const std::string live = out_.str() + "/big.warc.gz.linksnap-tmp-" + std::to_string(::getppid());
  { std::ofstream(live) << "running"; }
  // The next export to that target removes the dead one's leftover and writes the archive.
  const testing::ProcessResult again = testing::run_cli(home_, {"export", "--warc", target});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  std::vector<std::string> after;
  for (const auto& e : boost::filesystem::directory_iterator(out_.path())) {
    after.push_back(e.path().filename().string());
  }
  std::sort(after.begin(), after.end());
  EXPECT_EQ(after, (std::vector<std::string>{"big.warc.gz", "big.warc.gz.linksnap-tmp-" + std::to_string(::getppid())}));
}

}  // namespace
}  // namespace linksnap
