# The committee's reason templates, grouped by decision (web/reasons.py).
reasons-for-accepted = Reasons to accept
reasons-for-rejected = Reasons to reject
reasons-wrong-decision = That reason template belongs to the other decision: choose one of this decision's reasons, or write the reason in your words. Nothing was recorded.
