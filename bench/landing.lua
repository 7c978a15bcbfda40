-- wrk script for new visitors' landings: no cookie is ever sent. With the argument "numbered"
-- each request's address ends in its own number (thread-number), so every landing is another
-- campaign link. done() prints the figures report.lua prints and how many requests were
-- written ("sent"): the requests completed leave out those still in flight when wrk stopped,
-- which the portal counts all the same.
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  sent = 0
  numbered = args[1] == "numbered"
end

function request()
  sent = sent + 1
  if numbered then
    return wrk.format(nil, wrk.path .. id .. "-" .. sent)
  end
  return wrk.format(nil, wrk.path)
end

done = function(summary, latency, requests)
  local total = -1  -- wrk calls request() once at startup to check what it returns
  for _, thread in ipairs(threads) do
    total = total + thread:get("sent")
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "sent": %d, "duration_us": %d, "p50": %d, "p95": %d, "p99": %d, ' ..
    '"errors": %d, "bad_status": %d}\n',
    summary.requests, total, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout, e.status))
end
