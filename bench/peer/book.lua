-- wrk script: bookings on django-appointment through its public two-POST flow.
--
--   wrk -t1 -c8 -d5s -s bench/peer/book.lua http://127.0.0.1:PORT -- BOOKINGS_FILE [once|cycle]
--
-- BOOKINGS_FILE comes from prepare_bookings.py (one line per attempt: sessionid, csrftoken,
-- staff id, service id, date, start, end). One booking = two requests, each under that line's
-- signed-in session:
--   1. POST /appointment/request-submit/            (date, start_time, end_time, service, staff_member)
--      creates an AppointmentRequest; success = 302 to /appointment/client-info/<id>/<id_request>/
--   2. POST /appointment/client-info/<id>/<id_request>/   (name, phone, address, payment_type)
--      creates the Appointment (+ renders the staff notification e-mail and .ics);
--      success = 302 to /appointment/thank-you/<appointment id>/
-- Step 2 for a finished step 1 is sent before any new step 1. wrk's own "Requests/sec" counts
-- both POSTs; done() prints bookings/sec = completed step 2s / duration, and every response that
-- is not the expected redirect (the package answers a rejected form with 200 + the form page).
-- Mode "once" (default): each line is tried once; when a thread's lines are used up it waits for
-- its outstanding step 2s (sending a cheap GET of a 404 URL every 100 ms per connection, counted as
-- "after list end", not as failures) and then stops. Prepare more lines than the run can use.
-- Mode "cycle": wrap around the list (only meant for double_book.sh, where all lines are one slot).
-- With -tN, thread k takes lines k, k+N, k+2N, ...

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("tid", #threads)
   for _, t in ipairs(threads) do t:set("nthreads", #threads) end
end

local lines = {}
local nextIdx = 1
local mode = "once"
local pending = {}   -- finished step 1s waiting for step 2: {location, line}
local inflight = {}  -- FIFO of lines whose step 1 is in flight, to recover the session if no Set-Cookie
-- counters (read by done() through thread:get)
step1_ok = 0
created = 0
fail_step1 = 0
fail_step2 = 0
other = 0
after_exhaustion = 0
statuses = {}

local function split(s)
   local t = {}
   for f in string.gmatch(s, "[^\t]+") do t[#t + 1] = f end
   return t
end

local file = nil
local loaded = false
local calls = 0
local out2 = 0       -- step 2s sent and not answered yet

function init(args)
   file = args[1]
   if not file then error("usage: wrk ... -s book.lua URL -- BOOKINGS_FILE [once|cycle]") end
   mode = args[2] or "once"
end

-- Lines are read on the first real request(): wrk runs setup()+init() thread by thread, so the
-- number of threads is only known once they all run.
local function load_lines()
   loaded = true
   local tid, n = tid or 1, nthreads or 1
   local i = 0
   for l in io.lines(file) do
      if #l > 0 then
         if i % n == tid - 1 then
            local f = split(l)
            lines[#lines + 1] = { sid = f[1], csrf = f[2], staff = f[3], service = f[4],
                                  date = f[5], t0 = f[6], t1 = f[7] }
         end
         i = i + 1
      end
   end
   if #lines == 0 then error("no bookings for thread " .. tid .. " in " .. file) end
end

local function cookie(line)
   return "sessionid=" .. line.sid .. "; csrftoken=" .. line.csrf
end

local form_headers = function(line)
   return { ["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = cookie(line) }
end

local exhausted = false

function delay()
   if exhausted and #pending == 0 then return 100 end
   return 0
end

function request()
   calls = calls + 1
   if tid == 1 and calls == 1 then
      -- wrk calls request() once on thread 1 before the run only to count pipelined requests
      -- (script_verify_request); this one is never sent, so it must not use up a booking line
      return wrk.format("GET", "/appointment/bench-verify/")
   end
   if not loaded then load_lines() end
   if #pending > 0 then
      local p = table.remove(pending, 1)
      local body = "csrfmiddlewaretoken=" .. p.line.csrf ..
         "&name=Bench+Client&phone_0=KR&phone_1=01012345678&address=Seoul&additional_info=&payment_type=full"
      out2 = out2 + 1
      return wrk.format("POST", p.location, form_headers(p.line), body)
   end
   if nextIdx > #lines then
      if mode == "cycle" then
         nextIdx = 1
      else
         -- list used up: wait (cheap 404 GETs, 100 ms apart) for the step 2s still to come, then stop
         exhausted = true
         if #inflight == 0 and out2 <= 0 then wrk.thread:stop() end
         return wrk.format("GET", "/appointment/bench-exhausted/")
      end
   end
   local line = lines[nextIdx]
   nextIdx = nextIdx + 1
   inflight[#inflight + 1] = line
   local body = "csrfmiddlewaretoken=" .. line.csrf .. "&date=" .. line.date ..
      "&start_time=" .. line.t0 .. "&end_time=" .. line.t1 ..
      "&service=" .. line.service .. "&staff_member=" .. line.staff
   return wrk.format("POST", "/appointment/request-submit/", form_headers(line), body)
end

local function header(headers, name)
   for k, v in pairs(headers) do
      if string.lower(k) == name then return v end
   end
   return nil
end

function response(status, headers, body)
   local key = tostring(status)
   statuses[key] = (statuses[key] or 0) + 1
   local loc = header(headers, "location")
   if status == 302 and loc and string.find(loc, "/client-info/", 1, true) then
      step1_ok = step1_ok + 1
      local sid = nil
      local sc = header(headers, "set-cookie")
      if sc then sid = string.match(sc, "sessionid=([^;]+)") end
      local line = table.remove(inflight, 1)
      if sid and line and sid ~= line.sid then
         line = { sid = sid, csrf = line.csrf }
      end
      pending[#pending + 1] = { location = loc, line = line }
   elseif status == 302 and loc and string.find(loc, "/thank-you/", 1, true) then
      created = created + 1
      out2 = out2 - 1
   elseif status == 404 and exhausted then
      after_exhaustion = after_exhaustion + 1
   elseif body and string.find(body, "djappt-client-form", 1, true) then
      fail_step2 = fail_step2 + 1            -- client-info form shown again: appointment not created
      out2 = out2 - 1
   elseif body and string.find(body, "djappt-booking-form", 1, true) then
      fail_step1 = fail_step1 + 1            -- booking page shown again: request not created
      table.remove(inflight, 1)
   else
      other = other + 1
   end
end

function done(summary, latency, requests)
   local t = { step1_ok = 0, created = 0, fail_step1 = 0, fail_step2 = 0, other = 0, after_exhaustion = 0 }
   local st = {}
   for _, th in ipairs(threads) do
      for k, _ in pairs(t) do t[k] = t[k] + (th:get(k) or 0) end
      for code, n in pairs(th:get("statuses") or {}) do st[code] = (st[code] or 0) + n end
   end
   local secs = summary.duration / 1e6
   io.write("------------------------------ book.lua\n")
   io.write(string.format("bookings created (step 2 -> thank-you): %d  = %.1f bookings/sec\n",
                          t.created, t.created / secs))
   io.write(string.format("appointment requests (step 1 ok):       %d\n", t.step1_ok))
   io.write(string.format("rejected step 1: %d   rejected step 2: %d   other unexpected: %d   after list end: %d\n",
                          t.fail_step1, t.fail_step2, t.other, t.after_exhaustion))
   local codes = {}
   for code, n in pairs(st) do codes[#codes + 1] = code .. "=" .. n end
   table.sort(codes)
   io.write("status codes: " .. table.concat(codes, " ") .. "\n")
   local bad = 0
   for code, n in pairs(st) do
      local c = tonumber(code)
      if c < 200 or c >= 400 then bad = bad + n end
   end
   io.write(string.format("non-2xx/3xx responses: %d (of which after list end: %d)\n", bad, t.after_exhaustion))
   io.write(string.format("socket errors: connect %d read %d write %d timeout %d\n", summary.errors.connect,
                          summary.errors.read, summary.errors.write, summary.errors.timeout))
end
