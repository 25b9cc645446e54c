#include "scheduler/coordinator.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <sstream>
#include <thread>

#include "common/thread_name.h"
#include "exec/csv_rows.h"
#include "exec/memory.h"
#include "exec/result_stream.h"
#include "optimizer/distribution.h"
#include "optimizer/fragment.h"
#include "optimizer/planner.h"
#include "scheduler/query_execution.h"
#include "storage/persist/catalog_store.h"
#include "storage/persist/layout.h"

namespace ibex::scheduler {

namespace opt = ibex::optimizer;

namespace {

// How long executors get to confirm the end of a query that failed or was cancelled before
// the coordinator gives up on them (they are told at once; this only bounds a lost reply).
constexpr auto kCancelGrace = std::chrono::seconds(10);
// How long executors get to apply a committed catalog (they may be finishing a cancelled query).
constexpr auto kCatalogAckTimeout = std::chrono::seconds(60);

// Wakes a thread blocked in poll() when the user presses Ctrl-C (the CancelToken writes the
// eventfd from the signal handler), when the statement's deadline passes, or when the query
// ends; on the first two it cancels the query. No polling loop: poll() sleeps until one of
// those happens.
class CancelWatcher {
 public:
  CancelWatcher(sql::CancelToken& token, int64_t timeout_ms, std::function<void(Status)> cancel)
      : token_(token), fd_(eventfd(0, EFD_CLOEXEC)) {
    if (fd_ < 0) return;  // no watcher: Ctrl-C still reaches the workers through the flag
    token_.set_notify_fd(fd_);
    if (token_.cancelled()) Notify();
    thread_ = std::thread([this, timeout_ms, cancel = std::move(cancel)] {
      NameThisThread("ibex-cancel");
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
      while (true) {
        int wait = -1;
        if (timeout_ms > 0) {
          auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
          wait = static_cast<int>(std::max<int64_t>(0, left));
        }
        pollfd p{fd_, POLLIN, 0};
        int n = poll(&p, 1, wait);
        if (done_.load()) return;
        if (n == 0) {
          cancel(Status::Timeout("canceling statement due to statement timeout (" +
                                 std::to_string(timeout_ms) + " ms)"));
          return;
        }
        if (n > 0) {
          uint64_t v;
          [[maybe_unused]] ssize_t r = read(fd_, &v, sizeof(v));
          if (token_.cancelled()) {
            cancel(Status::Cancelled("canceling statement due to user request"));
            return;
          }
        }
      }
    });
  }
  ~CancelWatcher() {
    if (fd_ < 0) return;
    done_.store(true);
    Notify();
    if (thread_.joinable()) thread_.join();
    token_.set_notify_fd(-1);
    close(fd_);
  }

