#include "frontend/shell/session.h"

#include <chrono>
#include <fstream>
#include <sstream>

#include "frontend/binder/type_rules.h"
#include "frontend/parser/parser.h"

namespace ibex::sql {
namespace {

using K = ast::StatementKind;

constexpr const char* kPrompt = "ibex> ";
constexpr const char* kContinuationPrompt = "  ...> ";
constexpr int kMaxIncludeDepth = 16;

constexpr const char* kHelp =
    "Statements end with ';' and may span lines. Meta-commands:\n"
    "  \\q                    quit\n"
    "  \\?                    this help\n"
    "  \\d                    list tables and views\n"
    "  \\d NAME               describe a table or view\n"
    "  \\timing [on|off]      print each statement's time\n"
    "  \\i FILE               run the statements of FILE\n"
    "  \\o [FILE]             send results to FILE (no FILE: back to the terminal)\n"
    "  \\format table|csv|json  result format\n"
    "  \\ranks                ranks, roles, bindings and state\n"
    "Ctrl-C cancels the running statement (or the one being typed).\n";

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

bool Blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

storage::Value Text(std::string s) { return storage::Value::String(std::move(s)); }

}  // namespace

Session::Session(SessionSettings settings, StatementRunner& runner, storage::Catalog& catalog,
                 std::FILE* out, std::FILE* err, bool terminal, InterruptScope& interrupts)
    : settings_(settings),
      runner_(runner),
      catalog_(catalog),
      default_out_(out),
      out_(out),
      err_(err),
      terminal_(terminal),
      interrupts_(interrupts) {}

Session::~Session() {
  if (out_ != default_out_) std::fclose(out_);
}

void Session::ReportError(const std::string& message) {
  std::fflush(out_);
  std::fprintf(err_, "%s\n", message.c_str());
  std::fflush(err_);
  failed_ = true;
}

void Session::Emit(const Status& status) {
  if (!status.ok()) ReportError("ERROR: " + status.message());
}

void Session::ReportSqlError(std::string_view text, const SqlError& error, size_t first_line) {
  ReportError(FormatSqlError(text, error, first_line));
}

std::unique_ptr<ResultSink> Session::Printer() {
  return MakePrinter(settings_.format, out_, terminal_ && out_ == default_out_);
}

Session::Flow Session::RunReader(LineReader& reader, bool interactive) {
  bool saved_interactive = interactive_;
  interactive_ = interactive;
  struct Restore {
    bool& flag;
    bool value;
    ~Restore() { flag = value; }
  } restore{interactive_, saved_interactive};
  bool stop = settings_.stop_on_error && !interactive;
  LineReader* history = interactive ? &reader : nullptr;

  std::string buffer;
  size_t first_line = 1;
  size_t line_number = 0;
  for (;;) {
    std::string line;
    bool blank = Blank(buffer);
    LineReader::ReadResult r = reader.Read(blank ? kPrompt : kContinuationPrompt, &line);
    if (r == LineReader::ReadResult::kInterrupted) {
      buffer.clear();
      if (interactive) continue;
      ReportError("ERROR: interrupted");
      return Flow::kQuit;
    }
    if (r == LineReader::ReadResult::kEof) {
      if (!blank && !RunComplete(&buffer, &first_line, true, history) && stop) return Flow::kQuit;
      return Flow::kContinue;
    }
    ++line_number;
    if (blank) {
      buffer.clear();
      // Interactive errors count lines from the statement's start; batch ones from the file's.
      first_line = interactive ? 1 : line_number;
      std::string trimmed = Trim(line);
      if (!trimmed.empty() && trimmed[0] == '\\') {
        if (history) history->AddHistory(trimmed);
        bool failed_before = failed_;
        failed_ = false;
        Flow flow = MetaCommand(trimmed);
        bool meta_failed = failed_;
        failed_ = failed_before || meta_failed;
        if (flow == Flow::kQuit || (meta_failed && stop)) return Flow::kQuit;
        continue;
      }
    }
    buffer += line;
    buffer += '\n';
    if (!RunComplete(&buffer, &first_line, false, history) && stop) return Flow::kQuit;
    if (interactive) first_line = 1;
  }
}

Session::Flow Session::RunText(std::string_view text) {
  std::string trimmed = Trim(text);
  if (!trimmed.empty() && trimmed[0] == '\\') return MetaCommand(trimmed);
  std::string buffer(text);
  buffer += '\n';
  size_t first_line = 1;
  bool ok = RunComplete(&buffer, &first_line, true, nullptr);
  return !ok && settings_.stop_on_error ? Flow::kQuit : Flow::kContinue;
}

bool Session::RunComplete(std::string* buffer, size_t* first_line, bool at_end,
                          LineReader* history) {
  bool stop = settings_.stop_on_error && !interactive_;
  auto tokens = Tokenize(*buffer);
  if (!tokens.ok()) {
    if (!at_end && IsIncompleteInput(tokens.error())) return true;  // read on
    if (history) history->AddHistory(Trim(*buffer));
    ReportSqlError(*buffer, tokens.error(), *first_line);
    buffer->clear();
    return false;
  }
  const std::vector<Token>& toks = tokens.value();
  SplitResult split = SplitStatements(toks);
  if (at_end && split.trailing_incomplete) {
    split.statements.push_back(split.trailing);
    split.trailing_incomplete = false;
  }
  if (split.statements.empty()) {
    if (!split.trailing_incomplete) buffer->clear();  // only comments and blanks
    return true;
  }
  if (history)
    history->AddHistory(
        Trim(std::string_view(*buffer).substr(0, toks[split.statements.back().last].end)));
  bool ok = true;
  for (StatementRange range : split.statements) {
    if (!RunStatement(*buffer, toks, range, *first_line)) {
      ok = false;
      if (stop) break;
    }
  }
  if (split.trailing_incomplete && (ok || !stop)) {
    // Keep the unfinished statement, at its line and column.
    size_t start = toks[split.trailing.first].begin;
    size_t line_start = start == 0 ? std::string::npos : buffer->rfind('\n', start - 1);
    line_start = line_start == std::string::npos ? 0 : line_start + 1;
    for (size_t i = 0; i < line_start; ++i) *first_line += (*buffer)[i] == '\n';
    *buffer = std::string(start - line_start, ' ') + buffer->substr(start);
  } else {
    buffer->clear();
  }
  return ok;
}

bool Session::RunStatement(const std::string& text, const std::vector<Token>& tokens,
                           StatementRange range, size_t first_line) {
  auto start = std::chrono::steady_clock::now();
  bool failed_before = failed_;
  failed_ = false;
  auto parsed = ParseStatement(text, tokens, range);
  if (!parsed.ok()) {
    ReportSqlError(text, parsed.error(), first_line);
  } else {
    auto bound = Bind(text, parsed.value(), catalog_);
    if (!bound.ok()) {
      ReportSqlError(text, bound.error(), first_line);
    } else {
      Dispatch(bound.value(), first_line);
    }
  }
  if (settings_.timing) {
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(out_, "Time: %.3f ms\n", ms);
  }
  std::fflush(out_);
  bool ok = !failed_;
  failed_ = failed_before || failed_;
  return ok;
}

bool Session::Dispatch(BoundStatement& bound, size_t first_line) {
  const ast::Statement& s = *bound.ast;
  auto printer = Printer();
  auto sql_error = [&](const std::string& message, uint32_t at) {
    ReportSqlError(bound.text, SqlError{message, at, ""}, first_line);
    return false;
  };
  switch (s.kind) {
    case K::kCreateTable:
    case K::kDropTable:
    case K::kCreateView:
    case K::kDropView: {
      auto applied = ApplyCatalogStatement(bound, catalog_);
      if (!applied.ok()) {
        ReportSqlError(bound.text, applied.error(), first_line);
        return false;
      }
      Status st = runner_.CatalogChanged(catalog_);
      if (!st.ok()) {
        ReportError("ERROR: " + st.message());
        return false;
      }
      Emit(printer->Message(StatementKindName(s.kind)));
      return true;
    }
    case K::kCreateTableAs: {
      if (s.if_not_exists && catalog_.FindTable(s.name.name) != nullptr) {
        Emit(
            printer->Message("CREATE TABLE AS: table " + Quoted(s.name.name) + " exists, skipped"));
        return true;
      }
      auto created = ApplyCatalogStatement(bound, catalog_);
      if (!created.ok()) {
        ReportSqlError(bound.text, created.error(), first_line);
        return false;
      }
      Status st = runner_.CatalogChanged(catalog_);
      if (st.ok() && RunOnRunner(bound, *printer, first_line)) return true;
      // Not filled: the table goes again, so that the statement had no effect.
      Status dropped = catalog_.DropTable(s.name.name);
      Status told = runner_.CatalogChanged(catalog_);
      if (!st.ok()) ReportError("ERROR: " + st.message());
      if (!dropped.ok()) ReportError("ERROR: " + dropped.message());
      if (!told.ok()) ReportError("ERROR: " + told.message());
      return false;
    }
    case K::kSet: {
      const ast::Expr& v = *s.args[0];
      const std::string name = storage::ToLowerAscii(s.name.name);
      const std::string value = v.kind == ast::ExprKind::kColumnRef ? v.name : v.text;
      Status st = runner_.SettingChanged(name, value);
      if (!st.ok()) return sql_error(st.message(), s.span.begin);
      variables_[name] = value;
      Emit(printer->Message("SET"));
      return true;
    }
    case K::kShow: {
      std::string name = storage::ToLowerAscii(s.name.name);
      if (name == "tables") {
        DescribeAll();
        return true;
      }
      auto it = variables_.find(name);
      if (it == variables_.end())
        return sql_error("unrecognized setting " + Quoted(s.name.name), s.name.span.begin);
      Emit(printer->Begin({{s.name.name, SqlType::Varchar()}}));
      Emit(printer->Row({Text(it->second)}));
      Emit(printer->End());
      return true;
    }
    case K::kPrepare: {
      std::string name = storage::ToLowerAscii(s.name.name);
      if (prepared_.count(name)) {
        return sql_error("prepared statement " + Quoted(s.name.name) + " already exists",
                         s.name.span.begin);
      }
      auto inner = Bind(bound.text, s.inner, catalog_);
      if (!inner.ok()) {
        ReportSqlError(bound.text, inner.error(), first_line);
        return false;
      }
      prepared_[name] = std::make_shared<BoundStatement>(std::move(inner).value());
      Emit(printer->Message("PREPARE"));
      return true;
    }
    case K::kDeallocate: {
      if (prepared_.erase(storage::ToLowerAscii(s.name.name)) == 0) {
        return sql_error("unknown prepared statement " + Quoted(s.name.name), s.name.span.begin);
      }
      Emit(printer->Message("DEALLOCATE"));
      return true;
    }
    case K::kExecute: {
      auto it = prepared_.find(storage::ToLowerAscii(s.name.name));
      if (it == prepared_.end()) {
        return sql_error("unknown prepared statement " + Quoted(s.name.name), s.name.span.begin);
      }
      if (static_cast<int>(s.args.size()) != it->second->param_count) {
        return sql_error("prepared statement " + Quoted(s.name.name) + " takes " +
                             std::to_string(it->second->param_count) + " parameters, not " +
                             std::to_string(s.args.size()),
                         s.name.span.begin);
      }
      bound.prepared = it->second;
      break;
    }
    default:
      break;
  }
  return RunOnRunner(bound, *printer, first_line);
}

bool Session::RunOnRunner(const BoundStatement& bound, ResultSink& sink, size_t first_line) {
  cancel_.Reset();
  interrupts_.SetToken(&cancel_);
  Status st = runner_.Execute(bound, sink, cancel_);
  interrupts_.SetToken(nullptr);
  // A Ctrl-C during the statement was for the statement: it must not also discard the next
  // input line (the line reader would see it still pending).
  if (interactive_) interrupts_.Consume();
  if (st.ok()) return true;
  if (st.code() == StatusCode::kCancelled || cancel_.cancelled()) {
    ReportError("ERROR: canceling statement due to user request");
  } else if (st.message().rfind("ERROR: ", 0) == 0) {
    ReportError(st.message());
  } else if (st.code() == StatusCode::kNotSupported) {
    ReportSqlError(bound.text, SqlError{st.message(), bound.ast->span.begin, "", true}, first_line);
  } else {
    ReportError("ERROR: " + st.message());
  }
  return false;
}

Session::Flow Session::MetaCommand(const std::string& line) {
  std::istringstream in(line);
  std::string command, arg, extra;
  in >> command >> arg >> extra;
  if (command == "\\q" || command == "\\quit") return Flow::kQuit;
  if (command == "\\?" || command == "\\help") {
    std::fputs(kHelp, out_);
  } else if (command == "\\d") {
    if (arg.empty()) {
      DescribeAll();
    } else {
      Describe(arg);
    }
  } else if (command == "\\timing") {
    if (arg.empty()) {
      settings_.timing = !settings_.timing;
    } else if (arg == "on" || arg == "off") {
      settings_.timing = arg == "on";
    } else {
      ReportError("ERROR: \\timing takes on or off");
      return Flow::kContinue;
    }
    std::fprintf(out_, "Timing is %s.\n", settings_.timing ? "on" : "off");
  } else if (command == "\\format") {
    if (!ParseOutputFormat(arg, &settings_.format))
      ReportError("ERROR: \\format takes table, csv or json");
  } else if (command == "\\o") {
    if (out_ != default_out_) std::fclose(out_);
    out_ = default_out_;
    if (!arg.empty()) {
      std::FILE* f = std::fopen(arg.c_str(), "w");
      if (f == nullptr) {
        ReportError("ERROR: " + Status::FromErrno("open", arg, errno).message());
      } else {
        out_ = f;
      }
    }
  } else if (command == "\\i") {
    if (arg.empty()) {
      ReportError("ERROR: \\i needs a file name");
    } else if (include_depth_ >= kMaxIncludeDepth) {
      ReportError("ERROR: \\i nested more than " + std::to_string(kMaxIncludeDepth) + " deep");
    } else {
      std::FILE* f = std::fopen(arg.c_str(), "r");
      if (f == nullptr) {
        ReportError("ERROR: " + Status::FromErrno("open", arg, errno).message());
      } else {
        ++include_depth_;
        auto reader = MakeStreamReader(f, interrupts_);
        Flow flow = RunReader(*reader, false);
        --include_depth_;
        std::fclose(f);
        // \q inside the file ends the file only when interactive.
        if (flow == Flow::kQuit && !interactive_) return Flow::kQuit;
      }
    }
  } else if (command == "\\ranks") {
    std::fputs(runner_.DescribeRanks().c_str(), out_);
  } else {
    ReportError("ERROR: unknown meta-command " + command + " (\\? lists them)");
  }
  std::fflush(out_);
  return Flow::kContinue;
}

void Session::DescribeAll() {
  auto printer = Printer();
  Emit(printer->Begin({{"name", SqlType::Varchar()},
                       {"kind", SqlType::Varchar()},
                       {"columns", SqlType::Integer()},
                       {"distribution", SqlType::Varchar()}}));
  for (const std::string& name : catalog_.TableNames()) {
    const storage::Table* t = catalog_.FindTable(name);
    Emit(printer->Row({Text(t->def.name), Text("table"),
                       storage::Value::Integer(static_cast<int32_t>(t->def.columns.size())),
                       Text(t->def.DistributionString())}));
  }
  for (const std::string& name : catalog_.ViewNames()) {
    const storage::ViewDef* v = catalog_.FindView(name);
    Emit(printer->Row({Text(v->name), Text("view"),
                       storage::Value::Integer(static_cast<int32_t>(v->column_names.size())),
                       Text("")}));
  }
  Emit(printer->End());
}

void Session::Describe(const std::string& name) {
  auto printer = Printer();
  if (const storage::Table* t = catalog_.FindTable(name)) {
    Emit(printer->Begin({{"column", SqlType::Varchar()},
                         {"type", SqlType::Varchar()},
                         {"nullable", SqlType::Varchar()}}));
    for (const auto& c : t->def.columns) {
      Emit(printer->Row(
          {Text(c.name), Text(c.type.ToString()), Text(c.not_null ? "not null" : "")}));
    }
    Emit(printer->End());
    Emit(printer->Message("Distribution: " + t->def.DistributionString()));
    if (!t->def.sort_key.empty()) {
      std::string key;
      for (int i : t->def.sort_key) key += (key.empty() ? "" : ", ") + t->def.columns[i].name;
      Emit(printer->Message("Sort key: (" + key + ")"));
    }
    Emit(printer->Message("Rows: " + std::to_string(t->stats.row_count)));
    return;
  }
  if (const storage::ViewDef* v = catalog_.FindView(name)) {
    Emit(printer->Begin({{"column", SqlType::Varchar()}}));
    for (const auto& c : v->column_names) Emit(printer->Row({Text(c)}));
    Emit(printer->End());
    Emit(printer->Message("View definition: " + v->sql));
    return;
  }
  ReportError("ERROR: unknown table or view " + Quoted(name));
}

}  // namespace ibex::sql
