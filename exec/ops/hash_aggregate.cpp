#include "exec/ops/hash_aggregate.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <unordered_map>

#include "common/prefetch.h"
#include "exec/eval.h"
#include "exec/row_key.h"

namespace ibex::exec {

// Group ids of a single integer-like key, without encoding (ids dense in insertion order,
// keys kept by id; NULL is a group of its own). While the keys seen span a small range
// (at most 8 slots per group, or 1M) the id of a key is found by direct addressing
// (key - base); beyond that the table switches for good to open addressing with a mixed hash.
class IntGroups {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;
  uint32_t size() const { return static_cast<uint32_t>(keys.size()); }
  uint32_t FindOrInsert(int64_t k) {
    uint32_t id = Find(k);
    if (id == kNone) {
      id = size();
      keys.push_back(k);
      Insert(k, id);
    }
    return id;
  }
  // The group of a key with NULL parts (`flags`: bit 0 first key NULL, bit 1 second), the
  // other parts in `packed`. Rare; kept apart from the fast table.
  uint32_t SideGroup(uint8_t flags, int64_t packed) {
    auto [it, inserted] = side_.try_emplace({flags, packed}, size());
    if (inserted) {
      side_flags.emplace(size(), flags);
      keys.push_back(packed);
    }
    return it->second;
  }
  // Starts loading the memory FindOrInsert(k) will touch first. Keys that do not arrive in
  // order miss the cache on every lookup once the table outgrows it (TPC-H Q18: 750 k order
  // keys per executor, a 32 MiB table, ~150 ns per miss); issued a few keys ahead, the misses
  // overlap instead of adding up.
  // Precondition: hashed(). Callers prefetch the key kPrefetchAhead lookups ahead.
  static constexpr size_t kPrefetchAhead = 8;
  void Prefetch(int64_t k) const { PrefetchForRead(slots_.data() + (Mix(k) & mask_)); }
  bool hashed() const { return !direct_; }
  uint8_t FlagsOf(uint32_t id) const {
    auto it = side_flags.find(id);
    return it == side_flags.end() ? 0 : it->second;
  }
  int64_t MemoryBytes() const {
    return static_cast<int64_t>(slots_.capacity() * sizeof(Slot) + direct_ids_.capacity() * 4 +
                                keys.capacity() * 8);
  }
  std::vector<int64_t> keys;  // by id
  std::unordered_map<uint32_t, uint8_t> side_flags;  // ids of keys with NULL parts

