// The identity of an exchange: (query id, exchange id within the query). Plain value.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace ibex::net {

struct ExchangeKey {
  uint64_t query = 0;
  uint32_t exchange = 0;

  auto operator<=>(const ExchangeKey&) const = default;
  std::string ToString() const {
    return "exchange " + std::to_string(query) + "/" + std::to_string(exchange);
  }
};

}  // namespace ibex::net
