// The coordinator's side of a distributed COPY. Executor side: load_executor.cpp.
#include "scheduler/distributed_load.h"

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>

#include "scheduler/load_messages.h"
#include "storage/persist/catalog_store.h"
#include "storage/persist/layout.h"

namespace ibex::scheduler {

// What the fabric's handlers (network thread) hand to Copy (coordinator thread).
struct LoadCoordinator::State {
  std::mutex mu;
  std::condition_variable cv;
  uint64_t load_id = 0;
  bool active = false;
  std::map<int, LoadReport> reports;  // executor rank -> its report (this load)
  std::map<int, LoadDone> dones;      // executor rank -> its done (this load)
  std::map<int, Status> failed;       // rank -> why; kept across loads (a dead rank stays dead)
  bool cancel = false;                // Cancel() was called during this load
};

namespace {

}  // namespace

LoadCoordinator::LoadCoordinator(net::Fabric& fabric, net::ExchangeService& /*exchanges*/,
                                 std::string catalog_root, int executors)
    : fabric_(fabric),
      catalog_root_(std::move(catalog_root)),
      executors_(executors),
      state_(std::make_shared<State>()) {
  IBEX_CHECK_GE(executors, 1);
  IBEX_CHECK_LE(executors, fabric.size() - 1);
  std::shared_ptr<State> state = state_;
  // A message that cannot be decoded is the sender's protocol failure.
  auto protocol_failure = [state](int source, const Status& why) {
    std::lock_guard<std::mutex> lock(state->mu);
    state->failed.emplace(source, why.Annotate("rank " + std::to_string(source)));
    state->cv.notify_all();
  };
  fabric.RegisterControlHandler(
      kLoadReportMessage, [state, protocol_failure](int source, std::span<const std::byte> bytes) {
        auto m = DecodeLoadReport(bytes);
        if (!m.ok()) return protocol_failure(source, m.status());
        std::lock_guard<std::mutex> lock(state->mu);
        if (!state->active || m->load_id != state->load_id) return;  // a load already over
        state->reports[source] = std::move(m).value();
        state->cv.notify_all();
      });
  fabric.RegisterControlHandler(
      kLoadDoneMessage, [state, protocol_failure](int source, std::span<const std::byte> bytes) {
        auto m = DecodeLoadDone(bytes);
        if (!m.ok()) return protocol_failure(source, m.status());
        std::lock_guard<std::mutex> lock(state->mu);
        if (!state->active || m->load_id != state->load_id) return;
        state->dones[source] = std::move(m).value();
        state->cv.notify_all();
      });
  fabric.AddPeerFailureCallback([state](int rank, const Status& why) {
    std::lock_guard<std::mutex> lock(state->mu);
    state->failed.emplace(rank, why);
    state->cv.notify_all();
  });
}

LoadCoordinator::~LoadCoordinator() {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->active = false;
}

namespace {

// The decision to every executor still alive; a send that fails marks its rank failed.
void Decide(net::Fabric& fabric, LoadCoordinator::State& state, int executors,
            const LoadDecision& decision) {
  const std::string bytes = Encode(decision);
  for (int r = 1; r <= executors; ++r) {
    {
      std::lock_guard<std::mutex> lock(state.mu);
      if (state.failed.count(r) != 0) continue;
    }
    Status s = fabric.SendControl(r, kLoadDecisionMessage, AsBytes(bytes));
    if (!s.ok()) {
      std::lock_guard<std::mutex> lock(state.mu);
      state.failed.emplace(r, s);
    }
  }
}

// Waits until every executor has answered the decision or is known dead; returns the first
// error an executor reported while acting on it.
Status WaitDone(LoadCoordinator::State& state, int executors) {
  std::unique_lock<std::mutex> lock(state.mu);
  state.cv.wait(lock, [&] {
    for (int r = 1; r <= executors; ++r) {
      if (state.dones.count(r) == 0 && state.failed.count(r) == 0) return false;
    }
    return true;
  });
  for (const auto& [rank, done] : state.dones) {
    if (!done.status.ok()) return done.status;
  }
  return Status::OK();
}

}  // namespace

Result<std::pair<storage::Catalog, int64_t>> LoadCoordinator::Copy(
    const storage::Catalog& committed, std::string_view table, const std::string& pattern,
    const storage::CopyOptions& options, uint64_t load_id, const std::function<bool()>& cancelled) {
  IBEX_ASSIGN_OR_RETURN(const storage::Table* target, committed.GetTable(table));
  if (committed.num_partitions() != executors_) {
    return Status::InvalidArgument("COPY: the catalog has " +
                                   std::to_string(committed.num_partitions()) +
                                   " partitions but the job has " + std::to_string(executors_) +
                                   " executors");
  }
  auto files = storage::InputFiles::List(pattern);
  if (!files.ok()) return files.status().Annotate("COPY on " + fabric_.Describe(0));
  uint64_t total = 0;
  for (const storage::InputFile& f : *files) total += f.size;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    for (int r = 1; r <= executors_; ++r) {
      auto dead = state_->failed.find(r);
      if (dead != state_->failed.end()) return dead->second.Annotate("COPY");
    }
    state_->load_id = load_id;
    state_->active = true;
    state_->cancel = false;
    state_->reports.clear();
    state_->dones.clear();
  }
  struct Deactivate {
    State& state;
    ~Deactivate() {
      std::lock_guard<std::mutex> lock(state.mu);
      state.active = false;
    }
  } deactivate{*state_};

