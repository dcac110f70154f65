"""The bench harness library: targets, measurements, reports."""
