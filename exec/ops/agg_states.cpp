// The aggregate state implementations behind MakeAggState (hash_aggregate.h): typed arrays
// indexed by group id, one tight loop per chunk.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "exec/cast.h"
#include "exec/ops/hash_aggregate.h"

namespace ibex::exec {

namespace {

class CountState : public AggState {
 public:
  explicit CountState(bool star) : star_(star) {}
  void Resize(size_t groups) override { counts_.resize(groups, 0); }
  Status Update(const uint32_t* groups, const Vector* arg, size_t n) override {
    const uint8_t* nl = (star_ || arg == nullptr) ? nullptr : arg->nulls();
    if (nl == nullptr) {
      for (size_t i = 0; i < n; ++i) ++counts_[groups[i]];
    } else {
      const size_t step = arg->is_constant() ? 0 : 1;
      for (size_t i = 0; i < n; ++i) counts_[groups[i]] += nl[i * step] == 0 ? 1 : 0;
    }
    return Status::OK();
  }
  Status UpdatePartial(const uint32_t* groups, const std::vector<const Vector*>& states,
                       size_t n) override {
    const Vector& c = *states[0];
    const int64_t* d = c.data<int64_t>();
    const size_t step = c.is_constant() ? 0 : 1;
    for (size_t i = 0; i < n; ++i) {
      if (!c.IsNull(i * step)) counts_[groups[i]] += d[i * step];
    }
    return Status::OK();
  }
  Status Merge(const AggState& o, const uint32_t* mapping, size_t m) override {
    const auto& other = static_cast<const CountState&>(o);
    for (size_t g = 0; g < m; ++g) counts_[mapping[g]] += other.counts_[g];
    return Status::OK();
  }
  Status Finalize(size_t begin, size_t end, Vector* out) const override {
    std::memcpy(out->mutable_data<int64_t>(), counts_.data() + begin, (end - begin) * 8);
    return Status::OK();
  }
  int64_t BytesPerGroup() const override { return 8; }

