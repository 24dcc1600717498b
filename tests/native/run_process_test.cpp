// run_process, the helper every CLI test measures with: a child's peak memory is its own, and
// how it ended (exit code, signal) comes through the launcher unchanged.
#include <signal.h>

#include <cstring>
#include <memory>

#include "test_util.h"

namespace linksnap::testing {
namespace {

TEST(RunProcessTest, PeakMemoryIsTheChildsOwnNotTheTestProcesss) {
  // Grow this process by 256 MiB first: spawned directly, a child would report that as its own.
  constexpr std::size_t kBig = 256u << 20;
  auto big = std::make_unique<char[]>(kBig);
  std::memset(big.get(), 1, kBig);
  const ProcessResult r = run_process({"/bin/true"}, {});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_GT(r.max_rss_kib, 0);
  EXPECT_LT(r.max_rss_kib, 16 * 1024) << "the test process's memory was counted as the child's";
  EXPECT_EQ(big[kBig - 1], 1);
}

TEST(RunProcessTest, ExitCodeOutputAndSignalComeThrough) {
  const ProcessResult exited = run_process({"/bin/sh", "-c", "read line; echo \"got $line\"; echo oops >&2; exit 3"}, {}, "hello\n");
  EXPECT_EQ(exited.exit_code, 3);
  EXPECT_EQ(exited.out, "got hello\n");
  EXPECT_EQ(exited.err, "oops\n");
  EXPECT_EQ(exited.signal, 0);
  const ProcessResult killed = run_process({"/bin/sh", "-c", "kill -TERM $$"}, {});
  EXPECT_EQ(killed.exit_code, -1);
  EXPECT_EQ(killed.signal, SIGTERM);
}

}  // namespace
}  // namespace linksnap::testing
