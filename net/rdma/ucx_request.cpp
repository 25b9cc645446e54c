#include "net/rdma/ucx_request.h"

namespace ibex::net {
namespace {

void Complete(void* request, ucs_status_t status, void* user_data) {
  auto* op = static_cast<UcxOp*>(user_data);
  if (!op->returned) {
    // Inside the starting call: FinishOp sees `completed` and finishes (and frees request).
    op->completed = true;
    op->status = status;
    return;
  }
  op->thread->AddOutstanding(-1);
  UcxDone done = std::move(op->done);
  delete op;
  ucp_request_free(request);
  done(status);
}

void CompleteRecv(void* request, ucs_status_t status, size_t /*length*/, void* user_data) {
  Complete(request, status, user_data);
}

}  // namespace

UcxOp* StartOp(NetworkThread* thread, UcxDone done, std::vector<std::byte> keep) {
  auto* op = new UcxOp;
  op->thread = thread;
  op->done = std::move(done);
  op->keep = std::move(keep);
  op->param.op_attr_mask = UCP_OP_ATTR_FIELD_CALLBACK | UCP_OP_ATTR_FIELD_USER_DATA;
  op->param.cb.send = Complete;
  op->param.user_data = op;
  return op;
}

UcxOp* StartRecvOp(NetworkThread* thread, UcxDone done) {
  UcxOp* op = StartOp(thread, std::move(done));
  op->param.cb.recv_am = CompleteRecv;
  return op;
}

void FinishOp(UcxOp* op, ucs_status_ptr_t result) {
  op->returned = true;
  if (op->completed) {
    if (UCS_PTR_IS_PTR(result)) ucp_request_free(result);
    UcxDone done = std::move(op->done);
    ucs_status_t status = op->status;
    delete op;
    done(status);
    return;
  }
  if (UCS_PTR_IS_PTR(result)) {
    op->thread->AddOutstanding(1);
    return;  // the callback owns op now
  }
  UcxDone done = std::move(op->done);
  delete op;
  done(UCS_PTR_STATUS(result));
}

std::string UcxError(const char* call, ucs_status_t status) {
  return std::string(call) + ": " + ucs_status_string(status);
}

}  // namespace ibex::net
