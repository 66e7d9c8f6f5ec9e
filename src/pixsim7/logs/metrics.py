"""This process's own metrics (counters and histograms it observes as it works).

What the database knows (jobs by status, the queue, account slots, credits) is read when
`/metrics` is scraped (logs/exporter.py); what happens inside a process is counted here,
in a registry of our own, so that `/metrics` of the API shows its embedded worker's and
a `pixsim7 worker --metrics-port` shows its own.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.process_collector import ProcessCollector

REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=REGISTRY)

# Seconds; provider calls take from milliseconds (fakes, local) to many minutes (video).
_LATENCY = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 3600)
_HTTP = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

SUBMIT_SECONDS = Histogram(
    "pixsim7_submit_seconds",
    "Provider submit calls: from the claim to the provider's acceptance.",
    ["provider"],
    buckets=_LATENCY,
    registry=REGISTRY,
)
COMPLETION_SECONDS = Histogram(
    "pixsim7_completion_seconds",
    "Jobs completed: from the provider's acceptance to its result.",
    ["provider"],
    buckets=_LATENCY,
    registry=REGISTRY,
)
INGEST_SECONDS = Histogram(
    "pixsim7_ingest_seconds",
    "Outputs taken into the library: download, store, probe, thumbnails, row.",
    ["provider"],
    buckets=_LATENCY,
    registry=REGISTRY,
)
PROVIDER_ERRORS = Counter(
    "pixsim7_provider_errors",
    "Provider failures by error class (submits, polls and outputs).",
    ["provider", "error_class"],
    registry=REGISTRY,
)
HTTP_SECONDS = Histogram(
    "pixsim7_http_request_seconds",
    "HTTP requests served, by route template, method and status class.",
    ["method", "route", "status"],
    buckets=_HTTP,
    registry=REGISTRY,
)
LOG_LINES_WRITTEN = Counter(
    "pixsim7_log_lines_written", "Log lines stored in the database.", registry=REGISTRY
)
LOG_LINES_DROPPED = Counter(
    "pixsim7_log_lines_dropped",
    "Log lines not stored: the buffer was full (the database slow or away).",
    registry=REGISTRY,
)
