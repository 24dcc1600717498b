#include "test_util.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

extern char** environ;

namespace linksnap::testing {

ProcessResult run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                          const std::string& input) {
  int in_pipe[2], out_pipe[2], err_pipe[2], rss_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0 ||
      pipe2(rss_pipe, O_CLOEXEC) != 0) {
    return {};
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  posix_spawn_file_actions_adddup2(&actions, rss_pipe[1], 3);  // the launcher's report

  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
  for (const auto& extra : env) {
    const std::string name = extra.substr(0, extra.find('=') + 1);
    std::erase_if(env_strings, [&](const std::string& s) { return s.rfind(name, 0) == 0; });
    env_strings.push_back(extra);
  }
  std::vector<char*> c_env, c_argv;
  for (auto& s : env_strings) c_env.push_back(s.data());
  c_env.push_back(nullptr);
  // Through linksnap-rss-launch, so that max_rss_kib is the program's own peak and not this
  // (possibly large) test process's, which a direct spawn would report.
  std::vector<std::string> args{LINKSNAP_RSS_LAUNCH_BIN, "3"};
  args.insert(args.end(), argv.begin(), argv.end());
  for (auto& s : args) c_argv.push_back(s.data());
  c_argv.push_back(nullptr);

  pid_t pid = 0;
  const int rc = posix_spawn(&pid, c_argv[0], &actions, nullptr, c_argv.data(), c_env.data());
  posix_spawn_file_actions_destroy(&actions);
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  close(rss_pipe[1]);
  ProcessResult result;
  if (rc != 0) {
    result.err = std::string("spawn failed: ") + std::strerror(rc);
    close(in_pipe[1]);
    close(out_pipe[0]);
    close(err_pipe[0]);
    close(rss_pipe[0]);
    return result;
  }
  // Feed stdin and drain stdout/stderr together so neither side blocks on a full pipe.
  std::size_t written = 0;
  int in_fd = in_pipe[1];
  if (input.empty()) {
    close(in_fd);
    in_fd = -1;
  }
  bool out_open = true, err_open = true;
  char buf[65536];
  while (out_open || err_open || in_fd >= 0) {
    std::vector<pollfd> fds;
    if (in_fd >= 0) fds.push_back({in_fd, POLLOUT, 0});
    if (out_open) fds.push_back({out_pipe[0], POLLIN, 0});
    if (err_open) fds.push_back({err_pipe[0], POLLIN, 0});
    if (poll(fds.data(), fds.size(), 60'000) <= 0) break;
    for (const auto& p : fds) {
      if (p.revents == 0) continue;
      if (p.fd == in_fd) {
        const ssize_t n = write(in_fd, input.data() + written, input.size() - written);
        if (n > 0) written += static_cast<std::size_t>(n);
        if (n < 0 || written == input.size()) {
          close(in_fd);
          in_fd = -1;
        }
      } else {
        const ssize_t n = read(p.fd, buf, sizeof buf);
        std::string& sink = p.fd == out_pipe[0] ? result.out : result.err;
        if (n > 0) {
          sink.append(buf, static_cast<std::size_t>(n));
        } else {
          (p.fd == out_pipe[0] ? out_open : err_open) = false;
        }
      }
    }
  }
  if (in_fd >= 0) close(in_fd);
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  char rss[32] = {};
  const ssize_t n = read(rss_pipe[0], rss, sizeof rss - 1);
  close(rss_pipe[0]);
  result.max_rss_kib = n > 0 ? std::atol(rss) : 0;
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

ProcessResult run_cli(const TempDir& home, std::vector<std::string> args,
                      const std::vector<std::string>& env) {
  args.insert(args.begin(), LINKSNAP_CLI_BIN);
  std::vector<std::string> full_env = env;
  full_env.push_back("LINKSNAP_HOME=" + home.str());
  const bool zone_given = std::any_of(env.begin(), env.end(), [](const std::string& e) { return e.rfind("TZ=", 0) == 0; });
  if (!zone_given) full_env.push_back("TZ=UTC");
  return run_process(args, full_env);
}

nlohmann::json run_cli_json(const TempDir& home, std::vector<std::string> args,
                            const std::vector<std::string>& env) {
  args.push_back("--json");
  const ProcessResult r = run_cli(home, std::move(args), env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.out;
  return j;
}

pid_t spawn_cli(const TempDir& home, const std::vector<std::string>& args) {
  std::vector<std::string> argv{LINKSNAP_CLI_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> c_argv;
  for (auto& a : argv) c_argv.push_back(a.data());
  c_argv.push_back(nullptr);
  std::string home_env = "LINKSNAP_HOME=" + home.str();
  std::vector<char*> c_env{home_env.data(), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, c_argv[0], &actions, nullptr, c_argv.data(), c_env.data());
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

}  // namespace linksnap::testing
