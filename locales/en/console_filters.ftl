# Filters of the console's lists that were not understood (web/filters.py).
filters-not-understood = Some filters were not understood and were left out: { $fields }. Dates are written 2026-11-30 (a start on or before its end, years 2000 to 2199); days are a whole number.
filters-list-separator = {", "}
filters-field-from = start date
filters-field-until = end date
filters-field-waiting = waiting days
