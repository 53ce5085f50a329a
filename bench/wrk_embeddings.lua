-- wrk script for `deno task load --wrk`: POST /v1/embeddings with the same
-- bodies bench/load.ts sends (the same sentences, cycled, `inputs` per
-- request). Arguments after `--`: pipeline name, inputs per request.
--   wrk -t2 -c64 -d60s --latency -s bench/wrk_embeddings.lua \
--     http://127.0.0.1:8787 -- random-stems-corpus-sif 1
local sentences = {
  "A man is playing a guitar on the street.",
  "The stock market fell sharply after the announcement.",
  "Two dogs are running through a snowy field.",
  "How do I reset my password?",
  "The committee approved the new budget on Tuesday.",
  "A woman is slicing an onion in the kitchen.",
  "Scientists discovered a new species of frog in the rainforest.",
  "What is the best way to learn a new language?",
}
local requests = {}
local n = 0

function init(args)
  local model = args[1] or "random-stems-corpus-sif"
  local inputs = tonumber(args[2] or "1")
  for i = 0, #sentences - 1 do
    local parts = {}
    for k = 0, inputs - 1 do
      parts[#parts + 1] = '"' .. sentences[((i + k) % #sentences) + 1] .. '"'
    end
    local body = '{"model":"' .. model .. '","input":[' ..
      table.concat(parts, ",") .. ']}'
    requests[i + 1] = wrk.format("POST", "/v1/embeddings",
      { ["content-type"] = "application/json" }, body)
  end
end

function request()
  n = n + 1
  return requests[(n % #requests) + 1]
end
