#include "frontend/shell/line_reader.h"

#include <poll.h>
#include <readline/history.h>
#include <readline/readline.h>

#include <cerrno>
#include <cstdlib>

namespace ibex::sql {
namespace {

class StreamReader : public LineReader {
 public:
  StreamReader(std::FILE* in, InterruptScope& interrupts) : in_(in), interrupts_(interrupts) {}
  ~StreamReader() override { std::free(buffer_); }

  ReadResult Read(const std::string& prompt, std::string* line) override {
    (void)prompt;
    errno = 0;
    ssize_t n = getline(&buffer_, &capacity_, in_);
    if (n < 0) {
      bool interrupted = errno == EINTR || interrupts_.Consume();
      std::clearerr(in_);
      return interrupted ? ReadResult::kInterrupted : ReadResult::kEof;
    }
    line->assign(buffer_, static_cast<size_t>(n));
    if (!line->empty() && line->back() == '\n') line->pop_back();
    if (!line->empty() && line->back() == '\r') line->pop_back();
    return ReadResult::kLine;
  }

 private:
  std::FILE* in_;
  InterruptScope& interrupts_;
  char* buffer_ = nullptr;
  size_t capacity_ = 0;
};

class ReadlineReader;
ReadlineReader* g_reader = nullptr;  // readline's callback has no user data

class ReadlineReader : public LineReader {
 public:
  ReadlineReader(std::FILE* in, std::FILE* out, std::string history_file, InterruptScope& interrupts)
      : in_(in), out_(out), history_file_(std::move(history_file)), interrupts_(interrupts) {
    g_reader = this;
    rl_instream = in_;
    rl_outstream = out_;
    rl_catch_signals = 0;  // SIGINT is the InterruptScope's
    rl_catch_sigwinch = 1;
    rl_readline_name = "ibex";
    using_history();
    if (!history_file_.empty()) read_history(history_file_.c_str());
  }
  ~ReadlineReader() override {
    if (installed_) rl_callback_handler_remove();
    g_reader = nullptr;
  }

  ReadResult Read(const std::string& prompt, std::string* line) override {
    done_ = false;
    eof_ = false;
    rl_callback_handler_install(prompt.c_str(), &ReadlineReader::OnLine);
    installed_ = true;
    while (!done_) {
      pollfd fds[2] = {{fileno(in_), POLLIN, 0}, {interrupts_.wake_fd(), POLLIN, 0}};
      int n = poll(fds, 2, -1);
      if (n < 0 && errno != EINTR) {
        eof_ = true;
        break;
      }
      if (interrupts_.Consume()) {
        // Drop what was typed, show ^C, and hand back to the shell (which clears its buffer).
        rl_free_line_state();
        rl_callback_sigcleanup();
        rl_callback_handler_remove();
        installed_ = false;
        std::fputs("^C\n", out_);
        std::fflush(out_);
        return ReadResult::kInterrupted;
      }
      if (n > 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) rl_callback_read_char();
    }
    if (installed_) {
      rl_callback_handler_remove();
      installed_ = false;
    }
    if (eof_) {
      std::fputs("\n", out_);
      std::fflush(out_);
      return ReadResult::kEof;
    }
    *line = std::move(line_);
    return ReadResult::kLine;
  }

  void AddHistory(const std::string& entry) override {
    if (entry.empty()) return;
    add_history(entry.c_str());
    if (!history_file_.empty()) {
      // Append as we go, so that a killed job keeps its history; create the file first.
      if (append_history(1, history_file_.c_str()) != 0) write_history(history_file_.c_str());
    }
  }

 private:
  static void OnLine(char* text) {
    ReadlineReader* self = g_reader;
    self->done_ = true;
    if (text == nullptr) {
      self->eof_ = true;
    } else {
      self->line_ = text;
      std::free(text);
    }
    // Stop readline from prompting again before the shell decides what comes next.
    rl_callback_handler_remove();
    self->installed_ = false;
  }

  std::FILE* in_;
  std::FILE* out_;
  std::string history_file_;
  InterruptScope& interrupts_;
  bool installed_ = false;
  bool done_ = false;
  bool eof_ = false;
  std::string line_;
};

}  // namespace

std::unique_ptr<LineReader> MakeStreamReader(std::FILE* in, InterruptScope& interrupts) {
  return std::make_unique<StreamReader>(in, interrupts);
}

std::unique_ptr<LineReader> MakeReadlineReader(std::FILE* in, std::FILE* out, const std::string& history_file,
                                               InterruptScope& interrupts) {
  return std::make_unique<ReadlineReader>(in, out, history_file, interrupts);
}

}  // namespace ibex::sql
