-- wrk script of scripts/soak: a mix of real queries (bench/queries.txt,
-- passed as the first argument after --) over searchd's endpoints, with a
-- few requests meant to fail (404), and a count of answers by class.
--   wrk ... -s scripts/soak.lua URL -- bench/queries.txt
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local function encode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  queries = {}
  for line in io.lines(args[1]) do
    if line ~= "" and line:sub(1, 1) ~= "#" then table.insert(queries, line) end
  end
  n = 0
  ok, missing, bad, failed, other = 0, 0, 0, 0, 0
end

function request()
  n = n + 1
  local q = queries[(n % #queries) + 1]
  local kind = n % 20
  local path
  if kind < 13 then
    path = "/search?q=" .. encode(q)
  elseif kind == 13 then
    path = "/search?q=" .. encode(q) .. "&sort=newest&page=2&limit=5"
  elseif kind < 17 then
    path = "/suggest?q=" .. encode(q:sub(1, 3))
  elseif kind == 17 then
    path = "/health"
  elseif kind == 18 then
    path = "/stats"
  else  -- meant to fail: a talk that does not exist
    path = "/talk?id=soak%2Fno-such-note.rst%230"
  end
  return wrk.format("GET", path)
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
  elseif status == 404 then
    missing = missing + 1
  elseif status >= 400 and status < 500 then
    bad = bad + 1
  elseif status >= 500 then
    failed = failed + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local t = {ok = 0, missing = 0, bad = 0, failed = 0, other = 0}
  for _, thread in ipairs(threads) do
    for k, _ in pairs(t) do t[k] = t[k] + thread:get(k) end
  end
  local e = summary.errors
  io.write(string.format(
    "SOAK requests=%d seconds=%.1f rps=%.0f ok_2xx=%d intended_404=%d other_4xx=%d " ..
    "failed_5xx=%d other_status=%d connect_errors=%d read_errors=%d write_errors=%d " ..
    "timeouts=%d p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    t.ok, t.missing, t.bad, t.failed, t.other, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
