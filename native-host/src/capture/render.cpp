#include "capture/render.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/filesystem/operations.hpp>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <thread>
#include <vector>

#include "capture/html_text.h"
#include "net/fetcher.h"

extern char** environ;

namespace linksnap::capture {

const char* const kChromiumMissingMessage =
    "rendering needs Chromium, which is not installed; install it with: sudo apt-get install chromium";

namespace {

using Clock = std::chrono::steady_clock;

bool is_executable(const std::string& path) { return !path.empty() && ::access(path.c_str(), X_OK) == 0; }

bool contains_ci(std::string_view haystack, std::string_view needle) {
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    std::size_t k = 0;
    while (k < needle.size() &&
           static_cast<char>(std::tolower(static_cast<unsigned char>(haystack[i + k]))) == needle[k]) {
      ++k;
    }
    if (k == needle.size()) return true;
  }
  return false;
}

// Kills chromium's whole process group and reaps the leader.
void kill_group(pid_t pid) {
  ::kill(-pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

// A temporary folder removed with everything in it when the run ends.
struct TempProfile {
  boost::filesystem::path path;
  ~TempProfile() {
    boost::system::error_code ignored;
    if (!path.empty()) boost::filesystem::remove_all(path, ignored);
  }
};

}  // namespace

Result<RenderMode> parse_render_mode(std::string_view text) {
  if (text == "never") return RenderMode::kNever;
  if (text == "auto") return RenderMode::kAuto;
  if (text == "always") return RenderMode::kAlways;
  return make_error(errc::kBadRequest,
                    "\"render\" must be \"never\", \"auto\" or \"always\" (got \"" + std::string(text) + "\")");
}

std::string find_chromium() {
  if (const char* forced = std::getenv("LINKSNAP_CHROMIUM"); forced != nullptr) {
    return is_executable(forced) ? std::string(forced) : std::string();
  }
  if (is_executable("/usr/bin/chromium")) return "/usr/bin/chromium";
  if (const char* path = std::getenv("PATH"); path != nullptr) {
    std::string_view rest(path);
    while (!rest.empty()) {
      const auto colon = rest.find(':');
      const std::string dir(rest.substr(0, colon));
      if (!dir.empty() && is_executable(dir + "/chromium")) return dir + "/chromium";
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
  }
  return "";
}

bool looks_like_script_shell(std::string_view html, std::size_t min_text_bytes) {
  if (!contains_ci(html, "<script")) return false;
  const PageText text = extract_text(html, min_text_bytes * 4);
  std::size_t visible = 0;
  for (char c : text.text) visible += (c != ' ' && c != '\n' && c != '\t') ? 1 : 0;
  return visible < min_text_bytes;
}

Result<Page> render_page(std::string_view url, const RenderOptions& options) {
  LINKSNAP_TRY(check_fetchable(url));
  const std::string chromium = options.chromium.empty() ? find_chromium() : options.chromium;
  if (!is_executable(chromium)) return make_error(errc::kBadRequest, kChromiumMissingMessage);

  TempProfile profile;
  {
    const auto base = boost::filesystem::temp_directory_path() / "linksnap-render-%%%%-%%%%-%%%%";
    boost::system::error_code ec;
    profile.path = boost::filesystem::unique_path(base, ec);
    if (ec || !boost::filesystem::create_directory(profile.path, ec) || ec) {
      profile.path.clear();
      return make_error(errc::kIo, "cannot create a temporary browser profile");
    }
    boost::filesystem::permissions(profile.path, boost::filesystem::owner_all, ec);
  }

  std::vector<std::string> args = {
      chromium, "--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--disable-extensions", "--disable-quic", "--mute-audio", "--hide-scrollbars",
      "--user-data-dir=" + profile.path.string(),
      "--js-flags=--max-old-space-size=" + std::to_string(options.max_js_heap_mib),
      "--virtual-time-budget=" + std::to_string(options.virtual_time_budget.count()),
      "--dump-dom"};
  // Chromium's sandbox cannot start as root; an unprivileged user keeps it.
  if (::geteuid() == 0) args.insert(args.begin() + 1, "--no-sandbox");
  args.emplace_back(url);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return make_error(errc::kIo, "cannot start chromium (pipe)");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);  // its own group: one kill ends every helper process
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, chromium.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(out[1]);
  if (spawned != 0) {
    ::close(out[0]);
    return make_error(errc::kFetchFailed, "cannot start " + chromium);
  }

  const auto deadline = Clock::now() + options.timeout;
  std::string dom;
  bool timed_out = false, too_large = false;
  char buf[65536];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{out[0], POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    const ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) break;  // EOF: chromium printed the DOM and is exiting
    dom.append(buf, static_cast<std::size_t>(n));
    if (dom.size() > options.max_dom_bytes) {
      too_large = true;
      break;
    }
  }
  ::close(out[0]);
  // The browser is done with the page either way; whatever is left of it goes now.
  int status = 0;
  pid_t reaped = 0;
  while (!timed_out && !too_large && Clock::now() < deadline) {
    reaped = ::waitpid(pid, &status, WNOHANG);
    if (reaped != 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(-pid, SIGKILL);
  if (reaped == 0) kill_group(pid);

  if (timed_out) {
    return make_error(errc::kTimeout, "rendering " + std::string(url) + " took longer than " +
                                          net::describe_duration(options.timeout));
  }
  if (too_large) return make_error(errc::kTooLarge, page_too_large_message(dom.size()));
  if (dom.find('<') == std::string::npos) {
    const int code = reaped > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return make_error(errc::kFetchFailed, "chromium could not render " + std::string(url) +
                                              " (exit status " + std::to_string(code) + ")");
  }
  Page page;
  page.url = std::string(url);
  page.requested_url = std::string(url);
  page.html = std::move(dom);
  page.source = "render";
  return page;
}

}  // namespace linksnap::capture