 private:
  struct Slot {  // key and id side by side: one cache line per probe
    int64_t key;
    uint32_t id;
  };
  uint32_t Find(int64_t k) const {
    if (direct_) {
      const uint64_t off = static_cast<uint64_t>(k) - static_cast<uint64_t>(base_);
      return off < direct_ids_.size() ? direct_ids_[off] : kNone;
    }
    for (size_t s = Mix(k) & mask_;; s = (s + 1) & mask_) {
      const Slot& slot = slots_[s];
      if (slot.id == kNone) return kNone;
      if (slot.key == k) return slot.id;
    }
  }
  void Insert(int64_t k, uint32_t id) {
    if (direct_) {
      if (direct_ids_.empty()) {
        base_ = k;
        direct_ids_.assign(1024, kNone);
      }
      uint64_t off = static_cast<uint64_t>(k) - static_cast<uint64_t>(base_);
      if (off >= direct_ids_.size() && !GrowDirect(k)) {
        ToHashed();
        InsertHashed(k, id);
        return;
      }
      off = static_cast<uint64_t>(k) - static_cast<uint64_t>(base_);
      direct_ids_[off] = id;
      return;
    }
    InsertHashed(k, id);
  }
  // Widens the direct range to hold k (geometric growth); false when it would get too sparse.
  bool GrowDirect(int64_t k) {
    const size_t old = direct_ids_.size();
    const __int128 lo = k < base_ ? static_cast<__int128>(k) - static_cast<__int128>(old) : base_;
    const __int128 hi = std::max<__int128>(static_cast<__int128>(base_) + old - 1, k);
    const __int128 size = std::max<__int128>(hi - lo + 1, 2 * static_cast<__int128>(old));
    const __int128 limit = std::max<__int128>(__int128{1} << 20, 8 * (static_cast<__int128>(keys.size()) + 1));
    if (size > limit) return false;
    std::vector<uint32_t> ids(static_cast<size_t>(size), kNone);
    const size_t shift = static_cast<size_t>(static_cast<__int128>(base_) - lo);
    std::copy(direct_ids_.begin(), direct_ids_.end(), ids.begin() + static_cast<std::ptrdiff_t>(shift));
    direct_ids_ = std::move(ids);
    base_ = static_cast<int64_t>(lo);
    return true;
  }
  void ToHashed() {
    direct_ = false;
    direct_ids_.clear();
    direct_ids_.shrink_to_fit();
    Rehash(1024);
    count_ = 0;
    for (uint32_t id = 0; id + 1 < size(); ++id) {  // the newest key is inserted by the caller
      if (side_flags.count(id) == 0) InsertHashed(keys[id], id);
    }
  }
  static uint64_t Mix(int64_t k) {
    uint64_t x = static_cast<uint64_t>(k);
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
  }
  void InsertHashed(int64_t k, uint32_t id) {
    if (++count_ * 2 > slots_.size()) Rehash(std::max<size_t>(slots_.size() * 2, 1024));
    size_t s = Mix(k) & mask_;
    while (slots_[s].id != kNone) s = (s + 1) & mask_;
    slots_[s] = Slot{k, id};
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
  std::map<std::pair<uint8_t, int64_t>, uint32_t> side_;
  bool direct_ = true;
  int64_t base_ = 0;
  std::vector<uint32_t> direct_ids_;
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t count_ = 0;
};

// Group keys made of 1-4 short strings (TPC-H Q1's l_returnflag, l_linestatus: CHAR(1)) packed
// into one int64, so that a row finds its group without encoding its key: encoding every row
// (KeyBuffer::Encode) was 24 % of Q1 on one executor. Each key gets a field of 8*B+4 bits: up to
// B bytes, a 3-bit length and a NULL bit (B = 7, 3, 2, 1 for 1, 2, 3, 4 keys). A row with a
// longer string takes the encoded path; the packing is injective, so equal packed values mean
// equal keys.
class ShortStringKey {
 public:
  explicit ShortStringKey(size_t keys)
      : budget_(std::min<size_t>(7, (64 / keys - 4) / 8)), width_(8 * budget_ + 4) {}
  // False when a string of row i is longer than the budget.
  bool Pack(const std::vector<Vector>& cols, size_t i, uint64_t* out) const {
    uint64_t packed = 0;
    for (size_t c = 0; c < cols.size(); ++c) {
      uint64_t field = 1;  // NULL
      if (!cols[c].IsNull(i)) {
        const std::string_view s = cols[c].data<std::string_view>()[i];
        if (s.size() > budget_) return false;
        // Byte by byte: a memcpy of a run-time length was a library call whose stored bytes
        // the next load had to wait for (half of this loop's time in Q1).
        uint64_t bytes = 0;
        for (size_t b = 0; b < s.size(); ++b) {
          bytes |= static_cast<uint64_t>(static_cast<uint8_t>(s[b])) << (8 * b);
        }
        field = (bytes << 4) | (static_cast<uint64_t>(s.size()) << 1);
      }
      packed |= field << (c * width_);
    }
    *out = packed;
    return true;
  }

