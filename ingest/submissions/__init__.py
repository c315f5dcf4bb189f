"""Partner submissions: intake, validation against the database, review and versioned apply.

The broker is not known here: the actors in workers/ call these functions and send the jobs.
"""
