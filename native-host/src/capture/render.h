// A page rendered by a real browser: Debian's chromium in headless mode prints the DOM after
// the page's scripts ran (--dump-dom, timers fast-forwarded by --virtual-time-budget while
// network requests are waited for). For pages whose content is written by script. A
// throwaway profile per run; chromium runs in its own process group, killed whole when the
// time is up; its JavaScript heap is capped and the DOM read is bounded.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "capture/page_snapshot.h"
#include "util/result.h"

namespace linksnap::capture {

enum class RenderMode {
  kNever,   // --no-render
  kAuto,    // render when the fetched HTML looks like a script shell
  kAlways,  // --render
};

// "never" | "auto" | "always" (a missing field is `fallback`); bad_request otherwise.
Result<RenderMode> parse_render_mode(std::string_view text);

struct RenderOptions {
  std::string chromium;  // the browser to run; "" = find_chromium()
  std::chrono::milliseconds timeout{30'000};                // the whole run, then killed
  std::chrono::milliseconds virtual_time_budget{5'000};     // script time after load
  std::size_t max_dom_bytes = kMaxPageHtmlBytes;
  int max_js_heap_mib = 512;
};

// The chromium to run: $LINKSNAP_CHROMIUM when set (empty or not executable: none), else
// /usr/bin/chromium, else `chromium` on PATH. "" when there is none.
std::string find_chromium();

// "rendering needs Chromium, which is not installed; install it with: sudo apt-get install chromium"
extern const char* const kChromiumMissingMessage;

// Whether fetched HTML is an empty shell that scripts fill: scripts present and less than
// `min_text_bytes` of visible text.
bool looks_like_script_shell(std::string_view html, std::size_t min_text_bytes = 200);

// Renders url and returns its DOM as a page (source "render", requested_url = url).
// Errors: bad_request with kChromiumMissingMessage, timeout ("rendering <url> took longer
// than 30 s"), too_large, fetch_failed (chromium failed or printed nothing).
Result<Page> render_page(std::string_view url, const RenderOptions& options = {});

}  // namespace linksnap::capture
