// The plugin modules through the real dlopen path: the built modules, a missing, a broken and
// a foreign one, and the real binaries copied into a layout with and without their modules.
#include <boost/filesystem/operations.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "http_server.h"
#include "modules/curl_api.h"
#include "modules/module.h"
#include "test_util.h"

namespace linksnap {
namespace {

namespace fs = boost::filesystem;
using linksnap::testing::ProcessResult;
using linksnap::testing::TempDir;
using modules::kCurlModule;
using modules::open_module;

TEST(ModuleLoader, OpensTheBuiltCurlModule) {
  auto table = open_module({LINKSNAP_MODULE_DIR}, kCurlModule);
  ASSERT_TRUE(table.ok()) << table.error().message;
  EXPECT_EQ((*table)->abi, modules::kModuleAbi);
  auto api = reinterpret_cast<const modules::CurlApi*>(*table);
  EXPECT_STREQ(api->easy_strerror(CURLE_OK), "No error");
}

TEST(ModuleLoader, AMissingModuleNamesWhereItWasLookedFor) {
  TempDir dir;
  auto table = open_module({"/nonexistent/bin", dir.str()}, kCurlModule);
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.error().code, errc::kInternal);
  EXPECT_EQ(table.error().message, "cannot load " + dir.str() +
                                       "/linksnap-curl.so: no such file (nor in /nonexistent/bin); "
                                       "reinstall LinkSnap");
}

TEST(ModuleLoader, ABrokenModuleGivesTheLoadersReason) {
  TempDir dir;
  std::ofstream(dir.str() + "/linksnap-curl.so") << std::string(256, 'x');
  auto table = open_module({dir.str()}, kCurlModule);
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.error().message, "cannot load " + dir.str() + "/linksnap-curl.so: invalid ELF header");
}

TEST(ModuleLoader, ALibraryWithoutTheFactoryIsNotAModule) {
  modules::ModuleSpec spec = kCurlModule;
  spec.factory = "linksnap_pdf_module";
  auto table = open_module({LINKSNAP_MODULE_DIR}, spec);
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.error().message, std::string("cannot load ") + LINKSNAP_MODULE_DIR +
                                       "/linksnap-curl.so: not a LinkSnap module (no linksnap_pdf_module)");
}

TEST(ModuleLoader, AModuleOfAnotherShapeIsRefused) {
  modules::ModuleSpec spec = kCurlModule;
  spec.size += 8;
  auto table = open_module({LINKSNAP_MODULE_DIR}, spec);
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.error().message, std::string("cannot load ") + LINKSNAP_MODULE_DIR +
                                       "/linksnap-curl.so: it belongs to another version of "
                                       "LinkSnap; reinstall LinkSnap");
}

// `linksnap` copied to PREFIX/bin, with or without PREFIX/lib/linksnap/linksnap-curl.so.
class InstalledLayout : public ::testing::Test {
 protected:
  InstalledLayout()
      : server_(test::TestHttpServer::Options{linksnap::testing::fixture_path("chrony"), 0, 0, true}) {
    fs::create_directories(prefix_.path() / "bin");
    fs::copy_file(LINKSNAP_CLI_BIN, bin());
  }
  std::string bin() const { return (prefix_.path() / "bin" / "linksnap").string(); }
  void install_curl_module() {
    fs::create_directories(prefix_.path() / "lib" / "linksnap");
    fs::copy_file(std::string(LINKSNAP_MODULE_DIR) + "/linksnap-curl.so",
                  prefix_.path() / "lib" / "linksnap" / "linksnap-curl.so");
  }
  ProcessResult run(std::vector<std::string> args) {
    args.insert(args.begin(), bin());
    return linksnap::testing::run_process(args, {"LINKSNAP_HOME=" + home_.str(), "TZ=UTC"});
  }
  std::string page_url() const { return server_.base_url() + "/chrony-nts.html"; }

  TempDir prefix_, home_;
  test::TestHttpServer server_;
};

TEST_F(InstalledLayout, WithoutTheModuleAddFailsNamingItAndSearchStillWorks) {
  ProcessResult added = run({"add", page_url()});
  EXPECT_EQ(added.exit_code, 1);
  EXPECT_NE(added.err.find("cannot load " + prefix_.str() + "/lib/linksnap/linksnap-curl.so: no such file (nor in " +
                           prefix_.str() + "/bin); reinstall LinkSnap"),
            std::string::npos)
      << added.err;
  ProcessResult found = run({"search", "密钥", "--json"});
  EXPECT_EQ(found.exit_code, 0) << found.err;
  EXPECT_EQ(nlohmann::json::parse(found.out)["results"].size(), 0u);
}

TEST_F(InstalledLayout, TheHostAnswersAPingWithoutAnyModule) {
  const std::string host = (prefix_.path() / "bin" / "linksnap-host").string();
  fs::copy_file(LINKSNAP_HOST_BIN, host);
  const std::string body = R"({"id":1,"cmd":"ping"})";
  std::string input(4, '\0');
  for (int i = 0; i < 4; ++i) input[i] = static_cast<char>((body.size() >> (8 * i)) & 0xFF);
  input += body;
  ProcessResult r = linksnap::testing::run_process(
      {host, "chrome-extension://" LINKSNAP_EXTENSION_ID "/"}, {"LINKSNAP_HOME=" + home_.str()}, input);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_GT(r.out.size(), 4u) << r.err;
  const auto reply = nlohmann::json::parse(r.out.substr(4), nullptr, false);
  EXPECT_EQ(reply["ok"], true) << r.out.substr(4);
  EXPECT_EQ(reply["result"]["protocol_version"], 1);
}

TEST_F(InstalledLayout, TheModuleInLibLinksnapFetchesOverLoopback) {
  install_curl_module();
  ProcessResult added = run({"add", page_url(), "--json"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_EQ(nlohmann::json::parse(added.out)["link"]["title"], "chrony 时间同步与 NTS 配置笔记");
}

}  // namespace
}  // namespace linksnap
