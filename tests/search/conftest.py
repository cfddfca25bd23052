"""Prints the relevance set's pass rate and MRR in the terminal summary (visible in CI logs, with or
without -s)."""

RELEVANCE_REPORT = []


def pytest_terminal_summary(terminalreporter):
    for line in RELEVANCE_REPORT:
        terminalreporter.write_line(line)
