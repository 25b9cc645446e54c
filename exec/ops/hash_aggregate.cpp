#include "exec/ops/hash_aggregate.h"

#include <algorithm>
#include <cstring>

#include "exec/eval.h"
#include "exec/row_key.h"

namespace ibex::exec {

namespace {

// Group ids of a single integer-like key, without encoding: an open-addressing table of the
// key values in front of the KeyMap (which still owns the ids, in the same order).
class IntGroups {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;
  IntGroups() { Rehash(1024); }
  // The id of key `k`, or kNone.
  uint32_t Find(int64_t k) const {
    for (size_t s = Mix(k) & mask_;; s = (s + 1) & mask_) {
      const Slot& slot = slots_[s];
      if (slot.id == kNone) return kNone;
      if (slot.key == k) return slot.id;
    }
  }
  void Insert(int64_t k, uint32_t id) {
    if (++count_ * 2 > slots_.size()) Rehash(slots_.size() * 2);
    size_t s = Mix(k) & mask_;
    while (slots_[s].id != kNone) s = (s + 1) & mask_;
    slots_[s] = Slot{k, id};
  }
  uint32_t null_id = kNone;

 private:
  struct Slot {  // key and id side by side: one cache line per probe
    int64_t key;
    uint32_t id;
  };
  static uint64_t Mix(int64_t k) {
    uint64_t x = static_cast<uint64_t>(k);
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
  }
  void Rehash(size_t cap) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(cap, Slot{0, kNone});
    mask_ = cap - 1;
    for (const Slot& o : old) {
      if (o.id == kNone) continue;
      size_t s = Mix(o.key) & mask_;
      while (slots_[s].id != kNone) s = (s + 1) & mask_;
      slots_[s] = o;
    }
  }
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t count_ = 0;
};

}  // namespace

struct HashAggregateSink::Table : LocalState {
  KeyMap map;
  IntGroups ints;  // single integer key: the fast path in front of `map`
  std::vector<std::unique_ptr<AggState>> states;
  std::vector<KeyMap> distinct;
  std::unique_ptr<MemoryReservation> memory;
  size_t allocated = 0;  // groups the states are sized for
  // Scratch.
  KeyBuffer keys;
  KeyBuffer value_keys;
  std::vector<uint32_t> groups;
  std::string combined;
};

HashAggregateSink::HashAggregateSink(std::vector<ExprPtr> keys, std::vector<AggregateDef> aggregates)
    : keys_(std::move(keys)), aggs_(std::move(aggregates)) {
  for (const auto& k : keys_) key_types_.push_back(k->type);
  distinct_.resize(aggs_.size());
  bool any_distinct = false;
  for (const AggregateDef& a : aggs_) any_distinct |= a.distinct;
  int_key_ = keys_.size() == 1 && !any_distinct &&
             (key_types_[0].physical() == PhysicalType::kInt32 ||
              key_types_[0].physical() == PhysicalType::kInt64);
}

HashAggregateSink::~HashAggregateSink() = default;

namespace {

Status MakeStates(const std::vector<AggregateDef>& aggs,
                  std::vector<std::unique_ptr<AggState>>* states) {
  for (const AggregateDef& a : aggs) {
    const DataType arg = a.arg ? a.arg->type : DataType::Bigint();
    IBEX_ASSIGN_OR_RETURN(auto s, MakeAggState(a.kind, arg, a.type));
    states->push_back(std::move(s));
  }
  return Status::OK();
}

void Grow(std::vector<std::unique_ptr<AggState>>& states, size_t* allocated, size_t needed) {
  if (needed <= *allocated) return;
  size_t cap = std::max<size_t>(*allocated * 2, 64);
  while (cap < needed) cap *= 2;
  for (auto& s : states) s->Resize(cap);
  *allocated = cap;
}

int64_t TableBytes(const KeyMap& map, const std::vector<std::unique_ptr<AggState>>& states,
                   size_t allocated) {
  int64_t b = map.MemoryBytes();
  for (const auto& s : states) b += s->BytesPerGroup() * static_cast<int64_t>(allocated);
  return b;
}

}  // namespace

std::unique_ptr<LocalState> HashAggregateSink::MakeLocal(ExecContext& ctx) {
  auto t = std::make_unique<Table>();
  Status s = MakeStates(aggs_, &t->states);
  IBEX_CHECK(s.ok());  // the builder made the same states once already
  t->distinct.resize(aggs_.size());
  t->memory = std::make_unique<MemoryReservation>(ctx.memory, "HashAggregate");
  if (memory_ == nullptr) {
    memory_ = std::make_unique<MemoryReservation>(ctx.memory, "HashAggregate");
    IBEX_CHECK(MakeStates(aggs_, &states_).ok());
  }
  return t;
}

