#include "frontend/parser/tokenizer.h"

#include <cctype>

namespace ibex::sql {
namespace {

constexpr std::string_view kUnterminatedString = "unterminated string";
constexpr std::string_view kUnterminatedIdent = "unterminated quoted identifier";
constexpr std::string_view kUnterminatedComment = "unterminated comment";

bool IsWordStart(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool IsWordChar(unsigned char c) { return std::isalnum(c) || c == '_' || c == '$' || c >= 0x80; }

}  // namespace

bool IsIncompleteInput(const SqlError& error) {
  return error.message == kUnterminatedString || error.message == kUnterminatedIdent ||
         error.message == kUnterminatedComment;
}

SqlResult<std::vector<Token>> Tokenize(std::string_view text) {
  std::vector<Token> out;
  const size_t n = text.size();
  size_t i = 0;
  auto push = [&](TokenKind kind, size_t begin, size_t end, std::string tok_text) {
    out.push_back(Token{kind, static_cast<uint32_t>(begin), static_cast<uint32_t>(end),
                        std::move(tok_text)});
  };
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (std::isspace(c)) {
      ++i;
      continue;
    }
    if (c == '-' && i + 1 < n && text[i + 1] == '-') {
      while (i < n && text[i] != '\n') ++i;
      continue;
    }
    if (c == '/' && i + 1 < n && text[i + 1] == '*') {
      size_t start = i;
      int depth = 0;
      while (i < n) {
        if (text[i] == '/' && i + 1 < n && text[i + 1] == '*') {
          ++depth;
          i += 2;
        } else if (text[i] == '*' && i + 1 < n && text[i + 1] == '/') {
          --depth;
          i += 2;
          if (depth == 0) break;
        } else {
          ++i;
        }
      }
      if (depth != 0) return SqlError{std::string(kUnterminatedComment), start, ""};
      continue;
    }
    size_t start = i;
    bool escape_string = (c == 'e' || c == 'E') && i + 1 < n && text[i + 1] == '\'';
    if (c == '\'' || escape_string) {
      if (escape_string) ++i;
      ++i;  // opening quote
      std::string value;
      bool closed = false;
      while (i < n) {
        char ch = text[i];
        if (ch == '\'') {
          if (i + 1 < n && text[i + 1] == '\'') {
            value += '\'';
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        if (escape_string && ch == '\\' && i + 1 < n) {
          char e = text[i + 1];
          switch (e) {
            case 'n': value += '\n'; break;
            case 't': value += '\t'; break;
            case 'r': value += '\r'; break;
            case 'b': value += '\b'; break;
            case 'f': value += '\f'; break;
            case '0': value += '\0'; break;
            default: value += e; break;
          }
          i += 2;
          continue;
        }
        value += ch;
        ++i;
      }
      if (!closed) return SqlError{std::string(kUnterminatedString), start, ""};
      push(TokenKind::kString, start, i, std::move(value));
      continue;
    }
    if (c == '"') {
      ++i;
      std::string value;
      bool closed = false;
      while (i < n) {
        if (text[i] == '"') {
          if (i + 1 < n && text[i + 1] == '"') {
            value += '"';
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        value += text[i++];
      }
      if (!closed) return SqlError{std::string(kUnterminatedIdent), start, ""};
      if (value.empty()) return SqlError{"zero-length quoted identifier", start, ""};
      push(TokenKind::kQuotedIdent, start, i, std::move(value));
      continue;
    }
    if (IsWordStart(c)) {
      std::string word;
      while (i < n && IsWordChar(static_cast<unsigned char>(text[i]))) {
        word += static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
        ++i;
      }
      push(TokenKind::kWord, start, i, std::move(word));
      continue;
    }
    if (std::isdigit(c) || (c == '.' && i + 1 < n && std::isdigit(static_cast<unsigned char>(text[i + 1])))) {
      while (i < n && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
      if (i < n && text[i] == '.') {
        ++i;
        while (i < n && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
      }
      if (i < n && (text[i] == 'e' || text[i] == 'E')) {
        size_t j = i + 1;
        if (j < n && (text[j] == '+' || text[j] == '-')) ++j;
        if (j < n && std::isdigit(static_cast<unsigned char>(text[j]))) {
          i = j;
          while (i < n && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
        }
      }
      if (i < n && IsWordStart(static_cast<unsigned char>(text[i]))) {
        return SqlError{"invalid number", start, "separate the number from the word after it"};
      }
      push(TokenKind::kNumber, start, i, std::string(text.substr(start, i - start)));
      continue;
    }
    if (c == '$') {
      ++i;
      while (i < n && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
      if (i == start + 1) return SqlError{"expected a parameter number after \"$\"", start, ""};
      push(TokenKind::kParam, start, i, std::string(text.substr(start + 1, i - start - 1)));
      continue;
    }
    std::string_view two = text.substr(i, 2);
    if (two == "<>" || two == "!=" || two == "<=" || two == ">=" || two == "||") {
      push(TokenKind::kOp, start, i + 2, two == "!=" ? "<>" : std::string(two));
      i += 2;
      continue;
    }
    if (std::string_view("(),;.+-*/%=<>").find(static_cast<char>(c)) != std::string_view::npos) {
      push(TokenKind::kOp, start, i + 1, std::string(1, static_cast<char>(c)));
      ++i;
      continue;
    }
    std::string shown = std::isprint(c) ? std::string(1, static_cast<char>(c))
                                        : "\\x" + std::to_string(static_cast<int>(c));
    return SqlError{"unexpected character \"" + shown + "\"", start, ""};
  }
  push(TokenKind::kEnd, n, n, "");
  return out;
}

SplitResult SplitStatements(const std::vector<Token>& tokens) {
  SplitResult result;
  size_t first = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    bool end = t.kind == TokenKind::kEnd;
    if (end || (t.kind == TokenKind::kOp && t.text == ";")) {
      if (i > first) {
        if (end) {
          result.trailing_incomplete = true;
          result.trailing = {first, i};
        } else {
          result.statements.push_back({first, i});
        }
      }
      first = i + 1;
    }
  }
  return result;
}

}  // namespace ibex::sql
