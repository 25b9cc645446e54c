#include "mpi_launch/rank_report.h"

#include <unistd.h>

#include <algorithm>
#include <sstream>

namespace ibex::launch {
namespace {

std::string Clean(std::string s) {
  std::replace(s.begin(), s.end(), '\t', ' ');
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

std::string JoinInts(const std::vector<int>& v) {
  std::string out;
  for (int x : v) {
    if (!out.empty()) out += ',';
    out += std::to_string(x);
  }
  return out;
}

}  // namespace

std::string HostName() {
  char buf[256] = {};
  if (gethostname(buf, sizeof(buf) - 1) != 0) return "unknown-host";
  return buf;
}

RankReport DescribeRank(int rank, const AppliedPlacement& placement, std::string network) {
  RankReport r;
  r.rank = rank;
  r.role = std::string(RoleName(placement.role));
  r.host = HostName();
  r.cpus = FormatCpuList(placement.cpus);
  if (placement.floating) r.cpus += " (floating)";
  r.numa = JoinInts(placement.numa_domains);
  r.memory = placement.memory_bound ? "bound" : "local";
  r.workers = placement.worker_threads;
  r.network = std::move(network);
  return r;
}

std::string EncodeRankReport(const RankReport& r) {
  std::ostringstream out;
  out << r.rank << '\t' << Clean(r.role) << '\t' << Clean(r.host) << '\t' << Clean(r.cpus)
      << '\t' << Clean(r.numa) << '\t' << Clean(r.memory) << '\t' << r.workers << '\t'
      << Clean(r.network);
  return out.str();
}

Result<RankReport> DecodeRankReport(const std::string& line) {
  std::vector<std::string> f;
  size_t start = 0;
  while (true) {
    size_t tab = line.find('\t', start);
    f.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  if (f.size() != 8) {
    return Status::Corruption("rank report has " + std::to_string(f.size()) +
                              " fields, expected 8");
  }
  RankReport r;
  try {
    r.rank = std::stoi(f[0]);
    r.workers = std::stoi(f[6]);
  } catch (const std::exception&) {
    return Status::Corruption("rank report has a non-numeric rank or worker count");
  }
  r.role = f[1];
  r.host = f[2];
  r.cpus = f[3];
  r.numa = f[4];
  r.memory = f[5];
  r.network = f[7];
  return r;
}

Result<std::vector<RankReport>> GatherRankReports(MPI_Comm comm, const RankReport& mine) {
  int rank = 0, size = 0;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  std::string line = EncodeRankReport(mine);
  int length = static_cast<int>(line.size());
  std::vector<int> lengths(rank == 0 ? size : 0);
  if (MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, comm) != MPI_SUCCESS) {
    return Status::NetworkError("MPI_Gather of rank report lengths failed");
  }
  std::vector<int> offsets(lengths.size());
  int total = 0;
  for (size_t i = 0; i < lengths.size(); ++i) {
    offsets[i] = total;
    total += lengths[i];
  }
  std::string all(static_cast<size_t>(total), '\0');
  if (MPI_Gatherv(line.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(),
                  MPI_CHAR, 0, comm) != MPI_SUCCESS) {
    return Status::NetworkError("MPI_Gatherv of rank reports failed");
  }
  std::vector<RankReport> out;
  for (size_t i = 0; i < lengths.size(); ++i) {
    IBEX_ASSIGN_OR_RETURN(RankReport r, DecodeRankReport(all.substr(offsets[i], lengths[i])));
    out.push_back(std::move(r));
  }
  return out;
}

std::string FormatRankReports(const std::vector<RankReport>& reports) {
  std::vector<std::vector<std::string>> rows = {
      {"rank", "role", "host", "cpus", "numa", "memory", "workers", "network"}};
  for (const RankReport& r : reports) {
    rows.push_back({std::to_string(r.rank), r.role, r.host, r.cpus, r.numa, r.memory,
                    std::to_string(r.workers), r.network});
  }
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      bool numeric = c == 0 || c == 6;
      std::string pad(width[c] - row[c].size(), ' ');
      if (c > 0) line += "  ";
      line += numeric ? pad + row[c] : (c + 1 == row.size() ? row[c] : row[c] + pad);
    }
    out += line + '\n';
  }
  return out;
}

}  // namespace ibex::launch
