#include "scheduler/query_messages.h"

#include "storage/serde.h"

namespace ibex::scheduler {

namespace opt = ibex::optimizer;
using storage::ByteReader;
using storage::ByteWriter;

namespace {

constexpr uint8_t kVersion = 1;
constexpr uint32_t kMaxCount = 1u << 20;

std::string_view View(std::span<const std::byte> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// Checks the version byte; the reader is then positioned after it.
void Begin(ByteReader* r, const char* what) {
  if (r->Get<uint8_t>() != kVersion && r->ok()) r->Fail(std::string(what) + ": unknown version");
}

Status End(const ByteReader& r, const char* what) {
  if (!r.ok()) return Status::Corruption(std::string(what) + " message: " + r.error());
  if (r.remaining() != 0) return Status::Corruption(std::string(what) + " message: trailing bytes");
  return Status::OK();
}

uint32_t Count(ByteReader* r) {
  auto n = r->Get<uint32_t>();
  if (n > kMaxCount) {
    r->Fail("count out of range");
    return 0;
  }
  return n;
}

}  // namespace

std::string EncodeCatalog(const storage::Catalog& catalog) {
  ByteWriter w;
  w.Put<uint8_t>(kVersion);
  w.PutString(catalog.Serialize());
  return std::move(w.buffer());
}

Result<storage::Catalog> DecodeCatalog(std::span<const std::byte> bytes) {
  ByteReader r(View(bytes));
  Begin(&r, "catalog");
  std::string image = r.GetString();
  IBEX_RETURN_IF_ERROR(End(r, "catalog"));
  return storage::Catalog::Deserialize(image);
}

std::string EncodeCatalogAck(const CatalogAck& m) {
  ByteWriter w;
  w.Put<uint8_t>(kVersion);
  w.Put<uint64_t>(m.epoch);
  w.PutStatus(m.status);
  return std::move(w.buffer());
}

Result<CatalogAck> DecodeCatalogAck(std::span<const std::byte> bytes) {
  ByteReader r(View(bytes));
  Begin(&r, "catalog ack");
  CatalogAck m;
  m.epoch = r.Get<uint64_t>();
  m.status = r.GetStatus();
  IBEX_RETURN_IF_ERROR(End(r, "catalog ack"));
  return m;
}

std::string EncodeStartQuery(const StartQuery& m) {
  ByteWriter w;
  w.Put<uint8_t>(kVersion);
  w.Put<uint64_t>(m.query);
  w.Put<uint32_t>(static_cast<uint32_t>(m.executors));
  w.Put<uint8_t>(m.analyze ? 1 : 0);
  w.Put<uint32_t>(static_cast<uint32_t>(m.plan.param_count));
  w.Put<uint32_t>(static_cast<uint32_t>(m.plan.param_types.size()));
  for (const auto& t : m.plan.param_types) w.PutType(t);
  w.Put<uint32_t>(static_cast<uint32_t>(m.params.size()));
  for (const auto& v : m.params) w.PutValue(v);
  w.Put<uint32_t>(static_cast<uint32_t>(m.plan.fragments.size()));
  for (const opt::Fragment& f : m.plan.fragments) {
    w.Put<uint32_t>(static_cast<uint32_t>(f.id));
    w.Put<uint8_t>(static_cast<uint8_t>(f.place));
    w.Put<int32_t>(f.consumer);
    w.Put<uint32_t>(static_cast<uint32_t>(f.inputs.size()));
    for (int i : f.inputs) w.Put<int32_t>(i);
    // The fragment travels as a plan whose root is its output exchange over its tree, so that
    // the exchange's keys use the plan format's own encoding.
    opt::PhysicalPlan carrier;
    carrier.root.id = -1;
    carrier.root.schema = f.root.schema;
    carrier.root.payload = f.output;
    carrier.root.children.push_back(f.root);
    w.PutString(opt::SerializePlan(carrier));
  }
  return std::move(w.buffer());
}

Result<StartQuery> DecodeStartQuery(std::span<const std::byte> bytes) {
  ByteReader r(View(bytes));
  Begin(&r, "start query");
  StartQuery m;
  m.query = r.Get<uint64_t>();
  m.executors = static_cast<int>(r.Get<uint32_t>());
  m.analyze = r.Get<uint8_t>() != 0;
  m.plan.param_count = static_cast<int>(r.Get<uint32_t>());
  for (uint32_t i = 0, n = Count(&r); i < n && r.ok(); ++i) m.plan.param_types.push_back(r.GetType());
  for (uint32_t i = 0, n = Count(&r); i < n && r.ok(); ++i) m.params.push_back(r.GetValue());
  uint32_t fragments = Count(&r);
  for (uint32_t i = 0; i < fragments && r.ok(); ++i) {
    opt::Fragment f;
    f.id = static_cast<int>(r.Get<uint32_t>());
    auto place = r.Get<uint8_t>();
    if (place > static_cast<uint8_t>(opt::FragmentPlace::kOneExecutor)) r.Fail("bad place");
    f.place = static_cast<opt::FragmentPlace>(place);
    f.consumer = r.Get<int32_t>();
    for (uint32_t k = 0, n = Count(&r); k < n && r.ok(); ++k) f.inputs.push_back(r.Get<int32_t>());
    std::string bytes_of_plan = r.GetString();
    if (!r.ok()) break;
    IBEX_ASSIGN_OR_RETURN(opt::PhysicalPlan carrier, opt::DeserializePlan(bytes_of_plan));
    if (carrier.root.kind() != opt::NodeKind::kExchange || carrier.root.children.size() != 1 ||
        f.id != static_cast<int>(i)) {
      return Status::Corruption("start query message: fragment " + std::to_string(i) +
                                " is malformed");
    }
    f.output = carrier.root.As<opt::ExchangeSpec>();
    f.root = std::move(carrier.root.children[0]);
    m.plan.fragments.push_back(std::move(f));
  }
  IBEX_RETURN_IF_ERROR(End(r, "start query"));
  if (m.executors < 1 || m.plan.fragments.empty()) {
    return Status::Corruption("start query message: no executors or no fragments");
  }
  return m;
}

std::string EncodeQueryDone(const QueryDone& m) {
  ByteWriter w;
  w.Put<uint8_t>(kVersion);
  w.Put<uint64_t>(m.query);
  w.PutStatus(m.status);
  w.Put<uint32_t>(static_cast<uint32_t>(m.reports.size()));
  for (const FragmentReport& f : m.reports) {
    w.Put<int32_t>(f.fragment);
    w.PutString(f.operators);
    w.Put<int64_t>(f.bytes_sent);
    w.Put<int64_t>(f.bytes_received);
    w.Put<int64_t>(f.network_wait_ns);
    w.Put<int64_t>(f.time_ns);
  }
  return std::move(w.buffer());
}

Result<QueryDone> DecodeQueryDone(std::span<const std::byte> bytes) {
  ByteReader r(View(bytes));
  Begin(&r, "query done");
  QueryDone m;
  m.query = r.Get<uint64_t>();
  m.status = r.GetStatus();
  for (uint32_t i = 0, n = Count(&r); i < n && r.ok(); ++i) {
    FragmentReport f;
    f.fragment = r.Get<int32_t>();
    f.operators = r.GetString();
    f.bytes_sent = r.Get<int64_t>();
    f.bytes_received = r.Get<int64_t>();
    f.network_wait_ns = r.Get<int64_t>();
    f.time_ns = r.Get<int64_t>();
    m.reports.push_back(std::move(f));
  }
  IBEX_RETURN_IF_ERROR(End(r, "query done"));
  return m;
}

std::string EncodeCancelQuery(const CancelQuery& m) {
  ByteWriter w;
  w.Put<uint8_t>(kVersion);
  w.Put<uint64_t>(m.query);
  w.PutStatus(m.why);
  return std::move(w.buffer());
}

Result<CancelQuery> DecodeCancelQuery(std::span<const std::byte> bytes) {
  ByteReader r(View(bytes));
  Begin(&r, "cancel query");
  CancelQuery m;
  m.query = r.Get<uint64_t>();
  m.why = r.GetStatus();
  IBEX_RETURN_IF_ERROR(End(r, "cancel query"));
  return m;
}

std::string EncodeWorkRequest(const WorkRequest& m) {
  ByteWriter w;
  w.Put<uint8_t>(kVersion);
  w.Put<uint64_t>(m.query);
  w.Put<int32_t>(m.fragment);
  w.Put<int32_t>(m.node);
  w.Put<uint32_t>(m.want);
  return std::move(w.buffer());
}

Result<WorkRequest> DecodeWorkRequest(std::span<const std::byte> bytes) {
  ByteReader r(View(bytes));
  Begin(&r, "work request");
  WorkRequest m;
  m.query = r.Get<uint64_t>();
  m.fragment = r.Get<int32_t>();
  m.node = r.Get<int32_t>();
  m.want = r.Get<uint32_t>();
  IBEX_RETURN_IF_ERROR(End(r, "work request"));
  return m;
}

std::string EncodeWorkGrant(const WorkGrant& m) {
  ByteWriter w;
  w.Put<uint8_t>(kVersion);
  w.Put<uint64_t>(m.query);
  w.Put<int32_t>(m.fragment);
  w.Put<int32_t>(m.node);
  w.Put<uint8_t>(m.last ? 1 : 0);
  w.Put<uint32_t>(static_cast<uint32_t>(m.orders.size()));
  for (uint64_t o : m.orders) w.Put<uint64_t>(o);
  return std::move(w.buffer());
}

Result<WorkGrant> DecodeWorkGrant(std::span<const std::byte> bytes) {
  ByteReader r(View(bytes));
  Begin(&r, "work grant");
  WorkGrant m;
  m.query = r.Get<uint64_t>();
  m.fragment = r.Get<int32_t>();
  m.node = r.Get<int32_t>();
  m.last = r.Get<uint8_t>() != 0;
  for (uint32_t i = 0, n = Count(&r); i < n && r.ok(); ++i) m.orders.push_back(r.Get<uint64_t>());
  IBEX_RETURN_IF_ERROR(End(r, "work grant"));
  return m;
}

}  // namespace ibex::scheduler
