#include "net/rdma/exchange_wire.h"

#include "net/rdma/wire.h"

namespace ibex::net {
namespace {

enum class Kind : uint8_t { kReady = 1, kEnd = 2, kCredit = 3, kDoorbell = 4 };
// A notice never lists more slots than a region can have; bounds the decoder's allocation.
constexpr uint32_t kMaxEntries = 1u << 20;

void WriteEntries(WireWriter& w, const std::vector<SlotEntry>& entries) {
  w.U32(static_cast<uint32_t>(entries.size()));
  for (const SlotEntry& e : entries) {
    w.U64(e.key.query);
    w.U32(e.key.exchange);
    w.U32(e.slot);
    w.U32(e.bytes);
  }
}

bool ReadEntries(WireReader& r, std::vector<SlotEntry>* entries) {
  uint32_t n = 0;
  if (!r.U32(&n) || n > kMaxEntries || r.remaining() < uint64_t{n} * 20) return false;
  entries->resize(n);
  for (SlotEntry& e : *entries) {
    r.U64(&e.key.query);
    r.U32(&e.key.exchange);
    r.U32(&e.slot);
    r.U32(&e.bytes);
  }
  return r.ok();
}

}  // namespace

std::vector<std::byte> EncodeNotice(const Notice& notice) {
  WireWriter w;
  w.U8(kWireVersion);
  w.U32(notice.generation);
  if (const auto* ready = std::get_if<ReadyNotice>(&notice.body)) {
    w.U8(static_cast<uint8_t>(Kind::kReady));
    w.U32(notice.source);
    WriteEntries(w, ready->slots);
  } else if (const auto* end = std::get_if<EndNotice>(&notice.body)) {
    w.U8(static_cast<uint8_t>(Kind::kEnd));
    w.U32(notice.source);
    w.U64(end->key.query);
    w.U32(end->key.exchange);
    w.U64(end->count);
  } else if (const auto* credit = std::get_if<CreditNotice>(&notice.body)) {
    w.U8(static_cast<uint8_t>(Kind::kCredit));
    w.U32(notice.source);
    WriteEntries(w, credit->slots);
  } else {
    w.U8(static_cast<uint8_t>(Kind::kDoorbell));
    w.U32(notice.source);
    w.U8(static_cast<uint8_t>(std::get<RingDoorbell>(notice.body).ring));
  }
  return w.Take();
}

Result<Notice> DecodeNotice(std::span<const std::byte> in) {
  WireReader r(in);
  uint8_t version = 0, kind = 0;
  Notice notice;
  if (!r.U8(&version) || !r.U32(&notice.generation) || !r.U8(&kind) ||
      !r.U32(&notice.source)) {
    return Status::Corruption("exchange notice shorter than its header");
  }
  if (version != kWireVersion) {
    return Status::Corruption("exchange notice version " + std::to_string(version));
  }
  switch (static_cast<Kind>(kind)) {
    case Kind::kReady: {
      ReadyNotice ready;
      if (!ReadEntries(r, &ready.slots)) return Status::Corruption("truncated ready notice");
      notice.body = std::move(ready);
      break;
    }
    case Kind::kEnd: {
      EndNotice end;
      r.U64(&end.key.query);
      r.U32(&end.key.exchange);
      r.U64(&end.count);
      if (!r.ok()) return Status::Corruption("truncated end-of-stream notice");
      notice.body = end;
      break;
    }
    case Kind::kCredit: {
      CreditNotice credit;
      if (!ReadEntries(r, &credit.slots)) return Status::Corruption("truncated credit notice");
      notice.body = std::move(credit);
      break;
    }
    case Kind::kDoorbell: {
      uint8_t ring = 0;
      if (!r.U8(&ring)) return Status::Corruption("truncated ring doorbell");
      if (ring != RingDoorbell::kReady && ring != RingDoorbell::kCredit) {
        return Status::Corruption("ring doorbell for unknown ring " + std::to_string(ring));
      }
      notice.body = RingDoorbell{static_cast<RingDoorbell::Ring>(ring)};
      break;
    }
    default:
      return Status::Corruption("unknown exchange notice kind " + std::to_string(kind));
  }
  if (!r.AtEnd()) return Status::Corruption("trailing bytes after exchange notice");
  return notice;
}

std::vector<std::byte> EncodeDataHeader(const DataHeader& h) {
  WireWriter w;
  w.U8(kWireVersion);
  w.U8(0);
  w.U32(h.generation);
  w.U32(h.source);
  w.U64(h.entry.key.query);
  w.U32(h.entry.key.exchange);
  w.U32(h.entry.slot);
  w.U32(h.entry.bytes);
  return w.Take();
}

Result<DataHeader> DecodeDataHeader(std::span<const std::byte> in) {
  if (in.size() != DataHeader::kWireBytes) {
    return Status::Corruption("exchange data header of " + std::to_string(in.size()) + " bytes");
  }
  WireReader r(in);
  uint8_t version = 0, pad = 0;
  DataHeader h;
  r.U8(&version);
  r.U8(&pad);
  r.U32(&h.generation);
  r.U32(&h.source);
  r.U64(&h.entry.key.query);
  r.U32(&h.entry.key.exchange);
  r.U32(&h.entry.slot);
  r.U32(&h.entry.bytes);
  if (!r.ok() || version != kWireVersion) return Status::Corruption("bad exchange data header");
  return h;
}

}  // namespace ibex::net
