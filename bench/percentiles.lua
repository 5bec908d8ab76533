-- wrk script: print throughput and latency percentiles (microseconds) as one parseable line.
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d seconds=%.3f p50=%d p95=%d p99=%d\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout,
    summary.duration / 1e6, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
