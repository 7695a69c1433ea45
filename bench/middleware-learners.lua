-- wrk request script for bench/middleware.bench.ts: one learner after another, as an app serves
-- many users (the same 100 learners the autocannon load cycles through).
local i = 0
request = function()
  i = (i % 100) + 1
  return wrk.format("GET", "/api/quests/" .. i, { ["x-user-id"] = "learner-" .. i })
end
