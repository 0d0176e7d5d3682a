-- Cycles through pre-built, distinct, signed and encrypted pushes (one per line: path TAB body).
local requests = {}
local counter = 0

function init(args)
  for line in io.lines(args[1]) do
    local path, body = line:match("^([^\t]+)\t(.*)$")
    requests[#requests + 1] = wrk.format("POST", path, {["Content-Type"] = "text/xml"}, body)
  end
  -- each thread starts at a different offset so threads never send the same message at once
  counter = math.random(#requests)
end

function request()
  counter = counter % #requests + 1
  return requests[counter]
end
