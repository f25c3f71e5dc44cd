"""Proposal models arrive with the proposal lifecycle (issue 3)."""
