// What carries an endpoint's traffic, read from `ucp_ep_print_info`. UCX 1.13's ucp_ep_query
// does not return transports, so the fabric prints each endpoint's configuration into a
// memory stream and parses the lane table:
//
//   #                 lane[1]:  4:cma/memory.0 md[3]    -> md[3]/cma/sysdev[255] rma_bw#0
//
// gives lane 1 = transport "cma", device "memory", uses {rma_bw}. Parsing is pure and
// unit-tested on captured samples (tests/unit/net/testdata).
//
// Thread safety: plain values and pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace ibex::net {

struct TransportLane {
  int index = 0;
  std::string transport;         // "posix", "cma", "tcp", "rc_mlx5", "self", ...
  std::string device;            // "memory", "lo", "mlx5_0:1", ...
  std::vector<std::string> uses;  // "am", "am_bw#0", "rma_bw#0", "rma#0", "amo", "wireup", ...

  bool Carries(std::string_view use_prefix) const;  // e.g. "rma_bw", "am"
};

struct EndpointTransports {
  std::vector<TransportLane> lanes;

  // Transports of the lanes that carry active messages or RMA, in lane order, unique.
  std::vector<std::string> DataTransports() const;
  // Transports of the lanes that carry bulk RMA (rma_bw), unique.
  std::vector<std::string> RmaTransports() const;
  // A put is native when a bulk-RMA lane exists and none of them is TCP, whose "put" UCX
  // implements in software over the byte stream (it then needs the target to progress).
  bool PutNative() const;
};

// Parses the text printed by ucp_ep_print_info. Fails when no lane line is found.
Result<EndpointTransports> ParseEndpointInfo(std::string_view text);

// "posix,cma" from a list of names.
std::string JoinNames(const std::vector<std::string>& names);

}  // namespace ibex::net
