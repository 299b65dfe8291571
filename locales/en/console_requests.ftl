# The staff console's request work (issue 14): step 2 checklist, corrections, notes, channels,
# the conversation so far, deciding several at once, correcting a decision, cases.
cr-step2 = Step 2: verify the data
cr-step2-hint = Check each answer and document. "Needs correction" or "missing" asks the beneficiary on their channel.
cr-item = Item
cr-state = State
cr-check = Check
cr-field-full_name = Full name
cr-field-national_id = National ID / residence number
cr-field-mobile = Mobile
cr-field-branch = Branch
cr-field-family_size = Family size
cr-field-income = Monthly income
cr-field-support_type = Support type
cr-field-description = Description of the need
cr-field-decision = Committee decision
cr-state-unchecked = not checked
cr-state-verified = verified
cr-state-needs_correction = needs correction (asked)
cr-state-missing = missing (asked)
cr-state-corrected = corrected by the beneficiary: check again
cr-mark-verified = Verified
cr-mark-needs_correction = Needs correction
cr-mark-missing = Missing
cr-verified = ✅ Check recorded.
cr-verified-asked = ✅ Check recorded; the beneficiary was asked on their channel.
cr-verified-not-asked = Check recorded, but no channel of the beneficiary may be told: contact them another way.
cr-corrections = Corrections
cr-correct-decision = Correct the recorded decision (admin)
cr-correct-decision-hint = The old and new decision stay in the history; the beneficiary gets the corrected notice.
cr-new-decision = Corrected decision
cr-decision-reason = Reason of the decision
cr-why-correct = Why it is corrected (internal)
cr-correct-decision-button = Record the correction
cr-decision-corrected = ✅ The decision was corrected; the beneficiary will be told.
cr-decision-not-corrected = The decision was not corrected: nothing changed, a reason is missing, or the request is no longer at the decision stage.
cr-decision-corrected-notice = ⚠️ A correction to the decision on your request { $reference }:
cr-channels = Linked channels
cr-channel-trusted = may receive this request's notices
cr-channel-not-trusted = not linked to this request
cr-channel-unreachable = unreachable
cr-last-message = last message { $date }
cr-conversation = The conversation so far
cr-conversation-hint = The latest messages on the request's channels (ID numbers and sensitive answers are hidden).
cr-said-in = the beneficiary
cr-said-out = the bot or staff
cr-notes = Internal notes
cr-note-new = New note (staff only, never sent to the beneficiary)
cr-note-add = Add the note
cr-note-added = ✅ Note added.
cr-note-empty = The note is empty.
cr-fix-asked = The association's officer checking your request { $reference } asks you to correct one answer: { $field }.
cr-fix-now = Correct it now
cr-fix-thanks = ✅ Thank you, your answer was corrected in request { $reference }.
cr-fix-closed = This correction is no longer needed (the request has moved on).
cr-bulk-title = Decide several requests at once
cr-bulk-hint = Tick the requests, choose a reason (or write one), then accept or reject them all. Each beneficiary is told on their channel.
cr-bulk-select = Select { $reference }
cr-reason-template = Reason template
cr-reason-none = (none)
cr-reason-own = Or a reason in your words
cr-bulk-accept = Accept the selected
cr-bulk-reject = Reject the selected
cr-bulk-none = Select at least one request.
cr-bulk-done = { $recorded ->
    [one] ✅ 1 decision recorded
   *[other] ✅ { $recorded } decisions recorded
}{ $refused ->
    [0] .
   *[other] ; { $refused } refused (see below).
}
cr-bulk-refused = { $reference }: not recorded ({ $error })
cr-staff-new-request = 📥 New support request { $reference }: { $type }, { $branch }; documents missing: { $missing }. Open it in the staff console.
cr-cases = The beneficiary's cases with the staff desk
cr-case-line = Case #{ $case } — { $reason } — { $status }
cr-case-assign = Refer the case
cr-case-assigned = ✅ The case was referred.
cr-cases-mine = Cases referred to me
cr-case-status-open = open
cr-case-status-claimed = taken by staff
cr-case-status-closed = closed
cr-case-request = request
cr-ask-full-name = What is your full name as on your ID?
cr-fix-id-taken = Another open request is registered under this ID number. Check the number, or talk to a member of staff.
