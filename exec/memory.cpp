#include "exec/memory.h"

#include <cctype>
#include <cstdio>

namespace ibex::exec {

Status MemoryTracker::Reserve(int64_t bytes, std::string_view who) {
  const int64_t now = used_.fetch_add(bytes, std::memory_order_relaxed) + bytes;
  if (limit_ > 0 && now > limit_) {
    used_.fetch_sub(bytes, std::memory_order_relaxed);
    return Status::OutOfMemory("memory limit of " + FormatBytes(limit_) + " exceeded by " +
                               std::string(who) + " (wanted " + FormatBytes(bytes) +
                               " more, query holds " + FormatBytes(now - bytes) + ")");
  }
  int64_t peak = peak_.load(std::memory_order_relaxed);
  while (now > peak && !peak_.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
  return Status::OK();
}

Status MemoryReservation::ResizeTo(int64_t total) {
  if (tracker_ == nullptr || total <= bytes_) return Status::OK();
  IBEX_RETURN_IF_ERROR(tracker_->Reserve(total - bytes_, who_));
  bytes_ = total;
  return Status::OK();
}

std::string FormatBytes(int64_t bytes) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), u == 0 ? "%.0f %s" : "%.1f %s", v, kUnits[u]);
  return buf;
}

Result<int64_t> ParseMemorySize(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && text[i] == ' ') ++i;
  double number = 0;
  size_t digits = 0;
  double frac = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    number = number * 10 + (text[i++] - '0');
    ++digits;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    double scale = 0.1;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      frac += (text[i++] - '0') * scale;
      scale /= 10;
      ++digits;
    }
  }
  if (digits == 0) return Status::InvalidArgument("invalid memory size '" + std::string(text) + "'");
  number += frac;
  while (i < text.size() && text[i] == ' ') ++i;
  std::string unit;
  for (; i < text.size(); ++i) {
    if (text[i] != ' ') unit += static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
  }
  double mult = 1;
  if (unit.empty() || unit == "b") {
    mult = 1;
  } else if (unit == "kb" || unit == "k") {
    mult = 1e3;
  } else if (unit == "mb" || unit == "m") {
    mult = 1e6;
  } else if (unit == "gb" || unit == "g") {
    mult = 1e9;
  } else if (unit == "tb" || unit == "t") {
    mult = 1e12;
  } else if (unit == "kib") {
    mult = 1024.0;
  } else if (unit == "mib") {
    mult = 1024.0 * 1024;
  } else if (unit == "gib") {
    mult = 1024.0 * 1024 * 1024;
  } else if (unit == "tib") {
    mult = 1024.0 * 1024 * 1024 * 1024;
  } else {
    return Status::InvalidArgument("invalid memory size unit '" + unit + "'");
  }
  return static_cast<int64_t>(number * mult);
}

}  // namespace ibex::exec
