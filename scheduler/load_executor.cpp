// The executor's side of a distributed COPY (scheduler/distributed_load.h). One load thread
// takes loads from a queue the control handlers fill; per load it runs `workers` parsing
// threads (RangeParser + RowRouter), one receiving thread, and the partition's builder.
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "common/thread_name.h"
#include "scheduler/distributed_load.h"
#include "scheduler/load_channel.h"
#include "scheduler/load_messages.h"
#include "scheduler/row_frames.h"
#include "storage/loader/input_files.h"
#include "storage/loader/partition_builder.h"
#include "storage/loader/range_parser.h"
#include "storage/persist/layout.h"
#include "storage/persist/partition_store.h"

namespace ibex::scheduler {
namespace {

// One load as the handlers and the load thread share it.
struct Running {
  explicit Running(uint64_t id) : load_id(id), signal(std::make_shared<LoadSignal>()) {}
  uint64_t load_id;
  std::shared_ptr<LoadSignal> signal;     // wakes the load's waits; aborted by the coordinator
  std::optional<LoadDecision> decision;   // guarded by State::mu
};

// What one load holds while it runs; destroyed in member order reversed.
struct LoadRun {
  storage::Catalog committed;
  const storage::Table* table = nullptr;
  std::unique_ptr<storage::PartitionStore> store;
  std::unique_ptr<storage::InputFiles> files;
  storage::BatchKeeper keeper;
  std::unique_ptr<storage::PartitionBuilder> builder;
};

}  // namespace

struct LoadExecutor::State {
  State(net::Fabric& f, net::ExchangeService& e, std::string root, int w)
      : fabric(f), exchanges(e), data_root(std::move(root)), workers(w) {}

  void Loop();
  void RunLoad(const LoadStart& start, Running& running);
  // Everything up to the partition's manifest under epoch E; fills the report.
  void Prepare(const LoadStart& start, Running& running, LoadRun* run, LoadReport* report);
  Status Act(const LoadDecision& decision, const LoadRun& run);
  std::string Where() const { return "COPY on " + fabric.Describe(fabric.rank()); }

  net::Fabric& fabric;
  net::ExchangeService& exchanges;
  const std::string data_root;
  const int workers;

  std::mutex mu;  // guards what follows
  std::condition_variable cv;
  bool stopping = false;
  bool coordinator_lost = false;
  std::deque<LoadStart> queue;
  std::map<uint64_t, std::shared_ptr<Running>> loads;  // queued or running
  std::thread thread;
};

LoadExecutor::LoadExecutor(net::Fabric& fabric, net::ExchangeService& exchanges,
                           std::string data_root, int workers)
    : state_(std::make_shared<State>(fabric, exchanges, std::move(data_root), std::max(workers, 1))) {
  IBEX_CHECK_GE(fabric.rank(), 1);
  std::shared_ptr<State> state = state_;
  fabric.RegisterControlHandler(
      kLoadStartMessage, [state](int source, std::span<const std::byte> bytes) {
        auto m = DecodeLoadStart(bytes);
        if (!m.ok()) {
          // Answer what can be answered: the id is the first field.
          LoadReport report;
          if (bytes.size() >= 8) std::memcpy(&report.load_id, bytes.data(), 8);
          report.status = m.status().Annotate(state->Where());
          (void)state->fabric.SendControl(source, kLoadReportMessage, AsBytes(Encode(report)));
          return;
        }
        std::lock_guard<std::mutex> lock(state->mu);
        if (state->stopping) return;
        state->loads[m->load_id] = std::make_shared<Running>(m->load_id);
        state->queue.push_back(std::move(m).value());
        state->cv.notify_all();
      });
  fabric.RegisterControlHandler(
      kLoadDecisionMessage, [state](int /*source*/, std::span<const std::byte> bytes) {
        auto m = DecodeLoadDecision(bytes);
        if (!m.ok()) return;  // the coordinator then waits for this rank in vain: cannot be
                              // (same build); a protocol check would only move the hang
        std::lock_guard<std::mutex> lock(state->mu);
        auto it = state->loads.find(m->load_id);
        if (it == state->loads.end()) return;
        if (m->verdict != LoadVerdict::kCommit) {
          it->second->signal->Abort(Status::Cancelled("COPY aborted by the coordinator"));
        }
        it->second->decision = std::move(m).value();
        state->cv.notify_all();
      });
  fabric.AddPeerFailureCallback([state](int rank, const Status& why) {
    if (rank != 0) return;  // a dead executor fails our exchanges; the coordinator decides
    std::lock_guard<std::mutex> lock(state->mu);
    state->coordinator_lost = true;
    for (auto& [id, running] : state->loads) running->signal->Abort(why);
    state->cv.notify_all();
  });
  state_->thread = std::thread([state] {
    NameThisThread("ibex-load");
    state->Loop();
  });
}

LoadExecutor::~LoadExecutor() {
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->stopping = true;
    for (auto& [id, running] : state_->loads) {
      running->signal->Abort(Status::Cancelled("COPY: the executor is shutting down"));
    }
    state_->cv.notify_all();
  }
  state_->thread.join();
}

