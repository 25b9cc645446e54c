#include "net/rdma/network_thread.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

namespace ibex::net {
namespace {

// A local UCX context and worker with wakeup support; no peers needed.
class NetworkThreadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ucp_params_t params{};
    params.field_mask = UCP_PARAM_FIELD_FEATURES;
    params.features = UCP_FEATURE_AM | UCP_FEATURE_WAKEUP;
    ASSERT_EQ(ucp_init(&params, nullptr, &context_), UCS_OK);
    ucp_worker_params_t wp{};
    wp.field_mask = UCP_WORKER_PARAM_FIELD_THREAD_MODE;
    wp.thread_mode = UCS_THREAD_MODE_SINGLE;
    ASSERT_EQ(ucp_worker_create(context_, &wp, &worker_), UCS_OK);
  }
  void TearDown() override {
    thread_.reset();
    if (worker_ != nullptr) ucp_worker_destroy(worker_);
    if (context_ != nullptr) ucp_cleanup(context_);
  }
  ucp_context_h context_ = nullptr;
  ucp_worker_h worker_ = nullptr;
  std::unique_ptr<NetworkThread> thread_;
};

TEST_F(NetworkThreadTest, RunsEveryTaskFromManyThreadsOnItsOwnThread) {
  auto t = NetworkThread::Start(worker_, {});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  thread_ = std::move(*t);
  std::atomic<int> ran{0}, wrong_thread{0};
  std::vector<std::thread> submitters;
  for (int i = 0; i < 4; ++i) {
    submitters.emplace_back([&] {
      for (int j = 0; j < 5000; ++j) {
        thread_->Submit([&] {
          if (!thread_->InNetworkThread()) ++wrong_thread;
          ++ran;
        });
      }
    });
  }
  for (auto& s : submitters) s.join();
  thread_->RunSync([] {});  // FIFO: everything submitted before has run
  EXPECT_EQ(ran.load(), 20000);
  EXPECT_EQ(wrong_thread.load(), 0);
}

TEST_F(NetworkThreadTest, SleepsWhenIdleAndWakesForASubmission) {
  auto t = NetworkThread::Start(worker_, {});
  ASSERT_TRUE(t.ok());
  thread_ = std::move(*t);
  thread_->RunSync([] {});
  // Give the loop time to go to sleep (it arms the worker and waits in epoll).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (thread_->sleeps() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ASSERT_GT(thread_->sleeps(), 0u);
  uint64_t sleeps = thread_->sleeps();
  std::promise<void> woke;
  auto start = std::chrono::steady_clock::now();
  thread_->Submit([&] { woke.set_value(); });
  ASSERT_EQ(woke.get_future().wait_for(std::chrono::seconds(2)), std::future_status::ready);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(500));
  // Idle for a while: no timer is set, so the loop does not wake up on its own.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_LE(thread_->sleeps() - sleeps, 2u);
}

}  // namespace
}  // namespace ibex::net
