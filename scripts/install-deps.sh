#!/usr/bin/env bash
# Installs exactly what ibex's build, tests and demo need, from Debian's packages.
#
# Idempotent: when every package is present it only checks (a second or so) and exits 0.
# As root (or with passwordless sudo) it runs apt-get; as an ordinary user without sudo it
# lists what is missing, explains how a cluster user obtains it, and exits 1.
set -euo pipefail

# One line per need, so that a reviewer can see why each package is here.
PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config   # toolchain (ccache + Ninja keep CI cold builds short)
  openmpi-bin libopenmpi-dev                             # launch and bootstrap (mpirun, MPI_Init)
  libucx-dev ucx-utils                                   # the fabric: UCP active messages and puts
  libibverbs-dev librdmacm-dev ibverbs-providers         # RDMA device discovery (rdma-core)
  libhwloc-dev hwloc                                     # topology for the placement planner
  libnuma-dev numactl                                    # memory binding of executors
  libboost-dev                                           # Boost.Spirit X3 (header-only)
  libgtest-dev libgmock-dev libbenchmark-dev             # tests and microbenchmarks
  libreadline-dev                                        # line editing and history in the shell
  clang libclang-rt-14-dev                               # libFuzzer targets and sanitizers
  slurm-wlm munge                                        # the single-node Slurm test
  python3                                                # test drivers (pseudo-terminal shell test)
  procps                                                 # pkill/pgrep in the Slurm test's clean-up
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "install-deps: missing: ${missing[*]}"

run_apt() {
  export DEBIAN_FRONTEND=noninteractive
  "$@" apt-get update -qq
  # policy-rc.d may deny starting daemons (munge, slurm): that is expected, the Slurm test
  # starts its own private daemons.
  "$@" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

if [[ $(id -u) -eq 0 ]]; then
  run_apt
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  run_apt sudo -n
else
  cat >&2 <<MSG
install-deps: you are not root and cannot use sudo, so nothing was installed.

On a cluster, get the missing parts one of these ways:
  * environment modules:  module avail; module load openmpi ucx hwloc boost cmake
    (then point CMake at them: cmake -DCMAKE_PREFIX_PATH=\$UCX_DIR:\$HWLOC_DIR ...)
  * Spack:                spack install openmpi ucx hwloc numactl boost googletest \\
                                        benchmark rdma-core readline && spack load ...
  * ask your administrators to install the Debian packages:
      apt-get install ${missing[*]}
Slurm and munge are needed only by the Slurm test; without them it reports itself skipped.
MSG
  exit 1
fi
echo "install-deps: done"