 private:
  bool star_;
  std::vector<int64_t> counts_;
};

template <typename Acc>
bool AddChecked(Acc a, Acc b, Acc* out) {
  if constexpr (std::is_same_v<Acc, double>) {
    *out = a + b;
    return false;
  } else {
    return __builtin_add_overflow(a, b, out);
  }
}

// SUM and AVG: an accumulator per group plus a count (AVG, and NULL for groups without rows).
template <typename In, typename Acc>
class SumState : public AggState {
 public:
  SumState(bool avg, int scale) : avg_(avg), scale_(scale) {}
  void Resize(size_t groups) override {
    sums_.resize(groups, Acc{});
    counts_.resize(groups, 0);
  }
  Status Update(const uint32_t* groups, const Vector* arg, size_t n) override {
    const In* d = arg->data<In>();
    const uint8_t* nl = arg->nulls();
    bool overflow = false;
    if (arg->is_constant()) {
      if (nl != nullptr && nl[0] != 0) return Status::OK();
      for (size_t i = 0; i < n; ++i) {
        const uint32_t g = groups[i];
        overflow |= AddChecked<Acc>(sums_[g], static_cast<Acc>(d[0]), &sums_[g]);
        ++counts_[g];
      }
    } else if (nl == nullptr) {
      for (size_t i = 0; i < n; ++i) {
        const uint32_t g = groups[i];
        overflow |= AddChecked<Acc>(sums_[g], static_cast<Acc>(d[i]), &sums_[g]);
        ++counts_[g];
      }
    } else {
      for (size_t i = 0; i < n; ++i) {
        if (nl[i] != 0) continue;
        const uint32_t g = groups[i];
        overflow |= AddChecked<Acc>(sums_[g], static_cast<Acc>(d[i]), &sums_[g]);
        ++counts_[g];
      }
    }
    if (overflow) return Status::InvalidArgument("overflow in SUM");
    return Status::OK();
  }
  Status UpdatePartial(const uint32_t* groups, const std::vector<const Vector*>& states,
                       size_t n) override {
    if (!avg_) return Update(groups, states[0], n);
    // AVG's partial state: (sum, count).
    const Vector& sum = *states[0];
    const Vector& count = *states[1];
    const In* sd = sum.data<In>();
    const int64_t* cd = count.data<int64_t>();
    bool overflow = false;
    for (size_t i = 0; i < n; ++i) {
      if (sum.IsNull(i) || count.IsNull(i)) continue;
      const uint32_t g = groups[i];
      overflow |= AddChecked<Acc>(sums_[g], static_cast<Acc>(sd[i]), &sums_[g]);
      counts_[g] += cd[i];
    }
    if (overflow) return Status::InvalidArgument("overflow in AVG");
    return Status::OK();
  }
  Status FinalizePartial(size_t begin, size_t end, const std::vector<DataType>& types,
                         std::vector<Vector>* out) const override {
    if (!avg_) return AggState::FinalizePartial(begin, end, types, out);
    Vector sum(types[0], end - begin);
    Vector count(types[1], end - begin);
    for (size_t g = begin; g < end; ++g) {
      count.mutable_data<int64_t>()[g - begin] = counts_[g];
      if (counts_[g] == 0) {
        sum.SetNull(g - begin);
        continue;
      }
      switch (sum.physical()) {
        case PhysicalType::kInt64:
          if constexpr (!std::is_same_v<Acc, double>) {
            if (sums_[g] > std::numeric_limits<int64_t>::max() ||
                sums_[g] < std::numeric_limits<int64_t>::min()) {
              return Status::InvalidArgument("overflow in AVG");
            }
          }
          sum.mutable_data<int64_t>()[g - begin] = static_cast<int64_t>(sums_[g]);
          break;
        case PhysicalType::kInt128:
          sum.mutable_data<int128_t>()[g - begin] = static_cast<int128_t>(sums_[g]);
          break;
        default:
          sum.mutable_data<double>()[g - begin] = static_cast<double>(sums_[g]);
          break;
      }
    }
    sum.CompactNulls();
    out->push_back(std::move(sum));
    out->push_back(std::move(count));
    return Status::OK();
  }
  Status Merge(const AggState& o, const uint32_t* mapping, size_t m) override {
    const auto& other = static_cast<const SumState&>(o);
    bool overflow = false;
    for (size_t g = 0; g < m; ++g) {
      const uint32_t t = mapping[g];
      overflow |= AddChecked<Acc>(sums_[t], other.sums_[g], &sums_[t]);
      counts_[t] += other.counts_[g];
    }
    if (overflow) return Status::InvalidArgument("overflow in SUM");
    return Status::OK();
  }
  Status Finalize(size_t begin, size_t end, Vector* out) const override {
    if (avg_) {
      double* r = out->mutable_data<double>();
      const double div = static_cast<double>(storage::PowerOfTen(scale_));
      for (size_t g = begin; g < end; ++g) {
        if (counts_[g] == 0) {
          out->SetNull(g - begin);
        } else {
          r[g - begin] = static_cast<double>(sums_[g]) / div / static_cast<double>(counts_[g]);
        }
      }
      return Status::OK();
    }
    for (size_t g = begin; g < end; ++g) {
      if (counts_[g] == 0) {
        out->SetNull(g - begin);
        continue;
      }
      switch (out->physical()) {
        case PhysicalType::kInt64:
          if constexpr (!std::is_same_v<Acc, double>) {
            if (sums_[g] > std::numeric_limits<int64_t>::max() ||
                sums_[g] < std::numeric_limits<int64_t>::min()) {
              return Status::InvalidArgument("overflow in SUM");
            }
          }
          out->mutable_data<int64_t>()[g - begin] = static_cast<int64_t>(sums_[g]);
          break;
        case PhysicalType::kInt128:
          if constexpr (!std::is_same_v<Acc, double>) {
            const int128_t lim = storage::PowerOfTen(38);
            if (sums_[g] >= lim || sums_[g] <= -lim) {
              return Status::InvalidArgument("decimal overflow in SUM");
            }
          }
          out->mutable_data<int128_t>()[g - begin] = static_cast<int128_t>(sums_[g]);
          break;
        case PhysicalType::kDouble:
          out->mutable_data<double>()[g - begin] = static_cast<double>(sums_[g]);
          break;
        default:
          return Status::Internal("SUM into " + out->type().ToString());
      }
    }
    return Status::OK();
  }
  int64_t BytesPerGroup() const override { return sizeof(Acc) + 8; }

 private:
  bool avg_;
  int scale_;
  std::vector<Acc> sums_;
  std::vector<int64_t> counts_;
};

template <typename T, bool kMax>
class MinMaxState : public AggState {
 public:
  void Resize(size_t groups) override {
    values_.resize(groups, T{});
    has_.resize(groups, 0);
  }
  void Put(uint32_t g, T v) {
    if (has_[g] == 0 || (kMax ? v > values_[g] : v < values_[g])) {
      if constexpr (std::is_same_v<T, std::string_view>) {
        values_[g] = arena_.Copy(v);
      } else {
        values_[g] = v;
      }
      has_[g] = 1;
    }
  }
  Status Update(const uint32_t* groups, const Vector* arg, size_t n) override {
    const T* d = arg->data<T>();
    const uint8_t* nl = arg->nulls();
    const size_t step = arg->is_constant() ? 0 : 1;
    for (size_t i = 0; i < n; ++i) {
      if (nl != nullptr && nl[i * step] != 0) continue;
      Put(groups[i], d[i * step]);
    }
    return Status::OK();
  }
  Status Merge(const AggState& o, const uint32_t* mapping, size_t m) override {
    const auto& other = static_cast<const MinMaxState&>(o);
    for (size_t g = 0; g < m; ++g) {
      if (other.has_[g] != 0) Put(mapping[g], other.values_[g]);
    }
    return Status::OK();
  }
  Status Finalize(size_t begin, size_t end, Vector* out) const override {
    T* r = out->mutable_data<T>();
    for (size_t g = begin; g < end; ++g) {
      if (has_[g] == 0) {
        out->SetNull(g - begin);
      } else if constexpr (std::is_same_v<T, std::string_view>) {
        r[g - begin] = out->arena().Copy(values_[g]);
      } else {
        r[g - begin] = values_[g];
      }
    }
    return Status::OK();
  }
  int64_t BytesPerGroup() const override { return sizeof(T) + 1; }

