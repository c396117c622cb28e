-- POST the JSON bodies listed (one per line) in the file named by WRK_BODIES to WRK_PATH,
-- each body once: thread n of N sends lines n, n+N, n+2N, … (signups must not repeat).
local bodies = {}
local next_line = 0
local step = 1
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  threads[#threads + 1] = thread
end

function init(args)
  local file = io.open(os.getenv("WRK_BODIES"), "r")
  for line in file:lines() do
    bodies[#bodies + 1] = line
  end
  file:close()
  step = tonumber(os.getenv("WRK_THREADS") or "1")
  next_line = id + 1
end

function request()
  local body = bodies[next_line] or bodies[#bodies]
  next_line = next_line + step
  return wrk.format("POST", os.getenv("WRK_PATH"), {
    ["x-api-key"] = os.getenv("WRK_KEY") or "",
    ["content-type"] = "application/json",
  }, body)
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d duration_us=%d errors=%d p50_us=%d p99_us=%d non2xx=%d\n",
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), summary.errors.status))
end
