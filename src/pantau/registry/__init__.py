"""Registry: agencies, civil servants, their accounts; elections, candidates, watch lists, cues."""
