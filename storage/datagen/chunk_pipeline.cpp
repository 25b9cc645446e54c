#include "storage/datagen/chunk_pipeline.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/check.h"

namespace ibex::datagen {

Status GenerateInOrder(int64_t begin, int64_t end, int64_t chunk_rows, int threads,
                       std::span<TblFile* const> files, const ChunkGenerator& generate) {
  IBEX_CHECK_GT(chunk_rows, 0);
  IBEX_CHECK_LE(begin, end);
  threads = std::max(1, threads);
  const int64_t chunks = (end - begin + chunk_rows - 1) / chunk_rows;
  if (chunks == 0) return Status::OK();
  const int64_t window = 2 * static_cast<int64_t>(threads);

  struct Slot {
    std::vector<std::string> buffers;
    bool ready = false;
  };
  std::vector<Slot> slots(static_cast<size_t>(window));
  for (auto& slot : slots) slot.buffers.resize(files.size());

  std::mutex mu;
  std::condition_variable chunk_ready;  // writer waits on it
  std::condition_variable slot_free;    // workers wait on it
  int64_t next_chunk = 0;
  int64_t written = 0;
  bool stop = false;

  auto worker = [&] {
    for (;;) {
      int64_t chunk = 0;
      {
        std::unique_lock lock(mu);
        slot_free.wait(
            lock, [&] { return stop || next_chunk >= chunks || next_chunk < written + window; });
        if (stop || next_chunk >= chunks) return;
        chunk = next_chunk++;
      }
      Slot& slot = slots[static_cast<size_t>(chunk % window)];
      for (auto& buffer : slot.buffers) buffer.clear();
      const int64_t first = begin + chunk * chunk_rows;
      generate(first, std::min(end, first + chunk_rows), slot.buffers);
      {
        std::lock_guard lock(mu);
        slot.ready = true;
      }
      chunk_ready.notify_one();
    }
  };

  Status status;
  {
    std::vector<std::jthread> workers;
    for (int t = 0; t < threads; ++t) workers.emplace_back(worker);
    for (int64_t chunk = 0; chunk < chunks; ++chunk) {
      Slot& slot = slots[static_cast<size_t>(chunk % window)];
      {
        std::unique_lock lock(mu);
        chunk_ready.wait(lock, [&] { return slot.ready; });
      }
      for (size_t k = 0; k < files.size() && status.ok(); ++k) {
        if (files[k] != nullptr) status = files[k]->Append(slot.buffers[k]);
      }
      {
        std::lock_guard lock(mu);
        slot.ready = false;
        written = chunk + 1;
        if (!status.ok()) stop = true;
      }
      slot_free.notify_all();
      if (!status.ok()) break;
    }
  }  // joins the workers
  return status;
}

}  // namespace ibex::datagen