  const uint64_t epoch = committed.epoch() + 1;
  LoadStart start;
  start.load_id = load_id;
  start.epoch = epoch;
  start.executors = static_cast<uint32_t>(executors_);
  start.table = std::string(table);
  start.options = options;
  start.files = *files;
  start.catalog = committed.Serialize();
  Status failure;
  for (int r = 1; r <= executors_ && failure.ok(); ++r) {
    start.range_begin = total * static_cast<uint64_t>(r - 1) / static_cast<uint64_t>(executors_);
    start.range_end = total * static_cast<uint64_t>(r) / static_cast<uint64_t>(executors_);
    Status s = fabric_.SendControl(r, kLoadStartMessage, AsBytes(Encode(start)));
    if (!s.ok()) {
      std::lock_guard<std::mutex> lock(state_->mu);
      state_->failed.emplace(r, s);
    }
  }

  // Phase 1: every executor prepares its partition (or fails). A bad row does not end the
  // wait: the first bad row in file order is only known when every executor has reported.
  {
    std::unique_lock<std::mutex> lock(state_->mu);
    while (true) {
      for (int r = 1; r <= executors_ && failure.ok(); ++r) {
        auto dead = state_->failed.find(r);
        if (dead != state_->failed.end()) failure = dead->second.Annotate("COPY");
      }
      for (const auto& [rank, report] : state_->reports) {
        if (failure.ok() && !report.status.ok() && !report.bad_row) failure = report.status;
      }
      if (!failure.ok() || static_cast<int>(state_->reports.size()) == executors_) break;
      if (state_->cancel || (cancelled && cancelled())) {
        failure = Status::Cancelled("COPY cancelled");
        break;
      }
      state_->cv.wait(lock);  // reports, failures and Cancel() notify
    }
    if (failure.ok()) {
      const LoadReport* first = nullptr;
      for (const auto& [rank, report] : state_->reports) {
        if (report.bad_row && (first == nullptr || std::make_pair(report.file, report.offset) <
                                                       std::make_pair(first->file, first->offset))) {
          first = &report;
        }
      }
      if (first != nullptr) failure = first->status;
    }
  }
  if (!failure.ok()) {
    // Nothing was committed: every live executor removes what epoch E wrote.
    Decide(fabric_, *state_, executors_, {load_id, LoadVerdict::kAbort, {}});
    Status cleanup = WaitDone(*state_, executors_);
    if (!cleanup.ok()) return failure.Annotate("(clean-up failed too: " + cleanup.ToString() + ")");
    return failure;
  }

  // Phase 2: the commit point, then the executors drop what the new epoch made unreachable.
  std::map<int, LoadReport> reports;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    reports = state_->reports;
  }
  storage::Catalog next = committed;
  storage::Table* t = next.FindMutableTable(table);
  int64_t rows = 0;
  for (int r = 1; r <= executors_; ++r) {
    LoadReport& report = reports[r];
    t->partitions[static_cast<size_t>(r - 1)] = std::move(report.partition);
    rows += report.rows_parsed;
    const bool replicated = target->def.distribution.kind == storage::DistributionKind::kReplicated;
    if (r == 1 || !replicated) t->stats.Merge(report.delta);  // replicas: count one copy
  }
  next.set_epoch(epoch);
  storage::CrashPoint("load.before_commit");
  Status committed_now = storage::CatalogStore::Commit(catalog_root_, next);
  if (!committed_now.ok()) {
    Decide(fabric_, *state_, executors_, {load_id, LoadVerdict::kRelease, {}});
    (void)WaitDone(*state_, executors_);
    return committed_now.Annotate(
        "COPY: committing CATALOG (whether epoch " + std::to_string(epoch) +
        " is committed is decided when CATALOG is next read)");
  }
  Decide(fabric_, *state_, executors_, {load_id, LoadVerdict::kCommit, next.Serialize()});
  // The load is committed whatever happens now: a failed or dead executor's leftovers are
  // removed when its partition is next opened.
  (void)WaitDone(*state_, executors_);
  return std::make_pair(std::move(next), rows);
}

void LoadCoordinator::Cancel() {
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->cancel = true;
  }
  state_->cv.notify_all();
}

}  // namespace ibex::scheduler
