// Time is an input: the store asks a Clock, so tests can pin it.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace linksnap {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point now() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::now();
  }
};

// "2026-11-27T16:04:05.123Z": what the database stores (UTC, sorts as text).
std::string format_utc(std::chrono::system_clock::time_point t);
// Parses format_utc's output (milliseconds optional); false if s is not in that form.
bool parse_utc(std::string_view s, std::chrono::system_clock::time_point& out);
// "2026-11-27 17:04" in the process's local time zone (TZ honoured): what people read.
std::string format_local(std::string_view utc_iso);

}  // namespace linksnap
