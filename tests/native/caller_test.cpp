#include "host/caller.h"
#include "test_util.h"

namespace linksnap::host {
namespace {

TEST(CallerTest, ChromiumPassesTheOriginFirstFirefoxTheIdSecond) {
  const char* chromium[] = {"linksnap-host", "chrome-extension://abc/", "--parent-window=0"};
  EXPECT_EQ(caller_from_args(3, chromium), "chrome-extension://abc/");
  const char* firefox[] = {"linksnap-host", "/usr/lib/mozilla/native-messaging-hosts/x.json", "linksnap@linksnap.org"};
  EXPECT_EQ(caller_from_args(3, firefox), "linksnap@linksnap.org");
  const char* by_hand[] = {"linksnap-host"};
  EXPECT_EQ(caller_from_args(1, by_hand), "");
}

TEST(CallerTest, OnlyThePinnedExtensionAndConfiguredExtrasAreAllowed) {
  const auto allowed = allowed_callers(" chrome-extension://fork/ ,, moz@fork ");
  EXPECT_TRUE(caller_allowed(std::string("chrome-extension://") + LINKSNAP_EXTENSION_ID + "/", allowed));
  EXPECT_TRUE(caller_allowed(LINKSNAP_GECKO_ID, allowed));
  EXPECT_TRUE(caller_allowed("chrome-extension://fork/", allowed));
  EXPECT_TRUE(caller_allowed("moz@fork", allowed));
  EXPECT_TRUE(caller_allowed("", allowed));  // a person at a terminal
  EXPECT_FALSE(caller_allowed("chrome-extension://evil/", allowed));
  EXPECT_FALSE(caller_allowed(std::string("chrome-extension://") + LINKSNAP_EXTENSION_ID, allowed));  // no slash
}

}  // namespace
}  // namespace linksnap::host