 private:
  std::vector<T> values_;
  std::vector<uint8_t> has_;
  StringArena arena_;
};

// Variance family: count, mean and M2 per group (Welford; Chan's formula to merge).
class VarianceState : public AggState {
 public:
  VarianceState(AggKind kind, DataType arg) : kind_(kind), arg_(arg) {}
  void Resize(size_t groups) override {
    count_.resize(groups, 0);
    mean_.resize(groups, 0);
    m2_.resize(groups, 0);
  }
  Status Update(const uint32_t* groups, const Vector* arg, size_t n) override {
    IBEX_ASSIGN_OR_RETURN(Vector d, CastVector(*arg, DataType::Double(), n));
    const double* x = d.data<double>();
    const size_t step = d.is_constant() ? 0 : 1;
    for (size_t i = 0; i < n; ++i) {
      if (d.IsNull(i * step)) continue;
      const uint32_t g = groups[i];
      const double v = x[i * step];
      const double c = static_cast<double>(++count_[g]);
      const double delta = v - mean_[g];
      mean_[g] += delta / c;
      m2_[g] += delta * (v - mean_[g]);
    }
    return Status::OK();
  }
  Status UpdatePartial(const uint32_t* groups, const std::vector<const Vector*>& states,
                       size_t n) override {
    // (count, sum, sum of squares) -> (count, mean, M2), merged by Chan's formula.
    const Vector& c = *states[0];
    const Vector& s = *states[1];
    const Vector& q = *states[2];
    for (size_t i = 0; i < n; ++i) {
      if (c.IsNull(i) || c.data<int64_t>()[i] == 0) continue;
      const uint32_t g = groups[i];
      const double nb = static_cast<double>(c.data<int64_t>()[i]);
      const double mean_b = s.data<double>()[i] / nb;
      const double m2_b = std::max(0.0, q.data<double>()[i] - s.data<double>()[i] * mean_b);
      const double na = static_cast<double>(count_[g]);
      const double delta = mean_b - mean_[g];
      const double total = na + nb;
      mean_[g] += delta * nb / total;
      m2_[g] += m2_b + delta * delta * na * nb / total;
      count_[g] += c.data<int64_t>()[i];
    }
    return Status::OK();
  }
  Status FinalizePartial(size_t begin, size_t end, const std::vector<DataType>& types,
                         std::vector<Vector>* out) const override {
    Vector c(types[0], end - begin);
    Vector s(types[1], end - begin);
    Vector q(types[2], end - begin);
    for (size_t g = begin; g < end; ++g) {
      const double n = static_cast<double>(count_[g]);
      c.mutable_data<int64_t>()[g - begin] = count_[g];
      s.mutable_data<double>()[g - begin] = mean_[g] * n;
      q.mutable_data<double>()[g - begin] = m2_[g] + n * mean_[g] * mean_[g];
    }
    out->push_back(std::move(c));
    out->push_back(std::move(s));
    out->push_back(std::move(q));
    return Status::OK();
  }
  Status Merge(const AggState& o, const uint32_t* mapping, size_t m) override {
    const auto& other = static_cast<const VarianceState&>(o);
    for (size_t g = 0; g < m; ++g) {
      if (other.count_[g] == 0) continue;
      const uint32_t t = mapping[g];
      const double na = static_cast<double>(count_[t]);
      const double nb = static_cast<double>(other.count_[g]);
      const double delta = other.mean_[g] - mean_[t];
      const double n = na + nb;
      mean_[t] += delta * nb / n;
      m2_[t] += other.m2_[g] + delta * delta * na * nb / n;
      count_[t] += other.count_[g];
    }
    return Status::OK();
  }
  Status Finalize(size_t begin, size_t end, Vector* out) const override {
    double* r = out->mutable_data<double>();
    const bool samp = kind_ == AggKind::kStddevSamp || kind_ == AggKind::kVarSamp;
    const bool root = kind_ == AggKind::kStddevSamp || kind_ == AggKind::kStddevPop;
    for (size_t g = begin; g < end; ++g) {
      const int64_t c = count_[g];
      if (c == 0 || (samp && c < 2)) {
        out->SetNull(g - begin);
        continue;
      }
      const double var = m2_[g] / static_cast<double>(samp ? c - 1 : c);
      r[g - begin] = root ? std::sqrt(var) : var;
    }
    return Status::OK();
  }
  int64_t BytesPerGroup() const override { return 24; }

