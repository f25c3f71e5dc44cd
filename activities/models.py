"""Activity models arrive with the activities issue (issue 5)."""
