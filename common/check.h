// Internal-invariant checks. A failed check is a bug in ibex, not a user or environment error:
// it prints the condition, both operand values where there are two, file and line, and aborts.
// User and environment errors are Status values (common/status.h), never checks.
//
//   IBEX_CHECK(cond) << "optional context";
//   IBEX_CHECK_EQ(a, b);  IBEX_CHECK_LT(a, b); ...
//
// Checks stay on in Release builds: they guard against wrong answers, which cost more than
// the branch.
#pragma once

#include <sstream>
#include <string>

namespace ibex::internal {

// Collects the message of a failing check and aborts in its destructor.
class CheckFailure {
 public:
  CheckFailure(const char* file, int line, const std::string& what);
  [[noreturn]] ~CheckFailure();
  CheckFailure(const CheckFailure&) = delete;
  CheckFailure& operator=(const CheckFailure&) = delete;

  std::ostream& stream() { return stream_; }

 private:
  std::ostringstream stream_;
};

template <typename A, typename B>
std::string FormatOperands(const char* expr, const A& a, const B& b) {
  std::ostringstream out;
  out << expr << " (" << a << " vs. " << b << ")";
  return out.str();
}

// Makes the macro a single statement that accepts `<< context` only on failure.
struct Voidify {
  void operator&(std::ostream&) {}
};

}  // namespace ibex::internal

#define IBEX_CHECK(cond)                                     \
  (cond) ? (void)0                                           \
         : ::ibex::internal::Voidify() &                     \
               ::ibex::internal::CheckFailure(__FILE__, __LINE__, "Check failed: " #cond).stream()

#define IBEX_CHECK_OP(op, a, b)                                                                 \
  ((a)op(b)) ? (void)0                                                                          \
             : ::ibex::internal::Voidify() &                                                    \
                   ::ibex::internal::CheckFailure(                                              \
                       __FILE__, __LINE__,                                                      \
                       ::ibex::internal::FormatOperands("Check failed: " #a " " #op " " #b, (a), \
                                                        (b)))                                   \
                       .stream()

#define IBEX_CHECK_EQ(a, b) IBEX_CHECK_OP(==, a, b)
#define IBEX_CHECK_NE(a, b) IBEX_CHECK_OP(!=, a, b)
#define IBEX_CHECK_LT(a, b) IBEX_CHECK_OP(<, a, b)
#define IBEX_CHECK_LE(a, b) IBEX_CHECK_OP(<=, a, b)
#define IBEX_CHECK_GT(a, b) IBEX_CHECK_OP(>, a, b)
#define IBEX_CHECK_GE(a, b) IBEX_CHECK_OP(>=, a, b)
