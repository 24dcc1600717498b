// `linksnap`: the command line front end. All logic is in linksnap_core (cli/app.cpp).
#include <sys/stat.h>

#include <iostream>

#include "cli/app.h"

int main(int argc, char** argv) {
  ::umask(077);  // every file LinkSnap creates is private to the user
  return linksnap::cli::run(argc, argv, std::cout, std::cerr);
}