void LoadExecutor::State::Loop() {
  while (true) {
    LoadStart start;
    std::shared_ptr<Running> running;
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return stopping || !queue.empty(); });
      if (stopping) return;
      start = std::move(queue.front());
      queue.pop_front();
      running = loads[start.load_id];
    }
    RunLoad(start, *running);
    std::lock_guard<std::mutex> lock(mu);
    loads.erase(start.load_id);
  }
}

void LoadExecutor::State::RunLoad(const LoadStart& start, Running& running) {
  LoadRun run;
  LoadReport report;
  report.load_id = start.load_id;
  Prepare(start, running, &run, &report);
  bool send_report = false;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (coordinator_lost || stopping) return;
    send_report = !running.decision;  // after an abort nobody waits for the report
  }
  // A send fails only when rank 0 is gone, which the failure callback handles.
  if (send_report) (void)fabric.SendControl(0, kLoadReportMessage, AsBytes(Encode(report)));
  LoadDecision decision;
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return running.decision || coordinator_lost || stopping; });
    // Without the coordinator nobody knows whether CATALOG moved to epoch E: touch nothing,
    // the next open of this partition recovers it to whatever CATALOG says.
    if (!running.decision) return;
    decision = *running.decision;
  }
  LoadDone done{start.load_id, Act(decision, run)};
  (void)fabric.SendControl(0, kLoadDoneMessage, AsBytes(Encode(done)));
}

Status LoadExecutor::State::Act(const LoadDecision& decision, const LoadRun& run) {
  if (decision.verdict == LoadVerdict::kRelease) return Status::OK();
  if (decision.verdict == LoadVerdict::kAbort) {
    if (run.store == nullptr) return Status::OK();  // never opened: nothing written
    return run.store->Recover(run.committed).Annotate(Where() + ": removing epoch files");
  }
  auto next = storage::Catalog::Deserialize(decision.catalog);
  if (!next.ok()) return next.status().Annotate(Where());
  if (run.store == nullptr) return Status::Internal(Where() + ": commit without a prepared partition");
  IBEX_RETURN_IF_ERROR(run.store->Recover(*next).Annotate(Where() + ": after the commit"));
  storage::CrashPoint("gc.partition_done");
  return Status::OK();
}

