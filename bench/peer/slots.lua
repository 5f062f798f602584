-- wrk script: django-appointment's available-slots endpoint (the AJAX call its booking page makes
-- when a day is picked), for one fixed future weekday.
--
--   wrk -t1 -c8 -d5s -s bench/peer/slots.lua http://127.0.0.1:PORT [-- DATE [STAFF_ID [SERVICE_ID]]]
--
-- GET /appointment/ajax/available_slots/?selected_date=DATE&staff_member=1&service_id=1
--     with "X-Requested-With: XMLHttpRequest" (the view answers 400-style JSON without it).
-- DATE defaults to the first Wednesday at least 7 days after today in Asia/Seoul (bookings made by
-- prepare_bookings.py start 35 days out, so that day keeps its 7 free slots).
-- The package answers errors ("Date is in the past", "Not a working day", "No availability")
-- with HTTP 200 and "success": false, so done() counts the body's success flag as well as statuses.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

ok = 0
not_ok = 0
statuses = {}
path = nil

local function default_date()
   local t = os.time() + 9 * 3600 + 7 * 86400     -- "today" in Asia/Seoul, plus 7 days
   while os.date("!*t", t).wday ~= 4 do t = t + 86400 end  -- wday 4 = Wednesday
   return os.date("!%Y-%m-%d", t)
end

function init(args)
   local date = args[1] or default_date()
   local staff = args[2] or "1"
   local service = args[3] or "1"
   path = "/appointment/ajax/available_slots/?selected_date=" .. date ..
      "&staff_member=" .. staff .. "&service_id=" .. service
   req = wrk.format("GET", path, { ["X-Requested-With"] = "XMLHttpRequest" })
end

function request()
   return req
end

function response(status, headers, body)
   local key = tostring(status)
   statuses[key] = (statuses[key] or 0) + 1
   if status == 200 and string.find(body, '"success": true', 1, true) then
      ok = ok + 1
   else
      not_ok = not_ok + 1
   end
end

function done(summary, latency, requests)
   local ok_, bad_, st = 0, 0, {}
   for _, th in ipairs(threads) do
      ok_ = ok_ + th:get("ok")
      bad_ = bad_ + th:get("not_ok")
      for code, n in pairs(th:get("statuses") or {}) do st[code] = (st[code] or 0) + n end
   end
   local codes, bad_status = {}, 0
   for code, n in pairs(st) do
      codes[#codes + 1] = code .. "=" .. n
      local c = tonumber(code)
      if c < 200 or c >= 400 then bad_status = bad_status + n end
   end
   table.sort(codes)
   io.write("------------------------------ slots.lua\n")
   io.write("path: " .. (threads[1]:get("path") or "?") .. "\n")
   io.write(string.format("responses with slots (success true): %d   without: %d\n", ok_, bad_))
   io.write("status codes: " .. table.concat(codes, " ") .. "   non-2xx/3xx: " .. bad_status .. "\n")
end
