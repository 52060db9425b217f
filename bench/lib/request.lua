-- wrk script of bench/run.sh: one request shape from the environment, and a JSON summary line.
--   BENCH_METHOD (GET), BENCH_BODY, BENCH_AUTH (Authorization header), BENCH_CTYPE (Content-Type)
wrk.method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY") or ""
if body ~= "" then
  wrk.body = body
end
local auth = os.getenv("BENCH_AUTH") or ""
if auth ~= "" then
  wrk.headers["Authorization"] = auth
end
local ctype = os.getenv("BENCH_CTYPE") or ""
if ctype ~= "" then
  wrk.headers["Content-Type"] = ctype
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"status_errors":%d,"socket_errors":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
