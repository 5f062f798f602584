-- wrk script: each request reserves a different prepared case's seat.
-- Arguments (after --): FILE FROM COUNT COOKIE CSRF
--   FILE: lines "TOKEN CHOICE" written by `onestop bench prepare`; this run uses lines
--   FROM+1 .. FROM+COUNT, each once. Once the slice is used up the script sends GET /healthz,
--   so prepare more lines than a run can take (the driver checks that it did).
local lines = {}
next_line = 1
prepared = 0
local cookie, csrf
local codes = {}

function init(args)
  local file, from, count = args[1], tonumber(args[2]), tonumber(args[3])
  cookie, csrf = args[4], args[5]
  local n = 0
  for line in io.lines(file) do
    n = n + 1
    if n > from and n <= from + count then
      local token, choice = line:match("^(%S+) (%S+)$")
      lines[#lines + 1] = { token = token, choice = choice }
    end
  end
  prepared = #lines
end

local calls = 0

function request()
  calls = calls + 1
  if calls == 1 then
    -- wrk calls request() once before the run to inspect it and never sends that one: it must
    -- not use up a prepared case (run with -t1).
    return wrk.format("GET", "/healthz")
  end
  local l = lines[next_line]
  if l == nil then
    return wrk.format("GET", "/healthz")
  end
  next_line = next_line + 1
  local body = "choice=" .. l.choice:gsub(":", "%%3A"):gsub(",", "%%2C") .. "&_csrf=" .. csrf
  return wrk.format("POST", "/apply/" .. l.token .. "/book", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
  }, body)
end

function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end

-- done() runs in the main script's state: read the counts from the threads' states.
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function done(summary, latency, requests)
  local sent, prepared = 0, 0
  for _, t in ipairs(threads) do
    sent = sent + t:get("next_line") - 1
    prepared = prepared + t:get("prepared")
  end
  io.write("sent " .. sent .. " of " .. prepared .. " prepared\n")
end
