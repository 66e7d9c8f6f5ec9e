from tests.jobs.conftest import builtin, worker  # noqa: F401  (a worker for /services)
