#!/usr/bin/python3
"""mm1_simpy.py - the M/M/1 model of tests/bench/queue.c written in SimPy, for comparison.

Debian's python3-simpy is SimPy 2.3.1 (the classic process API, `from SimPy.Simulation import
...`); run this with /usr/bin/python3, which has it installed.

Model: Poisson arrivals at --arrival-rate, one server with exponential service at
--service-rate, FIFO, --customers arrivals in all; the run ends when the last customer has been
served. mean_wait is the mean time from arrival to the start of service (Wq) over every
customer, the same estimator queue.c prints. Two independent random.Random streams (arrivals,
service) seeded from --seed.

Output: key=value lines (customers=, seconds=, customers_per_sec=, mean_wait=, analytic_wait=).
seconds is the wall-clock time of building and running the simulation, excluding start-up of
the interpreter. Complexity: O(N log N) in the number of customers (SimPy's heap); memory O(peak
number in system).
"""
import argparse
import random
import sys
import time

try:
    from SimPy.Simulation import (Process, Resource, activate, hold, initialize, now, release,
                                  request, simulate)
except ImportError:
    sys.stderr.write("mm1_simpy: SimPy 2 not found (install python3-simpy and run with "
                     "/usr/bin/python3)\n")
    sys.exit(2)


class Stats:
    def __init__(self):
        self.n = 0
        self.total_wait = 0.0


class Customer(Process):
    def visit(self, server, svc_rng, mu, stats):
        arrived = now()
        yield request, self, server
        stats.n += 1
        stats.total_wait += now() - arrived
        yield hold, self, svc_rng.expovariate(mu)
        yield release, self, server


class Source(Process):
    def generate(self, n, lam, arr_rng, server, svc_rng, mu, stats):
        for _ in range(n):
            c = Customer()
            activate(c, c.visit(server, svc_rng, mu, stats))
            yield hold, self, arr_rng.expovariate(lam)


def main():
    ap = argparse.ArgumentParser(description="M/M/1 queue in SimPy 2 (benchmark)")
    ap.add_argument("--arrival-rate", type=float, default=0.9)
    ap.add_argument("--service-rate", type=float, default=1.0)
    ap.add_argument("--customers", type=int, default=200000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    if not (a.arrival_rate > 0 and a.service_rate > 0 and a.customers > 0):
        sys.stderr.write("mm1_simpy: rates and --customers must be positive\n")
        sys.exit(2)

    t0 = time.perf_counter()
    initialize()
    stats = Stats()
    server = Resource(capacity=1)
    src = Source()
    activate(src, src.generate(a.customers, a.arrival_rate, random.Random(2 * a.seed), server,
                               random.Random(2 * a.seed + 1), a.service_rate, stats))
    simulate(until=1e300)
    secs = time.perf_counter() - t0

    rho = a.arrival_rate / a.service_rate
    analytic = rho / (a.service_rate - a.arrival_rate) if rho < 1 else float("inf")
    print("customers=%d" % stats.n)
    print("seconds=%.3f" % secs)
    print("customers_per_sec=%.0f" % (stats.n / secs))
    print("mean_wait=%.6f" % (stats.total_wait / max(stats.n, 1)))
    print("analytic_wait=%.6f" % analytic)
    return 0 if stats.n == a.customers else 1


if __name__ == "__main__":
    sys.exit(main())
