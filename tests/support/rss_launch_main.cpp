// linksnap-rss-launch FD PROGRAM [ARG...]: runs PROGRAM and writes its peak resident memory
// (KiB, from wait4) to file descriptor FD, then exits as PROGRAM did.
//
// Why a launcher: at exec the kernel folds the memory being replaced into the process's
// ru_maxrss. A child spawned straight from a test process that has grown to 200 MiB reports
// those 200 MiB as its own peak, whatever it used. Forked from this small process, PROGRAM
// reports only its own (what /usr/bin/time does too).
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: linksnap-rss-launch FD PROGRAM [ARG...]\n");
    return 127;
  }
  const int report_fd = std::atoi(argv[1]);
  const pid_t pid = fork();
  if (pid < 0) {
    std::perror("linksnap-rss-launch: fork");
    return 127;
  }
  if (pid == 0) {
    close(report_fd);
    execv(argv[2], argv + 2);
    std::perror("linksnap-rss-launch: exec");
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  while (wait4(pid, &status, 0, &usage) < 0) {
  }
  dprintf(report_fd, "%ld", usage.ru_maxrss);
  close(report_fd);
  if (WIFSIGNALED(status)) {  // end the same way, so the caller sees the signal
    signal(WTERMSIG(status), SIG_DFL);
    const rlimit no_core{0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    raise(WTERMSIG(status));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 127;
}
