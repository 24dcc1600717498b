// The `linksnap` command line: parses arguments into a command name and JSON arguments, runs
// the same command the native host runs, and prints the result (a table, or --json).
#pragma once

#include <iosfwd>

namespace linksnap::cli {

// Returns the process exit code: 0 success, 1 the command failed, 2 bad usage.
int run(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace linksnap::cli
