# The console's refusals and error pages, in the staff member's language (web/errors.py).
errors-not-staff = That person is not on the staff list: choose a member of staff from the list. Nothing was changed.
errors-not-researcher = That person is not a social-research officer: choose one from the list. Nothing was changed.
errors-unknown-decision = The decision was not understood: press Accept or Reject. Nothing was recorded.
