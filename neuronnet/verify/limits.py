"""The checker's settings, in one place (imported by the command line without hypothesis)."""
TIME_LIMIT = 10.0     # seconds per example, by default
THOROUGH = 10         # a thorough run draws this many times each property's examples
PROBE_LIMIT = 6       # probing every architecture may take this many time limits
TINY_PARAMETERS = 24  # "tiny" networks, for exhaustive numeric gradients
# Shrinking a failure stops after SHRINK_CALLS runs of the property (a count, not a time, so
# that the same file and seed give the same report on a busy machine and an idle one), or
# after SHRINK_CEILING seconds for a slow network, which the report then says.
SHRINK_CALLS = 300
SHRINK_CEILING = 60.0
