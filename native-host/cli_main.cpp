// `linksnap`: the command line front end. All logic is in linksnap_core (cli/app.cpp).
#include <signal.h>
#include <sys/stat.h>

#include <iostream>

#include "cli/app.h"

int main(int argc, char** argv) {
  ::umask(077);  // every file LinkSnap creates is private to the user
  // A file-size limit (ulimit -f) then fails a write with EFBIG, reported like a full disk,
  // instead of killing the process halfway through a save.
  ::signal(SIGXFSZ, SIG_IGN);
  return linksnap::cli::run(argc, argv, std::cout, std::cerr);
}
