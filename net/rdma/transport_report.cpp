#include "net/rdma/transport_report.h"

#include <algorithm>
#include <sstream>

namespace ibex::net {
namespace {

void AddUnique(std::vector<std::string>* out, const std::string& name) {
  if (std::find(out->begin(), out->end(), name) == out->end()) out->push_back(name);
}

// "  4:cma/memory.0" -> transport "cma", device "memory".
bool ParseResource(std::string_view token, TransportLane* lane) {
  size_t colon = token.find(':');
  size_t slash = token.find('/');
  if (colon == std::string_view::npos || slash == std::string_view::npos || slash < colon) {
    return false;
  }
  lane->transport = std::string(token.substr(colon + 1, slash - colon - 1));
  std::string_view dev = token.substr(slash + 1);
  size_t dot = dev.rfind('.');
  if (dot != std::string_view::npos) dev = dev.substr(0, dot);  // ".0" is the path index
  lane->device = std::string(dev);
  return !lane->transport.empty();
}

}  // namespace

bool TransportLane::Carries(std::string_view use_prefix) const {
  for (const std::string& use : uses) {
    if (use.compare(0, use_prefix.size(), use_prefix) == 0 &&
        (use.size() == use_prefix.size() || use[use_prefix.size()] == '#')) {
      return true;
    }
  }
  return false;
}

std::vector<std::string> EndpointTransports::DataTransports() const {
  std::vector<std::string> out;
  for (const TransportLane& lane : lanes) {
    if (lane.Carries("am") || lane.Carries("am_bw") || lane.Carries("rma") ||
        lane.Carries("rma_bw")) {
      AddUnique(&out, lane.transport);
    }
  }
  return out;
}

std::vector<std::string> EndpointTransports::RmaTransports() const {
  std::vector<std::string> out;
  for (const TransportLane& lane : lanes) {
    if (lane.Carries("rma_bw")) AddUnique(&out, lane.transport);
  }
  return out;
}

bool EndpointTransports::PutNative() const {
  std::vector<std::string> rma = RmaTransports();
  if (rma.empty()) return false;
  return std::none_of(rma.begin(), rma.end(), [](const std::string& t) { return t == "tcp"; });
}

Result<EndpointTransports> ParseEndpointInfo(std::string_view text) {
  EndpointTransports out;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    size_t at = line.find("lane[");
    if (at == std::string::npos) continue;
    size_t close = line.find("]:", at);
    if (close == std::string::npos) continue;
    TransportLane lane;
    try {
      lane.index = std::stoi(line.substr(at + 5, close - at - 5));
    } catch (const std::exception&) {
      return Status::InvalidArgument("ucp_ep_print_info: bad lane index in '" + line + "'");
    }
    std::istringstream tokens(line.substr(close + 2));
    std::string token;
    if (!(tokens >> token) || !ParseResource(token, &lane)) {
      return Status::InvalidArgument("ucp_ep_print_info: bad lane resource in '" + line + "'");
    }
    // Skip "md[k]", "->", "md[k]/component/sysdev[n]"; what follows are the lane's uses.
    bool after_arrow = false;
    bool after_remote_md = false;
    while (tokens >> token) {
      if (!after_arrow) {
        after_arrow = token == "->";
        continue;
      }
      if (!after_remote_md) {
        after_remote_md = true;
        continue;
      }
      lane.uses.push_back(token);
    }
    out.lanes.push_back(std::move(lane));
  }
  if (out.lanes.empty()) {
    return Status::InvalidArgument("ucp_ep_print_info: no lane lines in the output");
  }
  return out;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) {
    if (!out.empty()) out += ',';
    out += n;
  }
  return out;
}

}  // namespace ibex::net
