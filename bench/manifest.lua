-- wrk script: GET the pushed manifests by tag, round-robin over every image, with the OCI Accept header.
--   wrk -c32 -t2 -d10s --timeout 10s -s bench/manifest.lua URL -- METHOD IMAGES REPOS REPO_PREFIX TAG_PREFIX
-- When done, prints one line "RESULT {json}" with the figures. Headers given with -H (such as
-- Authorization) are sent too: wrk.format does not add wrk.headers when it is passed its own table.
-- (HEAD is accepted but Debian's wrk 4.1 cannot parse HEAD responses that carry a Content-Length,
-- see https://github.com/wg/wrk/issues/198, so run.sh measures HEAD with ab instead.)

local method, images, repos, repo_prefix, tag_prefix = "GET", 200, 20, "bench/img", "t"
local accept = "application/vnd.oci.image.manifest.v1+json"
local counter = 0
local headers = {}

function init(args)
  method = args[1] or method
  images = tonumber(args[2] or images)
  repos = tonumber(args[3] or repos)
  repo_prefix = args[4] or repo_prefix
  tag_prefix = args[5] or tag_prefix
  counter = math.random(0, images - 1) -- so the threads do not walk in lockstep
  for name, value in pairs(wrk.headers) do -- the -H headers
    headers[name] = value
  end
  headers["Accept"] = accept
end

function request()
  local i = counter % images
  counter = counter + 1
  local path = string.format("/v2/%s%d/manifests/%s%d", repo_prefix, i % repos, tag_prefix, i)
  return wrk.format(method, path, headers)
end

function done(summary, latency, requests)
  local errors = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'RESULT {"scenario":"manifest-%s","tool":"wrk","requests":%d,"seconds":%.3f,"reqPerSec":%.1f,' ..
    '"p50Ms":%.3f,"p99Ms":%.3f,"non2xx":%d,"socketErrors":%d,"timeouts":%d}\n',
    string.lower(method), summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout, errors.timeout))
end
