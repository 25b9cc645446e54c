#include "scheduler/executor_service.h"

#include <algorithm>

#include "common/thread_name.h"
#include "scheduler/query_messages.h"
#include "storage/persist/layout.h"

namespace ibex::scheduler {

ExecutorService::ExecutorService(net::Fabric& fabric, net::ExchangeService& exchanges,
                                 std::string data_pattern, int workers, int64_t cache_bytes)
    : fabric_(fabric),
      exchanges_(exchanges),
      data_pattern_(std::move(data_pattern)),
      data_root_(storage::ExpandDataDir(data_pattern_, fabric.rank())),
      executor_(workers),
      cache_(cache_bytes) {
  for (uint16_t type : {kControlCatalog, kControlStartQuery}) {
    fabric_.RegisterControlHandler(type, [this, type](int source, std::span<const std::byte> p) {
      if (source != 0) {
        fabric_.FailPeer(source, "query control message from a rank that is not the coordinator");
        return;
      }
      Enqueue(type, p);
    });
  }
  fabric_.RegisterControlHandler(kControlCancelQuery,
                                 [this](int, std::span<const std::byte> p) { OnCancel(p); });
  fabric_.RegisterControlHandler(kControlWorkGrant, [this](int, std::span<const std::byte> p) {
    Result<WorkGrant> grant = DecodeWorkGrant(p);
    if (!grant.ok()) {
      fabric_.FailPeer(0, grant.status().message());
      return;
    }
    std::lock_guard lock(mu_);
    if (running_ != nullptr && running_->query() == grant->query) running_->Grant(*grant);
  });
  thread_ = std::thread([this] { ServiceLoop(); });
}

ExecutorService::~ExecutorService() {
  Stop();
  for (uint16_t type : {kControlCatalog, kControlStartQuery, kControlCancelQuery, kControlWorkGrant}) {
    fabric_.UnregisterControlHandler(type);
  }
}

void ExecutorService::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    if (running_ != nullptr) running_->Cancel(Status::Cancelled("the job is ending"));
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ExecutorService::Enqueue(uint16_t type, std::span<const std::byte> payload) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(Message{type, std::string(reinterpret_cast<const char*>(payload.data()),
                                               payload.size())});
  }
  cv_.notify_all();
}

void ExecutorService::OnCancel(std::span<const std::byte> payload) {
  Result<CancelQuery> m = DecodeCancelQuery(payload);
  if (!m.ok()) {
    fabric_.FailPeer(0, m.status().message());
    return;
  }
  std::lock_guard lock(mu_);
  if (running_ != nullptr && running_->query() == m->query) {
    running_->Cancel(m->why);
  } else {
    cancelled_early_.insert(m->query);
    while (cancelled_early_.size() > 1024) cancelled_early_.erase(cancelled_early_.begin());
  }
}

void ExecutorService::ServiceLoop() {
  NameThisThread("ibex-service");
  while (true) {
    Message m;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      m = std::move(queue_.front());
      queue_.pop_front();
    }
    if (m.type == kControlCatalog) {
      ApplyCatalog(m.bytes);
    } else {
      RunQuery(m.bytes);
    }
  }
}

void ExecutorService::Reply(uint16_t type, const std::string& bytes) {
  // A coordinator that is gone cannot be answered; the job lifecycle ends this rank then.
  (void)fabric_.SendControl(0, type, AsBytes(bytes));
}

void ExecutorService::ApplyCatalog(const std::string& bytes) {
  CatalogAck ack;
  Result<storage::Catalog> catalog = DecodeCatalog(AsBytes(bytes));
  if (catalog.ok()) {
    ack.epoch = catalog->epoch();
    cache_.Clear();
    if (reader_ == nullptr) {
      auto reader = storage::PartitionReader::Open(data_root_, fabric_.rank() - 1, *catalog,
                                                   data_pattern_);
      if (reader.ok()) {
        reader_ = std::move(*reader);
      } else {
        ack.status = reader.status();
      }
    } else {
      ack.status = reader_->Update(std::move(*catalog));
    }
  } else {
    ack.status = catalog.status();
  }
  if (!ack.status.ok()) {
    ack.status = ack.status.Annotate("rank " + std::to_string(fabric_.rank()) + " (" +
                                     fabric_.host(fabric_.rank()) + "), data root " + data_root_);
  }
  Reply(kControlCatalogAck, EncodeCatalogAck(ack));
}

void ExecutorService::RunQuery(const std::string& bytes) {
  Result<StartQuery> start = DecodeStartQuery(AsBytes(bytes));
  if (!start.ok()) {
    fabric_.FailPeer(0, start.status().message());
    return;
  }
  QueryDone done;
  done.query = start->query;
  if (reader_ == nullptr) {
    done.status = Status::Internal("rank " + std::to_string(fabric_.rank()) + " has no catalog yet");
    Reply(kControlQueryDone, EncodeQueryDone(done));
    return;
  }
  QueryContext ctx;
  ctx.exchanges = &exchanges_;
  ctx.executor = &executor_;
  ctx.store = reader_.get();
  ctx.cache = &cache_;
  // Work orders from the coordinator's foreman: ask without blocking; a lost coordinator fails
  // the query through the exchange layer and the job lifecycle.
  ctx.request_work = [this](const WorkRequest& request) {
    (void)fabric_.SendControl(0, kControlWorkRequest, AsBytes(EncodeWorkRequest(request)));
  };
  ctx.work_batch = static_cast<uint32_t>(std::max(2, 2 * executor_.threads()));
  {
    auto execution = std::make_unique<QueryExecution>(start->query, std::move(start->plan),
                                                      start->executors, std::move(start->params),
                                                      start->analyze, std::move(ctx));
    {
      std::lock_guard lock(mu_);
      running_ = execution.get();
      if (cancelled_early_.erase(done.query) > 0 || stop_) {
        execution->Cancel(Status::Cancelled("query cancelled before it started"));
      }
    }
    done.status = execution->Open();
    if (done.status.ok()) done.status = execution->Run();
    done.reports = execution->reports();
    {
      std::lock_guard lock(mu_);
      running_ = nullptr;
    }
  }
  if (!done.status.ok() && done.status.code() != StatusCode::kCancelled &&
      done.status.message().find("rank ") != 0) {
    done.status = done.status.Annotate("rank " + std::to_string(fabric_.rank()));
  }
  Reply(kControlQueryDone, EncodeQueryDone(done));
}

}  // namespace ibex::scheduler
