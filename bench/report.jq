# Renders the Markdown comparison table from a results document (see summarize.jq).

def rows: [
  { scenario: "push",          metric: "imagesPerSec",     label: "push, images/s",                  better: "higher" },
  { scenario: "push",          metric: "mibPerSec",        label: "push, MiB/s",                     better: "higher" },
  { scenario: "push",          metric: "p99Ms",            label: "push, p99 ms per image",          better: "lower" },
  { scenario: "push",          metric: "serverCpuMsPerOp", label: "push, server CPU ms per image",   better: "lower", info: true },
  { scenario: "pull",          metric: "imagesPerSec",     label: "pull + verify, images/s",         better: "higher" },
  { scenario: "pull",          metric: "mibPerSec",        label: "pull + verify, MiB/s",            better: "higher" },
  { scenario: "pull",          metric: "p99Ms",            label: "pull + verify, p99 ms per image", better: "lower" },
  { scenario: "pull",          metric: "serverCpuMsPerOp", label: "pull, server CPU ms per image",   better: "lower", info: true },
  { scenario: "tags",          metric: "reqPerSec",        label: "tags/list, req/s",                better: "higher" },
  { scenario: "tags",          metric: "serverCpuMsPerOp", label: "tags/list, server CPU ms per request", better: "lower", info: true },
  { scenario: "manifest-head", metric: "reqPerSec",        label: "manifest HEAD (ab, c32), req/s",  better: "higher" },
  { scenario: "manifest-head", metric: "serverCpuMsPerOp", label: "manifest HEAD, server CPU ms per request", better: "lower", info: true },
  { scenario: "manifest-get",  metric: "reqPerSec",        label: "manifest GET (wrk, c32), req/s",  better: "higher" },
  { scenario: "manifest-get",  metric: "serverCpuMsPerOp", label: "manifest GET, server CPU ms per request", better: "lower", info: true },
  { scenario: "bigblob",       metric: "mibPerSec",        label: "big-blob pull, MiB/s",            better: "higher", nginx: true },
  { scenario: "bigblob",       metric: "serverCpuSecondsPerGiB", label: "big-blob pull, server CPU s per GiB", better: "lower", nginx: true, info: true }
];

def num:
  if . == null then "n/a"
  elif . >= 1000 then (round | tostring)
  elif . >= 10 then ((. * 10 | round) / 10 | tostring)
  else ((. * 100 | round) / 100 | tostring)
  end;

def ratio($a; $b): if $a == null or $b == null or $b == 0 then null else $a / $b end;

def mark($ok): if $ok == null then "–" elif $ok then "✅" else "❌" end;

def goal($row; $d; $b; $n):
  (if $d == null or $b == null then null
   elif $row.better == "higher" then $b >= $d
   else $b <= $d end) as $vsDist
  | if $row.info then "(info, lower is better)"
    elif $row.nginx then
      (if $n == null or $b == null then null else $b / $n >= 0.7 end) as $vsNginx
      | "\(mark($vsDist)) ≥ distribution, \(mark($vsNginx)) ≥ 70% of nginx"
    elif $row.better == "higher" then "\(mark($vsDist)) ≥ distribution"
    else "\(mark($vsDist)) ≤ distribution (lower is better)"
    end;

.medians as $m
# With a baseline (run.sh --baseline JAR: Berth from another jar, e.g. the previous main's, in the
# same run) two more columns: its figure and berth/baseline.
| ([ $m[] | has("baseline") ] | any) as $withBaseline
| (if $withBaseline then " baseline | berth/baseline |" else "" end) as $baselineHead
| "| Scenario | distribution | berth | berth/distribution | nginx | berth/nginx |\($baselineHead) Goal |",
  "|---|---:|---:|---:|---:|---:|\(if $withBaseline then "---:|---:|" else "" end)---|",
  ( rows[]
    | . as $row
    | select($m[$row.scenario] != null)
    | $m[$row.scenario] as $s
    | ($s.distribution[$row.metric]) as $d
    | ($s.berth[$row.metric]) as $b
    | ($s.nginx[$row.metric]) as $n
    | ($s.baseline[$row.metric]) as $p
    | "| \($row.label) | \($d | num) | \($b | num) | \(ratio($b; $d) | num) | "
      + (if $row.nginx then "\($n | num) | \(ratio($b; $n) | num)" else " | " end)
      + (if $withBaseline then " | \($p | num) | \(ratio($b; $p) | num)" else "" end)
      + " | \(goal($row; $d; $b; $n)) |" )