 private:
  void Notify() {
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t n = write(fd_, &one, sizeof(one));
  }
  sql::CancelToken& token_;
  int fd_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

// A fragment an executor does not run: its output schema, no plan.
opt::PlanNode StubOf(const opt::PlanNode& root) {
  opt::PlanNode stub;
  stub.id = root.id;
  stub.schema = root.schema;
  stub.estimated_rows = root.estimated_rows;
  stub.payload = opt::ValuesSpec{};
  return stub;
}

// Whether `s` is only the echo of a cancellation (so a more telling error wins).
bool IsEcho(const Status& s) { return s.code() == StatusCode::kCancelled; }

}  // namespace

Coordinator::Coordinator(net::Fabric& fabric, net::ExchangeService& exchanges,
                         storage::Catalog catalog, std::string data_dir, int workers,
                         std::string ranks_text)
    : fabric_(fabric),
      exchanges_(exchanges),
      catalog_(std::move(catalog)),
      data_dir_(std::move(data_dir)),
      catalog_root_(storage::ExpandDataDir(data_dir_, 0)),
      loader_(fabric, exchanges, catalog_root_, fabric.size() - 1),
      executor_(workers),
      ranks_text_(std::move(ranks_text)),
      executors_(fabric.size() - 1),
      queries_run_(static_cast<size_t>(fabric.size()), 0),
      busy_ns_(static_cast<size_t>(fabric.size()), 0) {
  fabric_.RegisterControlHandler(kControlQueryDone, [this](int source, std::span<const std::byte> p) {
    OnQueryDone(source, p);
  });
  fabric_.RegisterControlHandler(kControlCatalogAck, [this](int source, std::span<const std::byte> p) {
    OnCatalogAck(source, p);
  });
  fabric_.RegisterControlHandler(kControlWorkRequest, [this](int source, std::span<const std::byte> p) {
    OnWorkRequest(source, p);
  });
  failure_callback_ =
      fabric_.AddPeerFailureCallback([this](int rank, const Status& why) { OnPeerFailed(rank, why); });
}

// The fabric outlives us: an executor that exits at the end of the job makes it call the
// failure callback, after the shell has destroyed the coordinator.
Coordinator::~Coordinator() {
  fabric_.RemovePeerFailureCallback(failure_callback_);
  fabric_.UnregisterControlHandler(kControlQueryDone);
  fabric_.UnregisterControlHandler(kControlCatalogAck);
  fabric_.UnregisterControlHandler(kControlWorkRequest);
}

Result<std::unique_ptr<Coordinator>> Coordinator::Open(net::Fabric& fabric,
                                                       net::ExchangeService& exchanges,
                                                       const std::string& data_dir, int workers,
                                                       std::string ranks_text) {
  const int executors = fabric.size() - 1;
  if (executors < 1) return Status::InvalidArgument("a distributed job needs at least one executor");
  IBEX_ASSIGN_OR_RETURN(storage::Catalog catalog,
                        storage::CatalogStore::Open(storage::ExpandDataDir(data_dir, 0), executors));
  std::unique_ptr<Coordinator> c(new Coordinator(fabric, exchanges, std::move(catalog), data_dir,
                                                 std::max(1, workers), std::move(ranks_text)));
  IBEX_RETURN_IF_ERROR(c->PublishCatalog());
  return c;
}

void Coordinator::Broadcast(uint16_t type, const std::string& bytes) {
  for (int r = 1; r <= executors_; ++r) {
    if (fabric_.PeerStatus(r).ok()) (void)fabric_.SendControl(r, type, AsBytes(bytes));
  }
}

Status Coordinator::ExecutorsAlive() const {
  std::lock_guard lock(mu_);
  if (failed_.empty()) return Status::OK();
  std::string text;
  for (const auto& [rank, why] : failed_) {
    if (!text.empty()) text += "; ";
    text += why;
  }
  return Status::PeerFailed("executor gone: " + text +
                            " (the job cannot run queries without it; restart the job)");
}

Status Coordinator::PublishCatalog() {
  IBEX_RETURN_IF_ERROR(ExecutorsAlive());
  const std::string bytes = EncodeCatalog(catalog_);
  {
    std::lock_guard lock(mu_);
    publishing_epoch_ = catalog_.epoch();
    acks_waiting_.clear();
    for (int r = 1; r <= executors_; ++r) acks_waiting_.insert(r);
    ack_error_ = Status::OK();
  }
  Broadcast(kControlCatalog, bytes);
  std::unique_lock lock(mu_);
  // Bounded: an executor still busy (a cancelled query that ignores the cancel) is named.
  if (!cv_.wait_for(lock, kCatalogAckTimeout, [&] { return acks_waiting_.empty(); })) {
    std::string ranks;
    for (int r : acks_waiting_) ranks += (ranks.empty() ? "" : ", ") + fabric_.Describe(r);
    return Status::Timeout("the catalog was committed but " + ranks + " did not apply it within " +
                           std::to_string(kCatalogAckTimeout.count()) + " s");
  }
  return ack_error_;
}

void Coordinator::OnCatalogAck(int source, std::span<const std::byte> payload) {
  Result<CatalogAck> ack = DecodeCatalogAck(payload);
  if (!ack.ok()) {
    fabric_.FailPeer(source, ack.status().message());
    return;
  }
  std::lock_guard lock(mu_);
  if (ack->epoch != publishing_epoch_ || acks_waiting_.erase(source) == 0) return;
  if (!ack->status.ok() && ack_error_.ok()) ack_error_ = ack->status;
  cv_.notify_all();
}

void Coordinator::OnQueryDone(int source, std::span<const std::byte> payload) {
  Result<QueryDone> done = DecodeQueryDone(payload);
  if (!done.ok()) {
    fabric_.FailPeer(source, done.status().message());
    return;
  }
  std::lock_guard lock(mu_);
  if (done->query != running_ || waiting_.erase(source) == 0) return;
  for (FragmentReport& r : done->reports) {
    busy_ns_[static_cast<size_t>(source)] += r.time_ns;
    reports_.emplace_back(source, std::move(r));
  }
  ++queries_run_[static_cast<size_t>(source)];
  if (!done->status.ok()) {
    if (remote_error_.ok() || (IsEcho(remote_error_) && !IsEcho(done->status))) {
      remote_error_ = done->status;
    }
    if (local_ != nullptr) local_->Cancel(done->status);
  }
  cv_.notify_all();
}

void Coordinator::OnWorkRequest(int source, std::span<const std::byte> payload) {
  Result<WorkRequest> request = DecodeWorkRequest(payload);
  if (!request.ok()) {
    fabric_.FailPeer(source, request.status().message());
    return;
  }
  WorkGrant grant;
  grant.query = request->query;
  grant.fragment = request->fragment;
  grant.node = request->node;
  {
    std::lock_guard lock(mu_);
    if (request->query != running_ || foreman_ == nullptr) return;  // a finished query's
    Foreman::Batch batch = foreman_->Next(source, request->fragment, request->node, request->want);
    grant.orders = std::move(batch.orders);
    grant.last = batch.last;
  }
  (void)fabric_.SendControl(source, kControlWorkGrant, AsBytes(EncodeWorkGrant(grant)));
}

bool Coordinator::StealingAllowed() const {
  if (work_stealing_ == "on") return true;
  if (work_stealing_ == "off") return false;
  // auto: one data directory (no per-rank %r) that every executor sees because they all run
  // on the coordinator's node.
  if (data_dir_.find("%r") != std::string::npos) return false;
  for (int r = 1; r <= executors_; ++r) {
    if (fabric_.host(r) != fabric_.host(0)) return false;
  }
  return true;
}

void Coordinator::OnPeerFailed(int rank, const Status& why) {
  std::lock_guard lock(mu_);
  failed_.emplace(rank, why.message());
  Status err = Status::PeerFailed("executor " + why.message());
  if (why.message().rfind("rank", 0) != 0) {
    err = Status::PeerFailed("executor " + fabric_.Describe(rank) + " failed: " + why.message());
  }
  if (running_ != 0 && waiting_.erase(rank) > 0) {
    if (remote_error_.ok() || IsEcho(remote_error_)) remote_error_ = err;
    if (local_ != nullptr) local_->Cancel(err);
  }
  if (acks_waiting_.erase(rank) > 0 && ack_error_.ok()) ack_error_ = err;
  cv_.notify_all();
}

Result<opt::FragmentedPlan> Coordinator::Fragment(opt::PhysicalPlan plan) {
  IBEX_RETURN_IF_ERROR(opt::Distribute(&plan, catalog_, executors_, distribute_));
  return opt::CutFragments(plan, catalog_, executors_);
}

Result<opt::FragmentedPlan> Coordinator::Plan(const sql::BoundStatement& bound) {
  IBEX_ASSIGN_OR_RETURN(opt::PhysicalPlan plan, opt::PlanStatement(bound, catalog_));
  if (plan.root.kind() == opt::NodeKind::kSink) {
    // EXPLAIN of an INSERT shows the distributed plan of the rows it inserts.
    opt::PhysicalPlan input;
    input.root = plan.root.children[0];
    input.param_count = plan.param_count;
    input.param_types = plan.param_types;
    return Fragment(std::move(input));
  }
  return Fragment(std::move(plan));
}

// INSERT / CREATE TABLE AS: the rows are computed by a distributed query gathered here, then
// loaded like a COPY (exec/csv_rows.h), which commits them all or nothing and publishes the
// new catalog.
Result<int64_t> Coordinator::Insert(opt::PhysicalPlan plan, sql::CancelToken& cancel) {
  const opt::SinkSpec spec = plan.root.As<opt::SinkSpec>();
  if (spec.create_table) {
    storage::Catalog next = catalog_;
    IBEX_RETURN_IF_ERROR(next.CreateTable(*spec.create_table));
    IBEX_RETURN_IF_ERROR(CommitCatalog(std::move(next)));
  }
  IBEX_ASSIGN_OR_RETURN(const storage::Table* table, catalog_.GetTable(spec.table));
  const uint64_t table_id = table->table_id;
  opt::PhysicalPlan input;
  input.root = std::move(plan.root.children[0]);
  input.param_count = plan.param_count;
  input.param_types = plan.param_types;
  IBEX_ASSIGN_OR_RETURN(opt::FragmentedPlan fragments, Fragment(std::move(input)));
  RunResult run = RunDistributed(fragments, false, cancel);
  IBEX_RETURN_IF_ERROR(run.status);
  int64_t rows = static_cast<int64_t>(run.local->result()->rows());
  if (rows > 0) {
    const std::string path = storage::ExpandDataDir(data_dir_, 0) + "/.insert-" +
                             std::to_string(table_id) + ".csv";
    IBEX_RETURN_IF_ERROR(
        exec::WriteRowsAsCsv(run.local->result()->chunks(), spec.columns, path).status());
    storage::CopyOptions options;
    options.format = storage::FileFormat::kCsv;
    Result<int64_t> loaded = Copy(spec.table, path, options, cancel);
    std::remove(path.c_str());
    IBEX_RETURN_IF_ERROR(loaded.status());
    rows = *loaded;
  }
  if (shell_catalog_ != nullptr) *shell_catalog_ = catalog_;
  return rows;
}

Status Coordinator::CommitCatalog(storage::Catalog next) {
  next.set_epoch(catalog_.epoch() + 1);
  IBEX_RETURN_IF_ERROR(storage::CatalogStore::Commit(catalog_root_, next));
  catalog_ = std::move(next);
  return PublishCatalog();
}

Result<int64_t> Coordinator::Copy(const std::string& table, const std::string& pattern,
                                  const storage::CopyOptions& options, sql::CancelToken& cancel) {
  IBEX_RETURN_IF_ERROR(ExecutorsAlive());
  Result<std::pair<storage::Catalog, int64_t>> loaded = Status::Internal("COPY did not run");
  {
    CancelWatcher watcher(cancel, statement_timeout_ms_, [this](const Status&) { loader_.Cancel(); });
    loaded = loader_.Copy(catalog_, table, pattern, options, next_load_++,
                          [&cancel] { return cancel.cancelled(); });
  }
  if (!loaded.ok()) {
    // A failed commit may or may not have moved CATALOG: read it back.
    auto reread = storage::CatalogStore::Open(catalog_root_, executors_);
    if (reread.ok() && reread->epoch() != catalog_.epoch()) {
      catalog_ = std::move(*reread);
      (void)PublishCatalog();
    }
    return loaded.status();
  }
  catalog_ = std::move(loaded->first);
  IBEX_RETURN_IF_ERROR(PublishCatalog());
  return loaded->second;
}

Coordinator::RunResult Coordinator::RunDistributed(const opt::FragmentedPlan& plan, bool analyze,
                                                   sql::CancelToken& cancel) {
  RunResult out;
  const auto t0 = std::chrono::steady_clock::now();
  out.status = ExecutorsAlive();
  if (!out.status.ok()) return out;
  const uint64_t id = next_query_++;

  QueryContext ctx;
  ctx.exchanges = &exchanges_;
  ctx.executor = &executor_;
  ctx.memory_limit = memory_limit_;
  ctx.user_cancelled = [&cancel] { return cancel.cancelled(); };
  out.local = std::make_unique<QueryExecution>(id, plan, executors_, std::vector<storage::Value>{},
                                               analyze, std::move(ctx));
  QueryExecution* local = out.local.get();
  out.status = local->Open();
  if (!out.status.ok()) return out;

  StartQuery start;
  start.query = id;
  start.executors = executors_;
  start.plan = plan;
  start.analyze = analyze;
  {
    std::lock_guard lock(mu_);
    running_ = id;
    waiting_.clear();
    for (int r = 1; r <= executors_; ++r) waiting_.insert(r);
    remote_error_ = Status::OK();
    reports_.clear();
    local_ = local;
    foreman_ = std::make_unique<Foreman>(plan, local->layout(), catalog_, StealingAllowed());
  }
  // Each executor gets the plans of the fragments it runs; of the others only what the layout
  // and its receivers need (place, consumer, output exchange, schema).
  for (int r = 1; r <= executors_; ++r) {
    if (!fabric_.PeerStatus(r).ok()) continue;
    StartQuery mine = start;
    for (opt::Fragment& f : mine.plan.fragments) {
      if (!local->layout().RunsOn(f.id, r)) f.root = StubOf(f.root);
    }
    (void)fabric_.SendControl(r, kControlStartQuery, AsBytes(EncodeStartQuery(mine)));
  }

  bool cancelled = false;  // guarded by mu_: cancel_everywhere ran
  auto cancel_everywhere = [this, local, id, &cancelled](const Status& why) {
    local->Cancel(why);
    Broadcast(kControlCancelQuery, EncodeCancelQuery(CancelQuery{id, why}));
    std::lock_guard lock(mu_);
    cancelled = true;
    cv_.notify_all();
  };
  Status st;
  {
    CancelWatcher watcher(cancel, statement_timeout_ms_, cancel_everywhere);
    st = local->Run();
    if (!st.ok()) cancel_everywhere(st);
    std::unique_lock lock(mu_);
    if (st.ok()) {
      // The root has its result; the executors' QueryDone may still be on its way. Ctrl-C or
      // the timeout ends this wait too (then bounded by kCancelGrace below): an executor that
      // hangs after sending its last rows must not hang the shell.
      cv_.wait(lock, [&] { return waiting_.empty() || !remote_error_.ok() || cancelled; });
    }
    if (!waiting_.empty()) {
      if (!remote_error_.ok()) {
        lock.unlock();
        cancel_everywhere(remote_error_);
        lock.lock();
      }
      if (!cv_.wait_for(lock, kCancelGrace, [&] { return waiting_.empty(); })) {
        std::string ranks;
        for (int r : waiting_) ranks += (ranks.empty() ? "" : ", ") + fabric_.Describe(r);
        if (st.ok()) st = Status::Timeout("query " + std::to_string(id) + ": " + ranks +
                                          " did not confirm the end of the query");
      }
    }
    Status remote = remote_error_;
    if (!remote.ok() && (st.ok() || (IsEcho(st) && !IsEcho(remote)))) st = remote;
    out.reports = std::move(reports_);
    out.foreman = foreman_ ? foreman_->Summary() : "";
    running_ = 0;
    local_ = nullptr;
    foreman_.reset();
  }
  if (!st.ok() && cancel.cancelled() && st.code() == StatusCode::kCancelled) {
    st = Status::Cancelled("canceling statement due to user request");
  }
  out.status = st;
  for (const FragmentReport& r : local->reports()) out.reports.emplace_back(0, r);
  out.millis = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

Status Coordinator::Query(const sql::BoundStatement& bound, sql::ResultSink& sink,
                          sql::CancelToken& cancel) {
  IBEX_ASSIGN_OR_RETURN(opt::PhysicalPlan physical, opt::PlanStatement(bound, catalog_));
  if (physical.root.kind() == opt::NodeKind::kSink) {
    const bool create = physical.root.As<opt::SinkSpec>().create_table.has_value();
    IBEX_ASSIGN_OR_RETURN(int64_t rows, Insert(std::move(physical), cancel));
    return sink.Message(create ? "SELECT " + std::to_string(rows) : "INSERT 0 " + std::to_string(rows));
  }
  IBEX_ASSIGN_OR_RETURN(opt::FragmentedPlan plan, Fragment(std::move(physical)));
  RunResult run = RunDistributed(plan, false, cancel);
  IBEX_RETURN_IF_ERROR(run.status);
  return exec::StreamQueryResult(bound, plan.fragments[0].root.schema, *run.local->result(), sink,
                                 cancel);
}

Status Coordinator::Explain(const sql::BoundStatement& bound, sql::ResultSink& sink,
                            sql::CancelToken& cancel) {
  IBEX_ASSIGN_OR_RETURN(opt::FragmentedPlan plan, Plan(bound));
  std::string text = opt::ExplainFragments(plan);
  if (bound.ast->analyze) {
    RunResult run = RunDistributed(plan, true, cancel);
    IBEX_RETURN_IF_ERROR(run.status);
    text += "Per rank:\n";
    for (const opt::Fragment& f : plan.fragments) {
      for (const auto& [rank, r] : run.reports) {
        if (r.fragment != f.id) continue;
        char buf[256];
        std::snprintf(buf, sizeof(buf),
                      "Fragment %d on rank %d: time=%.2fms sent=%s received=%s network_wait=%.2fms\n",
                      f.id, rank, static_cast<double>(r.time_ns) / 1e6,
                      exec::FormatBytes(r.bytes_sent).c_str(),
                      exec::FormatBytes(r.bytes_received).c_str(),
                      static_cast<double>(r.network_wait_ns) / 1e6);
        text += buf;
        std::istringstream lines(r.operators);
        std::string line;
        while (std::getline(lines, line)) text += "  " + line + "\n";
      }
    }
    if (!run.foreman.empty()) {
      text += std::string("Work orders (work stealing ") + (StealingAllowed() ? "on" : "off") + "):\n";
      std::istringstream lines(run.foreman);
      std::string line;
      while (std::getline(lines, line)) text += "  " + line + "\n";
    }
    int64_t sent = 0;
    for (const auto& [rank, r] : run.reports) sent += r.bytes_sent;
    char buf[200];
    std::snprintf(buf, sizeof(buf), "Total: %.2f ms, %zu rows, %s sent over the network, %d executors\n",
                  run.millis, run.local->result()->rows(), exec::FormatBytes(sent).c_str(), executors_);
    text += buf;
  }
  return exec::StreamPlanText(text, sink);
}

Status Coordinator::Execute(const sql::BoundStatement& bound, sql::ResultSink& sink,
                            sql::CancelToken& cancel) {
  switch (bound.kind()) {
    case sql::ast::StatementKind::kCopy: {
      IBEX_ASSIGN_OR_RETURN(int64_t rows,
                            Copy(bound.copy.table, bound.copy.path, bound.copy.options, cancel));
      if (shell_catalog_ != nullptr) *shell_catalog_ = catalog_;
      return sink.Message("COPY " + std::to_string(rows));
    }
    case sql::ast::StatementKind::kExplain:
      return Explain(bound, sink, cancel);
    case sql::ast::StatementKind::kSelect:
    case sql::ast::StatementKind::kExecute:
    case sql::ast::StatementKind::kInsert:
    case sql::ast::StatementKind::kCreateTableAs:
      return Query(bound, sink, cancel);
    default:
      return Status::NotSupported(std::string(sql::StatementKindName(bound.kind())) +
                                  " is not supported on several executors yet");
  }
}

Status Coordinator::CatalogChanged(const storage::Catalog& catalog) {
  IBEX_RETURN_IF_ERROR(ExecutorsAlive());
  storage::Catalog next = catalog_;
  const uint64_t version = next.schema_version();
  IBEX_RETURN_IF_ERROR(next.ApplyDefinitions(catalog));
  if (next.schema_version() == version) return Status::OK();
  return CommitCatalog(std::move(next));
}

Status Coordinator::SettingChanged(const std::string& name, const std::string& value) {
  std::string v = sql::SettingText(value);
  if (name == "memory_limit") {
    IBEX_ASSIGN_OR_RETURN(memory_limit_, exec::ParseMemorySize(v));
  } else if (name == "join_distribution") {
    for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (v == "automatic") {
      distribute_.joins = opt::JoinDistribution::kAutomatic;
    } else if (v == "partitioned") {
      distribute_.joins = opt::JoinDistribution::kPartitioned;
    } else {
      return Status::InvalidArgument("join_distribution: '" + v +
                                     "' is not one of automatic, partitioned");
    }
  } else if (name == "work_stealing") {
    for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (v != "auto" && v != "on" && v != "off") {
      return Status::InvalidArgument("work_stealing: '" + v + "' is not one of auto, on, off");
    }
    work_stealing_ = v;
  } else if (name == "statement_timeout") {
    // PostgreSQL's forms: a number of milliseconds, or with a unit: ms, s, min. 0: none.
    size_t end = 0;
    double n = 0;
    try {
      n = std::stod(v, &end);
    } catch (const std::exception&) {
      return Status::InvalidArgument("statement_timeout: '" + v + "' is not a duration (e.g. 5s, 500ms, 2min)");
    }
    std::string unit = v.substr(end);
    while (!unit.empty() && unit.front() == ' ') unit.erase(unit.begin());
    double ms = unit.empty() || unit == "ms" ? n : unit == "s" ? n * 1000 : unit == "min" ? n * 60000 : -1;
    if (ms < 0 || n < 0) {
      return Status::InvalidArgument("statement_timeout: '" + v + "' is not a duration (e.g. 5s, 500ms, 2min)");
    }
    statement_timeout_ms_ = static_cast<int64_t>(ms);
  }
  return Status::OK();
}

std::string Coordinator::DescribeRanks() {
  std::string out = ranks_text_;
  std::lock_guard lock(mu_);
  for (int r = 1; r <= executors_; ++r) {
    char buf[200];
    auto it = failed_.find(r);
    std::string state = it != failed_.end()       ? "failed: " + it->second
                        : waiting_.count(r) != 0  ? "running query " + std::to_string(running_)
                                                  : "idle";
    std::snprintf(buf, sizeof(buf), "executor rank %d: %s, %lld queries, %.2f s busy\n", r,
                  state.c_str(), static_cast<long long>(queries_run_[static_cast<size_t>(r)]),
                  static_cast<double>(busy_ns_[static_cast<size_t>(r)]) / 1e9);
    out += buf;
  }
  return out;
}

}  // namespace ibex::scheduler
