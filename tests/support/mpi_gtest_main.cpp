// main() for GoogleTest binaries run under mpirun: every rank runs every test; MPI_Init before
// and MPI_Finalize after. A failure on any rank makes that rank exit non-zero, and mpirun then
// reports the job as failed. Only rank 0 prints the full GoogleTest report, other ranks print
// failures only, so the log stays readable.
#include <gtest/gtest.h>
#include <mpi.h>

#include <memory>

namespace {

class QuietListener : public testing::EmptyTestEventListener {
 public:
  explicit QuietListener(testing::TestEventListener* inner) : inner_(inner) {}  // takes ownership
  void OnTestPartResult(const testing::TestPartResult& result) override {
    inner_->OnTestPartResult(result);
  }

 private:
  std::unique_ptr<testing::TestEventListener> inner_;
};

}  // namespace

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &provided);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank != 0) {
    auto& listeners = testing::UnitTest::GetInstance()->listeners();
    testing::TestEventListener* printer = listeners.Release(listeners.default_result_printer());
    listeners.Append(new QuietListener(printer));  // gtest owns listeners
  }
  int failed = RUN_ALL_TESTS();
  MPI_Finalize();
  return failed;
}
