"""The outcomes views: the mentor's self-assessment and growth report, the coordinator's cohort summary."""
