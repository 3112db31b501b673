"""Data Park's PySpark jobs: batch transforms from `source` to `processed`."""
