// Where the shell's lines come from: a stream (a -f file, stdin that is not a terminal) or an
// interactive terminal with readline line editing and a history file. The interactive reader
// uses readline's callback interface and polls the terminal beside the InterruptScope's wake
// pipe, so that Ctrl-C at the prompt drops the line being typed and returns kInterrupted.
// Readline is process-global: at most one interactive reader at a time, on the shell's thread.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "frontend/shell/interrupt.h"

namespace ibex::sql {

class LineReader {
 public:
  enum class ReadResult { kLine, kEof, kInterrupted };
  virtual ~LineReader() = default;
  // One line without its newline. `prompt` is shown by interactive readers only.
  virtual ReadResult Read(const std::string& prompt, std::string* line) = 0;
  // Records a complete statement or meta-command in the history (interactive readers).
  virtual void AddHistory(const std::string& entry) { (void)entry; }
};

// Reads `in` (not owned) line by line.
std::unique_ptr<LineReader> MakeStreamReader(std::FILE* in, InterruptScope& interrupts);

// Reads the terminal `in`/`out` (not owned) with readline; history is loaded from and appended
// to `history_file` ("" = no history file).
std::unique_ptr<LineReader> MakeReadlineReader(std::FILE* in, std::FILE* out, const std::string& history_file,
                                               InterruptScope& interrupts);

}  // namespace ibex::sql
