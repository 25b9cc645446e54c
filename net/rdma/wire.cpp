#include "net/rdma/wire.h"

namespace ibex::net {

void ControlEnvelope::Write(WireWriter& w) const {
  w.U32(kWireMagic | (uint32_t{kWireVersion} << 24));
  w.U16(type);
  w.U16(0);  // reserved
  w.U32(source);
  w.U32(payload_bytes);
}

bool ControlEnvelope::Read(std::span<const std::byte> in, std::string* error) {
  if (in.size() != kWireBytes) {
    *error = "control envelope of " + std::to_string(in.size()) + " bytes, expected " +
             std::to_string(kWireBytes);
    return false;
  }
  WireReader r(in);
  uint32_t magic = 0;
  uint16_t reserved = 0;
  r.U32(&magic);
  r.U16(&type);
  r.U16(&reserved);
  r.U32(&source);
  r.U32(&payload_bytes);
  if ((magic & 0xFFFFFF) != kWireMagic) {
    *error = "bad control magic";
    return false;
  }
  if ((magic >> 24) != kWireVersion) {
    *error = "control wire version " + std::to_string(magic >> 24) + ", this build speaks " +
             std::to_string(kWireVersion);
    return false;
  }
  return r.ok();
}

}  // namespace ibex::net
