# The regression guard of run.sh --baseline: one line per row where berth is worse than the
# baseline (Berth from another jar, same run) by more than $tol: throughput below (1 - $tol) of
# the baseline's, server CPU per operation above (1 + $tol) of it. Nothing printed: no regression.
# Latency percentiles are left out: on a shared 2-core machine they move too much to guard on.
def guarded: [
  { scenario: "push",          metric: "imagesPerSec",           better: "higher" },
  { scenario: "push",          metric: "serverCpuMsPerOp",       better: "lower" },
  { scenario: "pull",          metric: "imagesPerSec",           better: "higher" },
  { scenario: "pull",          metric: "serverCpuMsPerOp",       better: "lower" },
  { scenario: "tags",          metric: "reqPerSec",              better: "higher" },
  { scenario: "tags",          metric: "serverCpuMsPerOp",       better: "lower" },
  { scenario: "manifest-head", metric: "reqPerSec",              better: "higher" },
  { scenario: "manifest-head", metric: "serverCpuMsPerOp",       better: "lower" },
  { scenario: "manifest-get",  metric: "reqPerSec",              better: "higher" },
  { scenario: "manifest-get",  metric: "serverCpuMsPerOp",       better: "lower" },
  { scenario: "bigblob",       metric: "mibPerSec",              better: "higher" },
  { scenario: "bigblob",       metric: "serverCpuSecondsPerGiB", better: "lower" }
];

.medians as $m
| guarded[]
| . as $row
| ($m[$row.scenario].berth[$row.metric]) as $b
| ($m[$row.scenario].baseline[$row.metric]) as $p
| select($b != null and $p != null and $p > 0)
| ($b / $p) as $r
| select(if $row.better == "higher" then $r < 1 - $tol else $r > 1 + $tol end)
| "  \($row.scenario) \($row.metric): berth \($b) vs baseline \($p) (\($r * 100 | round) %)"
