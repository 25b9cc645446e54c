#include "net/rdma/network_thread.h"

#include <sched.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <future>

#include "common/check.h"
#include "common/thread_name.h"

namespace ibex::net {

Result<std::unique_ptr<NetworkThread>> NetworkThread::Start(ucp_worker_h worker, Options options) {
  int worker_fd = -1;
  ucs_status_t st = ucp_worker_get_efd(worker, &worker_fd);
  if (st != UCS_OK) {
    return Status::NetworkError(std::string("ucp_worker_get_efd: ") + ucs_status_string(st));
  }
  int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd < 0) return Status::FromErrno("epoll_create1", "", errno);
  int event_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (event_fd < 0) {
    int err = errno;
    close(epoll_fd);
    return Status::FromErrno("eventfd", "", err);
  }
  for (int fd : {worker_fd, event_fd}) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) {
      int err = errno;
      close(epoll_fd);
      close(event_fd);
      return Status::FromErrno("epoll_ctl", "", err);
    }
  }
  std::unique_ptr<NetworkThread> t(new NetworkThread(worker, options, epoll_fd, event_fd));
  t->thread_ = std::thread([p = t.get()] { p->Loop(); });
  return t;
}

NetworkThread::NetworkThread(ucp_worker_h worker, Options options, int epoll_fd, int event_fd)
    : worker_(worker), options_(options), epoll_fd_(epoll_fd), event_fd_(event_fd) {
  timer_ms_ = static_cast<int>(options.timer.count());
}

NetworkThread::~NetworkThread() {
  stop_ = true;
  Wake();
  if (thread_.joinable()) thread_.join();
  close(epoll_fd_);
  close(event_fd_);
}

void NetworkThread::Wake() {
  uint64_t one = 1;
  ssize_t n = write(event_fd_, &one, sizeof(one));
  (void)n;  // EAGAIN means the counter is already non-zero: the loop will wake anyway
}

void NetworkThread::Submit(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    tasks_.push_back(std::move(task));
    has_tasks_.store(true, std::memory_order_seq_cst);
  }
  // Dekker pairing with the loop: it sets sleeping_ then re-checks has_tasks_.
  if (sleeping_.load(std::memory_order_seq_cst)) Wake();
}

void NetworkThread::RunSync(const std::function<void()>& task) {
  IBEX_CHECK(!InNetworkThread()) << "RunSync from the network thread would deadlock";
  std::promise<void> done;
  Submit([&] {
    task();
    done.set_value();
  });
  done.get_future().wait();
}

bool NetworkThread::RunTasks() {
  if (!has_tasks_.load(std::memory_order_acquire)) return false;
  std::vector<std::function<void()>> batch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    batch.swap(tasks_);
    has_tasks_.store(false, std::memory_order_relaxed);
  }
  for (auto& task : batch) task();
  return !batch.empty();
}

void NetworkThread::Loop() {
  NameThisThread("ibex-net");
  tid_ = static_cast<int>(gettid());
  using Clock = std::chrono::steady_clock;
  Clock::time_point last_activity = Clock::now();
  while (!stop_.load(std::memory_order_relaxed)) {
    bool active = RunTasks();
    while (ucp_worker_progress(worker_) != 0) active = true;
    if (active) {
      last_activity = Clock::now();
      continue;
    }
    if (outstanding_ > 0 && Clock::now() - last_activity < options_.spin) {
      sched_yield();
      continue;
    }
    sleeping_.store(true, std::memory_order_seq_cst);
    if (has_tasks_.load(std::memory_order_seq_cst) || stop_.load()) {
      sleeping_.store(false);
      continue;
    }
    ucs_status_t st = ucp_worker_arm(worker_);
    if (st == UCS_ERR_BUSY) {
      sleeping_.store(false);
      continue;
    }
    IBEX_CHECK(st == UCS_OK) << "ucp_worker_arm: " << ucs_status_string(st);
    epoll_event events[2];
    int timer = timer_ms_.load();
    sleeps_.fetch_add(1, std::memory_order_relaxed);
    int n = epoll_wait(epoll_fd_, events, 2, timer > 0 ? timer : -1);
    sleeping_.store(false, std::memory_order_seq_cst);
    for (int i = 0; i < n; ++i) {
      if (events[i].data.fd == event_fd_) {
        uint64_t count = 0;
        ssize_t r = read(event_fd_, &count, sizeof(count));
        (void)r;  // EAGAIN: another wake already consumed it
      }
    }
    last_activity = Clock::now();
  }
}

}  // namespace ibex::net
