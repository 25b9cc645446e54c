// One place for the three outcomes of every UCX non-blocking call: done at once, failed at
// once, or in flight (its callback fires later from progress). StartOp() returns a parameter
// block with a callback; FinishOp() takes the call's return value and either runs `done` now
// or leaves it to the callback. `done` runs exactly once, on the network thread, and may keep
// a buffer alive until then (the `keep` vector travels with the operation).
//
// Network thread only.
#pragma once

#include <ucp/api/ucp.h>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "net/rdma/network_thread.h"

namespace ibex::net {

using UcxDone = std::function<void(ucs_status_t)>;

struct UcxOp {
  NetworkThread* thread = nullptr;
  UcxDone done;
  std::vector<std::byte> keep;  // bytes the operation reads (e.g. a message) until done
  ucp_request_param_t param{};
  // UCX may run the callback before the call that started the operation has returned (seen
  // with ucp_am_recv_data_nbx of a rendezvous message on the self transport): then FinishOp
  // finishes the operation.
  bool returned = false;
  bool completed = false;
  ucs_status_t status = UCS_OK;
};

// A new operation whose param has a send-style callback (puts, AM sends, flushes, closes).
UcxOp* StartOp(NetworkThread* thread, UcxDone done, std::vector<std::byte> keep = {});
// A new operation whose param has an AM-receive callback (ucp_am_recv_data_nbx).
UcxOp* StartRecvOp(NetworkThread* thread, UcxDone done);
// Consumes `op`: runs done now for an immediate result, else counts it outstanding.
void FinishOp(UcxOp* op, ucs_status_ptr_t result);

std::string UcxError(const char* call, ucs_status_t status);

}  // namespace ibex::net
