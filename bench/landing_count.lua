-- bench/landing.lua, except that each connection stops sending after the number of seconds in
-- the second argument and waits, so that every request sent is answered before wrk ends (when
-- wrk stops with requests in flight, the closed connections may drop some unanswered).
dofile("bench/landing.lua")

local start = init

function init(args)
  start(args)
  stop_at = os.time() + tonumber(args[2])
end

function delay()
  if os.time() >= stop_at then
    return 3600000
  end
  return 0
end
