// Shared helpers for the native tests: temporary directories, fixture files, a pinned clock,
// and running the real binaries as child processes.
#pragma once

#include <gtest/gtest.h>

#include <boost/filesystem.hpp>
#include <nlohmann/json.hpp>
#include <sys/types.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "util/clock.h"
#include "util/result.h"

namespace linksnap::testing {

// Asserts a Result/Status is ok, printing its error otherwise (like ASSERT_LEVELDB_OK).
#define ASSERT_OK(expr)                                                          \
  do {                                                                           \
    const auto& linksnap_r_ = (expr);                                            \
    ASSERT_TRUE(linksnap_r_.ok()) << linksnap_r_.error().code << ": " << linksnap_r_.error().message; \
  } while (0)

#define EXPECT_ERROR(expr, want_code, want_message)         \
  do {                                                      \
    const auto& linksnap_r_ = (expr);                       \
    ASSERT_FALSE(linksnap_r_.ok());                         \
    EXPECT_EQ(linksnap_r_.error().code, want_code);         \
    EXPECT_EQ(linksnap_r_.error().message, want_message);   \
  } while (0)

class TempDir {
 public:
  TempDir() {
    path_ = boost::filesystem::temp_directory_path() /
            boost::filesystem::unique_path("linksnap-test-%%%%-%%%%-%%%%");
    boost::filesystem::create_directories(path_);
  }
  ~TempDir() {
    boost::system::error_code ec;
    boost::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const boost::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

 private:
  boost::filesystem::path path_;
};

// A clock that moves forward one second every time it is read: deterministic and ordered.
class SteppingClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return start_ + std::chrono::seconds(ticks_++);
  }

 private:
  std::chrono::system_clock::time_point start_ =
      std::chrono::system_clock::from_time_t(1'795'000'000);  // 2026-11-17
  mutable long ticks_ = 0;
};

inline std::string fixture_path(const std::string& relative) {
  return std::string(LINKSNAP_FIXTURES_DIR) + "/" + relative;
}

inline std::string read_fixture(const std::string& relative) {
  std::ifstream in(fixture_path(relative), std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct ProcessResult {
  int exit_code = -1;     // -1 if killed by a signal
  int signal = 0;
  std::string out;
  std::string err;
  long max_rss_kib = 0;   // the program's own peak resident memory (see linksnap-rss-launch)
};

// Runs argv[0] with the given arguments and extra environment ("NAME=value"), feeding
// `input` on stdin; waits for it to exit.
ProcessResult run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                          const std::string& input = "");

// The real `linksnap` CLI on the store in `home`, in TZ=UTC unless `env` ("NAME=value") sets
// another zone.
ProcessResult run_cli(const TempDir& home, std::vector<std::string> args,
                      const std::vector<std::string>& env = {});
// The real `linksnap` started on the store in `home` (LINKSNAP_HOME) and not waited for, its
// output discarded: for a test that kills it midway. -1 if it could not be started.
pid_t spawn_cli(const TempDir& home, const std::vector<std::string>& args);
// run_cli with --json appended: the test fails unless it exits 0 and prints JSON.
nlohmann::json run_cli_json(const TempDir& home, std::vector<std::string> args,
                            const std::vector<std::string>& env = {});

}  // namespace linksnap::testing
