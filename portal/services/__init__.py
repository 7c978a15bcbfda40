"""Use cases of the portal; plain functions that never touch Flask request objects."""