 private:
  AggKind kind_;
  DataType arg_;
  std::vector<int64_t> count_;
  std::vector<double> mean_;
  std::vector<double> m2_;
};

template <typename Acc>
Result<std::unique_ptr<AggState>> MakeSum(bool avg, const DataType& arg) {
  const int scale = ScaleOf(arg);
  switch (arg.physical()) {
    case PhysicalType::kBool:
      return std::unique_ptr<AggState>(new SumState<uint8_t, Acc>(avg, scale));
    case PhysicalType::kInt32:
      return std::unique_ptr<AggState>(new SumState<int32_t, Acc>(avg, scale));
    case PhysicalType::kInt64:
      return std::unique_ptr<AggState>(new SumState<int64_t, Acc>(avg, scale));
    case PhysicalType::kInt128:
      return std::unique_ptr<AggState>(new SumState<int128_t, Acc>(avg, scale));
    case PhysicalType::kDouble:
      return std::unique_ptr<AggState>(new SumState<double, Acc>(avg, scale));
    default:
      return Status::InvalidArgument("SUM/AVG of " + arg.ToString());
  }
}

template <bool kMax>
std::unique_ptr<AggState> MakeMinMax(const DataType& arg) {
  switch (arg.physical()) {
    case PhysicalType::kBool:
      return std::make_unique<MinMaxState<uint8_t, kMax>>();
    case PhysicalType::kInt32:
      return std::make_unique<MinMaxState<int32_t, kMax>>();
    case PhysicalType::kInt64:
      return std::make_unique<MinMaxState<int64_t, kMax>>();
    case PhysicalType::kInt128:
      return std::make_unique<MinMaxState<int128_t, kMax>>();
    case PhysicalType::kDouble:
      return std::make_unique<MinMaxState<double, kMax>>();
    case PhysicalType::kString:
      return std::make_unique<MinMaxState<std::string_view, kMax>>();
  }
  return nullptr;
}

}  // namespace

std::vector<DataType> PartialStateTypes(AggKind kind, const DataType& arg, const DataType& result) {
  switch (kind) {
    case AggKind::kCountStar:
    case AggKind::kCount:
      return {DataType::Bigint()};
    case AggKind::kSum:
    case AggKind::kMin:
    case AggKind::kMax:
      return {result};
    case AggKind::kAvg: {
      DataType sum = DataType::Double();
      if (arg.is_decimal()) {
        sum = DataType::Decimal(38, arg.scale());
      } else if (IsIntegerLike(arg)) {
        sum = DataType::Bigint();
      }
      return {sum, DataType::Bigint()};
    }
    case AggKind::kStddevSamp:
    case AggKind::kStddevPop:
    case AggKind::kVarSamp:
    case AggKind::kVarPop:
      return {DataType::Bigint(), DataType::Double(), DataType::Double()};
  }
  return {};
}

Result<std::unique_ptr<AggState>> MakeAggState(AggKind kind, const DataType& arg,
                                               const DataType& result) {
  switch (kind) {
    case AggKind::kCountStar:
      return std::unique_ptr<AggState>(new CountState(true));
    case AggKind::kCount:
      return std::unique_ptr<AggState>(new CountState(false));
    case AggKind::kSum:
    case AggKind::kAvg: {
      const bool avg = kind == AggKind::kAvg;
      if (arg.id() == storage::TypeId::kDouble || (!avg && result.id() == storage::TypeId::kDouble)) {
        return MakeSum<double>(avg, arg);
      }
      if (!avg && result.physical() == PhysicalType::kInt64 && !arg.is_decimal()) {
        return MakeSum<int64_t>(avg, arg);
      }
      return MakeSum<int128_t>(avg, arg);
    }
    case AggKind::kMin:
      return MakeMinMax<false>(arg);
    case AggKind::kMax:
      return MakeMinMax<true>(arg);
    case AggKind::kStddevSamp:
    case AggKind::kStddevPop:
    case AggKind::kVarSamp:
    case AggKind::kVarPop:
      return std::unique_ptr<AggState>(new VarianceState(kind, arg));
  }
  return Status::Internal("unknown aggregate");
}

}  // namespace ibex::exec
