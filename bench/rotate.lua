-- wrk script: every request asks the next path of a list (one path a line), so no URL repeats before
-- the list is through – page-cache misses (bench/run.py --misses). The file is named by the environment
-- variable ROTATE_URLS; each wrk thread starts at another place in the list.
--
--   ROTATE_URLS=bench/out/list_urls.txt wrk -t2 -c16 -d12s -s bench/rotate.lua http://127.0.0.1:8040

local paths = {}
for line in io.lines(os.getenv("ROTATE_URLS")) do
  if #line > 0 then
    paths[#paths + 1] = line
  end
end

local counter = 0
local step = 0

function setup(thread)
  counter = counter + 1
  thread:set("offset", (counter - 1) * 997)
end

function init(args)
  step = offset or 0
end

function request()
  step = step + 1
  local path = paths[(step % #paths) + 1]
  return wrk.format("GET", path, { ["Accept-Language"] = "de" })
end