 private:
  size_t budget_;
  size_t width_;
};

struct HashAggregateSink::Table : LocalState {
  KeyMap map;
  IntGroups ints;  // single integer key: the fast path in front of `map`
  // Short string keys (short_strings_): packed key -> cache id -> group id in `map`, with a
  // direct-mapped memo of recent keys in front (few groups, in random order: a "same key as
  // the previous row" test mispredicted on every other row of Q1; the memo's test hits).
  IntGroups short_keys;
  std::vector<uint32_t> short_key_groups;
  struct Recent {
    uint64_t packed = 0;
    uint32_t group = IntGroups::kNone;
  };
  std::array<Recent, 256> recent;
  std::vector<std::unique_ptr<AggState>> states;
  std::vector<KeyMap> distinct;
  std::unique_ptr<MemoryReservation> memory;
  size_t allocated = 0;  // groups the states are sized for
  // Scratch.
  KeyBuffer keys;
  KeyBuffer value_keys;
  std::vector<uint32_t> groups;
  std::vector<uint32_t> run_starts;  // integer keys: the first row of each run of equal keys
  std::vector<int64_t> run_keys;     // and its key
  std::string combined;
};

HashAggregateSink::HashAggregateSink(std::vector<ExprPtr> keys, std::vector<AggregateDef> aggregates,
                                     AggMode mode)
    : keys_(std::move(keys)), aggs_(std::move(aggregates)), mode_(mode) {
  for (const auto& k : keys_) key_types_.push_back(k->type);
  distinct_.resize(aggs_.size());
  bool any_distinct = false;
  for (const AggregateDef& a : aggs_) any_distinct |= a.distinct;
  const bool two_ints = keys_.size() == 2 && key_types_[0].physical() == PhysicalType::kInt32 &&
                        key_types_[1].physical() == PhysicalType::kInt32;
  int_key_ = !any_distinct && (two_ints || keys_.size() == 1) &&
             (key_types_[0].physical() == PhysicalType::kInt32 ||
              key_types_[0].physical() == PhysicalType::kInt64);
  packed_ = two_ints && int_key_;
  short_strings_ = !any_distinct && !int_key_ && !keys_.empty() && keys_.size() <= 4 &&
                   std::all_of(key_types_.begin(), key_types_.end(), [](const DataType& t) {
                     return t.physical() == PhysicalType::kString;
                   });
  ints_ = std::make_unique<IntGroups>();
}

HashAggregateSink::~HashAggregateSink() = default;

size_t HashAggregateSink::GroupCount(const Table& t) const { return int_key_ ? t.ints.size() : t.map.size(); }
size_t HashAggregateSink::GlobalGroups() const { return int_key_ ? ints_->size() : map_.size(); }
size_t HashAggregateSink::groups() const { return GlobalGroups(); }

namespace {

Status MakeStates(const std::vector<AggregateDef>& aggs,
                  std::vector<std::unique_ptr<AggState>>* states) {
  for (const AggregateDef& a : aggs) {
    const DataType arg = !a.state_types.empty() ? a.state_types[0]
                         : a.arg                ? a.arg->type
                                                : DataType::Bigint();
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
    // One integer key, or two INTEGER keys packed into 64 bits.
    IBEX_ASSIGN_OR_RETURN(Vector k, Evaluate(*keys_[0], chunk));
    if (k.is_constant()) k = k.Flatten(n);
    Vector k2;
    if (packed_) {
      IBEX_ASSIGN_OR_RETURN(k2, Evaluate(*keys_[1], chunk));
      if (k2.is_constant()) k2 = k2.Flatten(n);
    }
    const bool wide = k.physical() == PhysicalType::kInt64;
    const bool nulls = k.nulls() != nullptr || (packed_ && k2.nulls() != nullptr);
    auto key_at = [&](size_t i) -> int64_t {
      if (packed_) {
        return static_cast<int64_t>(
            (static_cast<uint64_t>(static_cast<uint32_t>(k.data<int32_t>()[i])) << 32) |
            static_cast<uint32_t>(k2.data<int32_t>()[i]));
      }
      return wide ? k.data<int64_t>()[i] : k.data<int32_t>()[i];
    };
    if (!nulls && t.ints.hashed()) {
      // Keys that outgrew the direct array (not in key order, or sparse) probe the hashed
      // table at random: the first row of each run of equal keys looks its key up, with the
      // lookup kPrefetchAhead runs later prefetched. (In key order the direct array is read
      // sequentially; the two passes would only add work.)
      constexpr size_t kAhead = IntGroups::kPrefetchAhead;
      t.run_starts.clear();
      t.run_keys.clear();
      for (size_t i = 0; i < n; ++i) {
        const int64_t v = key_at(i);
        if (i == 0 || v != t.run_keys.back()) {
          t.run_starts.push_back(static_cast<uint32_t>(i));
          t.run_keys.push_back(v);
        }
      }
      const size_t runs = t.run_keys.size();
      for (size_t r = 0; r < std::min(runs, kAhead); ++r) t.ints.Prefetch(t.run_keys[r]);
      for (size_t r = 0; r < runs; ++r) {
        if (r + kAhead < runs) t.ints.Prefetch(t.run_keys[r + kAhead]);
        const uint32_t group = t.ints.FindOrInsert(t.run_keys[r]);
        const size_t end = r + 1 < runs ? t.run_starts[r + 1] : n;
        std::fill(t.groups.begin() + t.run_starts[r], t.groups.begin() + static_cast<std::ptrdiff_t>(end), group);
      }
    } else {
      // Runs of equal keys (tables stored in key order) reuse the previous row's group.
      int64_t last_key = 0;
      uint32_t last_group = IntGroups::kNone;
      for (size_t i = 0; i < n; ++i) {
        if (nulls) {
          const uint8_t flags = static_cast<uint8_t>((k.IsNull(i) ? 1 : 0) | (packed_ && k2.IsNull(i) ? 2 : 0));
          if (flags != 0) {
            const int64_t rest = flags == 1 && packed_ ? static_cast<uint32_t>(k2.data<int32_t>()[i])
                                 : flags == 2          ? static_cast<int64_t>(static_cast<uint64_t>(static_cast<uint32_t>(k.data<int32_t>()[i])) << 32)
                                                       : 0;
            t.groups[i] = t.ints.SideGroup(flags, rest);
            last_group = IntGroups::kNone;
            continue;
          }
        }
        const int64_t v = key_at(i);
        if (last_group == IntGroups::kNone || v != last_key) {
          last_group = t.ints.FindOrInsert(v);
          last_key = v;
        }
        t.groups[i] = last_group;
      }
    }
  } else {
    std::vector<const Vector*> cols;
    key_vectors.reserve(keys_.size());
    for (const auto& k : keys_) {
      IBEX_ASSIGN_OR_RETURN(Vector v, Evaluate(*k, chunk));
      key_vectors.push_back(std::move(v));
    }
    for (const Vector& v : key_vectors) cols.push_back(&v);
    bool inserted;
    if (short_strings_) {
      for (Vector& v : key_vectors) {
        if (v.is_constant()) v = v.Flatten(n);
      }
      const ShortStringKey packer(key_vectors.size());
      bool encoded = false;  // the chunk's keys, encoded at the first row that needs them
      for (size_t i = 0; i < n; ++i) {
        uint64_t packed;
        const bool fits = packer.Pack(key_vectors, i, &packed);
        Table::Recent* memo = nullptr;
        if (fits) {
          memo = &t.recent[(packed * 0x9E3779B97F4A7C15ULL) >> 56];
          if (memo->group != IntGroups::kNone && memo->packed == packed) {
            t.groups[i] = memo->group;
            continue;
          }
          const uint32_t slot = t.short_keys.FindOrInsert(static_cast<int64_t>(packed));
          if (slot < t.short_key_groups.size()) {
            t.groups[i] = t.short_key_groups[slot];
            *memo = {packed, t.groups[i]};
            continue;
          }
        }
        if (!encoded) {
          t.keys.Encode(cols, nullptr, n);
          encoded = true;
        }
        t.groups[i] = t.map.FindOrInsert(t.keys.Key(i), t.keys.Hash(i), &inserted);
        if (fits) {
          t.short_key_groups.push_back(t.groups[i]);  // the slot FindOrInsert just added
          *memo = {packed, t.groups[i]};
        }
      }
    } else {
      t.keys.Encode(cols, nullptr, n);
      for (size_t i = 0; i < n; ++i) {
        t.groups[i] = t.map.FindOrInsert(t.keys.Key(i), t.keys.Hash(i), &inserted);
      }
    }
  }
  Grow(t.states, &t.allocated, GroupCount(t));
  for (size_t a = 0; a < aggs_.size(); ++a) {
    const AggregateDef& def = aggs_[a];
    if (mode_ == AggMode::kFinal) {
      std::vector<const Vector*> states;
      for (size_t c = 0; c < def.state_types.size(); ++c) {
        states.push_back(&chunk.columns[static_cast<size_t>(def.state_column) + c]);
      }
      IBEX_RETURN_IF_ERROR(t.states[a]->UpdatePartial(t.groups.data(), states, n));
      continue;
    }
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
  int64_t bytes = TableBytes(t.map, t.states, t.allocated) + t.ints.MemoryBytes() +
                  t.short_keys.MemoryBytes() + static_cast<int64_t>(t.short_key_groups.capacity() * 4);
  for (const KeyMap& d : t.distinct) bytes += d.MemoryBytes();
  return t.memory->ResizeTo(bytes);
}

Status HashAggregateSink::MergeTable(Table& t) {
  const size_t m = GroupCount(t);
  std::vector<uint32_t> mapping(m);
  bool inserted;
  constexpr size_t kAhead = IntGroups::kPrefetchAhead;
  for (uint32_t g = 0; g < m; ++g) {
    if (int_key_) {
      if (ints_->hashed() && g + kAhead < m) ints_->Prefetch(t.ints.keys[g + kAhead]);
      const uint8_t flags = t.ints.FlagsOf(g);
      mapping[g] = flags != 0 ? ints_->SideGroup(flags, t.ints.keys[g]) : ints_->FindOrInsert(t.ints.keys[g]);
    } else {
      mapping[g] = map_.FindOrInsert(t.map.KeyOf(g), t.map.HashOf(g), &inserted);
    }
  }
  size_t allocated = GlobalGroups();
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
  if (GroupCount(t) == 0) return Status::OK();
  if (GlobalGroups() == 0) {
    // The first worker's table becomes the global one as it is: with one worker per executor
    // there is nothing to merge. (Re-inserting its groups cost TPC-H Q18 ~100 ms per executor
    // on 2 executors: 750 k order keys re-hashed at random into an empty table, after the
    // operator's own timer had stopped.)
    std::swap(*ints_, t.ints);
    std::swap(map_, t.map);
    std::swap(states_, t.states);
    std::swap(distinct_, t.distinct);
    for (auto& s : states_) s->Resize(GlobalGroups());
  } else {
    IBEX_RETURN_IF_ERROR(MergeTable(t));
  }
  int64_t bytes = TableBytes(map_, states_, GlobalGroups()) + ints_->MemoryBytes();
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
  for (auto& s : states_) s->Resize(GlobalGroups());
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
  stats.rows_out.store(static_cast<int64_t>(GlobalGroups()));
  return Status::OK();
}

Result<Chunk> HashAggregateSink::Output(size_t begin, size_t end) const {
  Chunk out;
  out.size = end - begin;
  if (int_key_) {
    Vector k(key_types_[0], end - begin);
    Vector k2(packed_ ? key_types_[1] : DataType::Integer(), end - begin);
    for (size_t g = begin; g < end; ++g) {
      const size_t r = g - begin;
      const uint8_t flags = ints_->FlagsOf(static_cast<uint32_t>(g));
      const int64_t v = ints_->keys[g];
      if (packed_) {
        k.mutable_data<int32_t>()[r] = static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(v) >> 32));
        k2.mutable_data<int32_t>()[r] = static_cast<int32_t>(static_cast<uint32_t>(v));
        if (flags & 2) k2.SetNull(r);
      } else if (k.physical() == PhysicalType::kInt64) {
        k.mutable_data<int64_t>()[r] = v;
      } else {
        k.mutable_data<int32_t>()[r] = static_cast<int32_t>(v);
      }
      if (flags & 1) k.SetNull(r);
    }
    k.CompactNulls();
    out.columns.push_back(std::move(k));
    if (packed_) {
      k2.CompactNulls();
      out.columns.push_back(std::move(k2));
    }
  } else if (!keys_.empty()) {
    std::vector<std::string_view> keys;
    keys.reserve(end - begin);
    for (size_t g = begin; g < end; ++g) keys.push_back(map_.KeyOf(static_cast<uint32_t>(g)));
    out.columns = DecodeKeys(key_types_, keys);
  }
  for (size_t a = 0; a < aggs_.size(); ++a) {
    if (mode_ == AggMode::kPartial) {
      const DataType arg = aggs_[a].arg ? aggs_[a].arg->type : DataType::Bigint();
      std::vector<Vector> cols;
      IBEX_RETURN_IF_ERROR(states_[a]->FinalizePartial(
          begin, end, PartialStateTypes(aggs_[a].kind, arg, aggs_[a].type), &cols));
      for (Vector& v : cols) out.columns.push_back(std::move(v));
      continue;
    }
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
