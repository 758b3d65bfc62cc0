# Builds the results document from the raw per-run records (jq -s) plus $meta:
# every run as recorded, and per scenario and target the median of each numeric figure.

def median:
  sort
  | if length == 0 then null
    elif length % 2 == 1 then .[(length - 1) / 2]
    else (.[length / 2 - 1] + .[length / 2]) / 2
    end;

# The figures of one run, plus the server's CPU cost per operation (per GiB for big blobs),
# which suffers less than throughput when other work shares the cores.
def figures:
  .result + { serverCpuSeconds }
  + (if .serverCpuSeconds == null then {}
     elif (.result.requests // .result.images) then
       { serverCpuMsPerOp: (.serverCpuSeconds * 1000 / (.result.requests // .result.images)) }
     elif .result.bytes then
       { serverCpuSecondsPerGiB: (.serverCpuSeconds / (.result.bytes / 1073741824)) }
     else {} end);

# [{result: {...}, serverCpuSeconds: n}, ...] -> {figure: median, ..., runs: n}
def medians:
  map(figures)
  | (length) as $n
  | [ .[] | to_entries[] | select(.value | type == "number") ]
  | group_by(.key)
  | map({ key: .[0].key, value: (map(.value) | median) })
  | from_entries + { runs: $n };

. as $runs
| $meta + {
    medians: (
      [ $runs[] | select(.error == null) ]
      | group_by(.scenario)
      | map({ key: .[0].scenario,
              value: (group_by(.target) | map({ key: .[0].target, value: medians }) | from_entries) })
      | from_entries),
    failures: [ $runs[] | select(.error != null) | { target, scenario, run, error } ],
    runs: $runs
  }