void LoadExecutor::State::Prepare(const LoadStart& start, Running& running, LoadRun* run,
                                  LoadReport* report) {
  const int rank = fabric.rank();
  const int partition = rank - 1;
  const int executors = static_cast<int>(start.executors);
  auto fail = [&](Status s) { report->status = s.Annotate(Where()); };
  auto catalog = storage::Catalog::Deserialize(start.catalog);
  if (!catalog.ok()) return fail(catalog.status());
  run->committed = std::move(catalog).value();
  auto table = run->committed.GetTable(start.table);
  if (!table.ok()) return fail(table.status());
  run->table = *table;
  if (run->committed.num_partitions() != executors || partition >= executors) {
    return fail(Status::InvalidArgument("rank " + std::to_string(rank) + " is not one of the " +
                                        std::to_string(executors) + " executors of the catalog"));
  }
  auto store = storage::PartitionStore::Open(data_root, partition, run->committed);
  if (!store.ok()) return fail(store.status());
  run->store = std::move(store).value();
  // The input must be visible here, and the same as where the coordinator listed it.
  auto files = storage::InputFiles::Map(start.files, start.options, /*populate=*/false);
  if (!files.ok()) return fail(files.status());
  run->files = std::move(files).value();

  const net::ExchangeKey key = LoadExchangeKey(start.load_id);
  std::vector<int> peers;
  for (int r = 1; r <= executors; ++r) peers.push_back(r);
  auto sender = exchanges.OpenSender(key, peers);
  if (!sender.ok()) return fail(sender.status());
  auto receiver = exchanges.OpenReceiver(key, peers);
  if (!receiver.ok()) return fail(receiver.status());
  LoadSender out(std::move(sender).value(), running.signal);
  std::unique_ptr<net::ExchangeReceiver> in = std::move(receiver).value();
  struct Forget {  // late data of this load is dropped once it is over here
    net::ExchangeService& exchanges;
    uint64_t query;
    ~Forget() { exchanges.ForgetQuery(query); }
  } forget{exchanges, key.query};

  const storage::Table& t = *run->table;
  run->builder = std::make_unique<storage::PartitionBuilder>(t, *run->store, start.epoch,
                                                             start.options.block_rows);
  storage::PartitionBuilder& builder = *run->builder;
  std::atomic<bool> discard{false};  // a bad row: the load will fail, stop building

  Status received;
  std::thread receiving([&] {
    received = ReceiveAll(in.get(), running.signal, [&](std::span<const std::byte> frame, int) {
      if (discard) return Status::OK();
      IBEX_ASSIGN_OR_RETURN(storage::Columns columns, DecodeFrame(t.def, frame));
      return builder.Add(&columns);
    });
    // Senders toward a receiver that stopped early must not wait for it.
    if (!received.ok()) running.signal->Abort(received);
  });

  const size_t frame_bytes = exchanges.options().slot_bytes;
  const bool replicated = t.def.distribution.kind == storage::DistributionKind::kReplicated;
  auto make_sink = [&](int) -> std::unique_ptr<storage::BatchSink> {
    auto scratch = std::make_shared<std::vector<std::byte>>();
    auto send = [&out, scratch, frame_bytes](int dest, const storage::Columns& columns) {
      return EncodeFrames(columns, frame_bytes, scratch.get(),
                          [&](std::span<const std::byte> frame) { return out.Send(dest, frame); });
    };
    auto emit = [&, send](int p, storage::Columns* columns) -> Status {
      IBEX_RETURN_IF_ERROR(running.signal->aborted());
      if (p == storage::RowRouter::kWholeBatch) {
        if (replicated) {
          for (int r = 1; r <= executors; ++r) {
            if (r != rank) IBEX_RETURN_IF_ERROR(send(r, *columns));
          }
        }
        return builder.Add(columns);  // round robin: rows stay where they were parsed
      }
      if (p == partition) return builder.Add(columns);
      return send(p + 1, *columns);
    };
    return std::make_unique<storage::RowRouter>(t.def, static_cast<size_t>(executors),
                                                start.options.block_rows, &run->keeper, emit);
  };
  storage::RangeParser parser(*run->files, t.def, start.options);
  std::optional<storage::BadRow> bad_row;
  auto parsed = parser.Run(
      run->files->Split(start.range_begin, start.range_end, storage::kParseRangeBytes), workers,
      make_sink, &bad_row);
  Status finished;
  if (parsed.ok()) {
    if (bad_row) discard = true;
    finished = out.Finish();  // the others' streams end even after a bad row here
  } else {
    running.signal->Abort(parsed.status());  // wakes the receiver: this load is over
  }
  receiving.join();
  in.reset();
  if (!parsed.ok()) return fail(parsed.status());
  if (bad_row) {
    report->status = run->files->ErrorAt(bad_row->file, bad_row->offset, bad_row->reason);
    report->bad_row = true;
    report->file = bad_row->file;
    report->offset = bad_row->offset;
    return;
  }
  if (!finished.ok()) return fail(finished);
  if (!received.ok()) return fail(received);
  report->rows_parsed = *parsed;
  Status flushed = builder.Flush(workers);
  if (!flushed.ok()) return fail(flushed);
  storage::CrashPoint("load.blocks_written");
  auto loaded = builder.WriteManifest();
  if (!loaded.ok()) return fail(loaded.status());
  report->partition = std::move(loaded->partition);
  report->delta = std::move(loaded->delta);
}

}  // namespace ibex::scheduler
