"""`make bench`: portal throughput, latency, Broker-API calls and memory, against bare Flask."""