Status HashAggregateSink::Consume(ExecContext& ctx, LocalState& local, Chunk& chunk) {
  (void)ctx;
  auto& t = static_cast<Table&>(local);
  const size_t n = chunk.size;
  t.groups.resize(n);
  std::vector<Vector> key_vectors;
  if (keys_.empty()) {
    std::fill(t.groups.begin(), t.groups.end(), 0);
    if (t.map.size() == 0) {
      bool inserted;
      t.map.FindOrInsert(std::string_view(), HashBytes("", 0), &inserted);
    }
  } else if (int_key_) {
    IBEX_ASSIGN_OR_RETURN(Vector k, Evaluate(*keys_[0], chunk));
    if (k.is_constant()) k = k.Flatten(n);
    const bool wide = k.physical() == PhysicalType::kInt64;
    const size_t width = wide ? 8 : 4;
    char key[9];
    bool inserted;
    for (size_t i = 0; i < n; ++i) {
      if (k.IsNull(i)) {
        if (t.ints.null_id == IntGroups::kNone) {
          std::memset(key, 0, sizeof(key));
          key[0] = 1;
          t.ints.null_id = t.map.FindOrInsert(std::string_view(key, 1 + width),
                                              HashBytes(key, 1 + width), &inserted);
        }
        t.groups[i] = t.ints.null_id;
        continue;
      }
      const int64_t v = wide ? k.data<int64_t>()[i] : k.data<int32_t>()[i];
      uint32_t g = t.ints.Find(v);
      if (g == IntGroups::kNone) {
        // A new group: the KeyMap assigns the id (same encoding as KeyBuffer's).
        key[0] = 0;
        if (wide) {
          std::memcpy(key + 1, &v, 8);
        } else {
          const auto v32 = static_cast<int32_t>(v);
          std::memcpy(key + 1, &v32, 4);
        }
        g = t.map.FindOrInsert(std::string_view(key, 1 + width), HashBytes(key, 1 + width), &inserted);
        t.ints.Insert(v, g);
      }
      t.groups[i] = g;
    }
  } else {
    std::vector<const Vector*> cols;
    key_vectors.reserve(keys_.size());
    for (const auto& k : keys_) {
      IBEX_ASSIGN_OR_RETURN(Vector v, Evaluate(*k, chunk));
      key_vectors.push_back(std::move(v));
    }
    for (const Vector& v : key_vectors) cols.push_back(&v);
    t.keys.Encode(cols, nullptr, n);
    bool inserted;
    for (size_t i = 0; i < n; ++i) {
      t.groups[i] = t.map.FindOrInsert(t.keys.Key(i), t.keys.Hash(i), &inserted);
    }
  }
  Grow(t.states, &t.allocated, t.map.size());
  for (size_t a = 0; a < aggs_.size(); ++a) {
    const AggregateDef& def = aggs_[a];
    if (!def.arg) {
      IBEX_RETURN_IF_ERROR(t.states[a]->Update(t.groups.data(), nullptr, n));
      continue;
    }
    IBEX_ASSIGN_OR_RETURN(Vector arg, Evaluate(*def.arg, chunk));
    if (!def.distinct) {
      IBEX_RETURN_IF_ERROR(t.states[a]->Update(t.groups.data(), &arg, n));
      continue;
    }
    // DISTINCT: remember (group key, value) pairs; folded in at Finalize.
    std::vector<const Vector*> vcols{&arg};
    t.value_keys.Encode(vcols, nullptr, n);
    bool inserted;
    for (size_t i = 0; i < n; ++i) {
      if (t.value_keys.HasNull(i)) continue;
      t.combined.assign(keys_.empty() ? std::string_view() : t.keys.Key(i));
      t.combined.append(t.value_keys.Key(i));
      t.distinct[a].FindOrInsert(t.combined, HashBytes(t.combined.data(), t.combined.size()),
                                 &inserted);
    }
  }
  int64_t bytes = TableBytes(t.map, t.states, t.allocated);
  for (const KeyMap& d : t.distinct) bytes += d.MemoryBytes();
  return t.memory->ResizeTo(bytes);
}

