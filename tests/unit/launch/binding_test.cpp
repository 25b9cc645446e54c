// The binding code on the real machine: an --pin=auto plan restricted to one CPU holds for
// the process and for threads started afterwards; --pin=none widens it to the whole node.
#include "mpi_launch/binding.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

namespace ibex::launch {
namespace {

TEST(BindingTest, AutoBindsEveryThreadAndNoneUnbinds) {
  Result<Topology> topology = DiscoverTopology();
  ASSERT_TRUE(topology.ok()) << topology.status().ToString();
  const CpuList all = topology->AllPus();
  ASSERT_FALSE(all.empty());

  // A thread that exists before binding must follow too (MPI_Init starts such threads).
  std::promise<void> bound;
  std::promise<CpuList> seen;
  std::thread early([&] {
    bound.get_future().wait();
    Result<CpuList> cpus = CurrentCpuAffinity();
    seen.set_value(cpus.ok() ? *cpus : CpuList{});
  });

  RankPlacement plan;
  plan.role = Role::kExecutor;
  plan.cpus = {all.back()};
  plan.numa_domains = topology->DomainsOf(plan.cpus);
  plan.bind_memory = true;
  plan.worker_threads = 1;
  Result<AppliedPlacement> applied = ApplyPlacement(*topology, plan, PinMode::kAuto, {});
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(applied->cpus, CpuList{all.back()});
  EXPECT_TRUE(applied->memory_bound);
  EXPECT_EQ(applied->worker_threads, 1);
  bound.set_value();
  EXPECT_EQ(seen.get_future().get(), CpuList{all.back()});
  early.join();

  CpuList in_new_thread;
  std::thread later([&] { in_new_thread = *CurrentCpuAffinity(); });
  later.join();
  EXPECT_EQ(in_new_thread, CpuList{all.back()});

  Result<AppliedPlacement> none = ApplyPlacement(*topology, plan, PinMode::kNone, {});
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_EQ(none->cpus, all);
  EXPECT_TRUE(none->floating);
  EXPECT_EQ(none->worker_threads, topology->CoreCount());
}

TEST(BindingTest, LauncherModeKeepsTheBindingItFinds) {
  Result<Topology> topology = DiscoverTopology();
  ASSERT_TRUE(topology.ok());
  Result<CpuList> before = CurrentCpuAffinity();
  ASSERT_TRUE(before.ok());
  RankPlacement plan;
  plan.role = Role::kExecutor;
  plan.cpus = {before->front()};  // would narrow the binding if it were applied
  Result<AppliedPlacement> applied = ApplyPlacement(*topology, plan, PinMode::kLauncher, 3);
  ASSERT_TRUE(applied.ok());
  EXPECT_EQ(applied->cpus, *before);
  EXPECT_EQ(applied->worker_threads, 3);  // the override wins
}

}  // namespace
}  // namespace ibex::launch
