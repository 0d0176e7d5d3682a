-- Replays dialogues: each wrk thread sends its own file of pushes (<file>.<thread>, lines: path TAB body) in
-- order. bench/intake_dialogue.py lays a file out so that a citizen's next message comes many requests
-- after the last one, i.e. only once that one has been answered.
local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  requests = {}
  for line in io.lines(args[1] .. "." .. id) do
    local path, body = line:match("^([^\t]+)\t(.*)$")
    requests[#requests + 1] = wrk.format("POST", path, {["Content-Type"] = "text/xml"}, body)
  end
  counter = 0
end

function request()
  counter = counter % #requests + 1
  return requests[counter]
end