Status HashAggregateSink::MergeTable(Table& t) {
  const size_t m = t.map.size();
  std::vector<uint32_t> mapping(m);
  bool inserted;
  for (uint32_t g = 0; g < m; ++g) {
    mapping[g] = map_.FindOrInsert(t.map.KeyOf(g), t.map.HashOf(g), &inserted);
  }
  size_t allocated = map_.size();
  for (auto& s : states_) s->Resize(allocated);
  for (size_t a = 0; a < aggs_.size(); ++a) {
    IBEX_RETURN_IF_ERROR(states_[a]->Merge(*t.states[a], mapping.data(), m));
    const KeyMap& d = t.distinct[a];
    for (uint32_t k = 0; k < d.size(); ++k) distinct_[a].FindOrInsert(d.KeyOf(k), d.HashOf(k), &inserted);
  }
  return Status::OK();
}

Status HashAggregateSink::Combine(ExecContext& ctx, LocalState& local) {
  (void)ctx;
  auto& t = static_cast<Table&>(local);
  if (t.map.size() == 0) return Status::OK();
  IBEX_RETURN_IF_ERROR(MergeTable(t));
  int64_t bytes = TableBytes(map_, states_, map_.size());
  for (const KeyMap& d : distinct_) bytes += d.MemoryBytes();
  IBEX_RETURN_IF_ERROR(memory_->ResizeTo(bytes));
  stats.AddMemory(bytes);
  return Status::OK();
}

Status HashAggregateSink::Finalize(ExecContext& ctx) {
  (void)ctx;
  bool inserted;
  if (keys_.empty() && map_.size() == 0) {
    map_.FindOrInsert(std::string_view(), HashBytes("", 0), &inserted);
  }
  for (auto& s : states_) s->Resize(map_.size());
  // DISTINCT aggregates: decode (group key, value) pairs and fold them in.
  for (size_t a = 0; a < aggs_.size(); ++a) {
    if (!aggs_[a].distinct) continue;
    const KeyMap& d = distinct_[a];
    std::vector<DataType> types = key_types_;
    types.push_back(aggs_[a].arg->type);
    for (uint32_t begin = 0; begin < d.size(); begin += kChunkRows) {
      const uint32_t end = std::min<uint32_t>(d.size(), begin + kChunkRows);
      std::vector<std::string_view> keys;
      for (uint32_t k = begin; k < end; ++k) keys.push_back(d.KeyOf(k));
      std::vector<Vector> cols = DecodeKeys(types, keys);
      std::vector<uint32_t> groups(keys.size(), 0);
      if (!keys_.empty()) {
        std::vector<const Vector*> key_cols;
        for (size_t c = 0; c < key_types_.size(); ++c) key_cols.push_back(&cols[c]);
        KeyBuffer kb;
        kb.Encode(key_cols, nullptr, keys.size());
        for (size_t i = 0; i < keys.size(); ++i) {
          groups[i] = map_.FindOrInsert(kb.Key(i), kb.Hash(i), &inserted);
        }
      }
      IBEX_RETURN_IF_ERROR(states_[a]->Update(groups.data(), &cols.back(), keys.size()));
    }
  }
  stats.rows_out.store(static_cast<int64_t>(map_.size()));
  return Status::OK();
}

Result<Chunk> HashAggregateSink::Output(size_t begin, size_t end) const {
  Chunk out;
  out.size = end - begin;
  if (!keys_.empty()) {
    std::vector<std::string_view> keys;
    keys.reserve(end - begin);
    for (size_t g = begin; g < end; ++g) keys.push_back(map_.KeyOf(static_cast<uint32_t>(g)));
    out.columns = DecodeKeys(key_types_, keys);
  }
  for (size_t a = 0; a < aggs_.size(); ++a) {
    Vector v(aggs_[a].type, end - begin);
    IBEX_RETURN_IF_ERROR(states_[a]->Finalize(begin, end, &v));
    v.CompactNulls();
    out.columns.push_back(std::move(v));
  }
  return out;
}

Result<ProduceResult> AggregateSource::Produce(ExecContext& ctx, size_t order,
                                               const ChunkConsumer& push) {
  (void)ctx;
  const size_t begin = order * kChunkRows;
  const size_t end = std::min(sink_->groups(), begin + kChunkRows);
  IBEX_ASSIGN_OR_RETURN(Chunk out, sink_->Output(begin, end));
  IBEX_RETURN_IF_ERROR(push(out));
  return ProduceResult::kDone;
}

}  // namespace ibex::exec
