"""The checker's settings, in one place (imported by the command line without hypothesis)."""
TIME_LIMIT = 10.0     # seconds per example, by default
THOROUGH = 10         # a thorough run draws this many times each property's examples
PROBE_LIMIT = 6       # probing every architecture may take this many time limits
TINY_PARAMETERS = 24  # "tiny" networks, for exhaustive numeric gradients
SHRINK_LIMIT = 5.0   # seconds of shrinking a failure; then the smallest example so far
