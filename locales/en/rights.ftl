## My data: the rights of the data subject (Personal Data Protection Law, Art. 4)

menu-my_data = My data
mydata-shown =
    🔒 This is the personal data the association holds about you (sensitive parts partly hidden):

    { $data }

    What would you like to do?
mydata-copy = A copy of my data
mydata-correct = Correct my data
mydata-withdraw = Withdraw my consent
mydata-delete = Delete my data
mydata-confirm-yes = Yes, I confirm
mydata-confirm-no = No, go back
mydata-copy-confirm = We will send a full copy of your data as a text file to this chat only. Do you want it?
mydata-copy-sent = 📎 Here is your copy of your personal data (a text file). Keep it somewhere safe.
mydata-copy-header = Personal data held by Ghimar Youth Association — { $date }
mydata-correct-ask = Write what you want corrected and the correct value (for example: my correct mobile is ...). A member of staff will review it.
mydata-correction-sent = ✅ Your correction request number { $number } is recorded and passed to a member of staff; we will answer within { $days } days at most.
mydata-withdraw-confirm =
    If you withdraw your consent we stop processing your data: no new support requests from you, no surveys or reminders; your data stays stored until you ask for it to be deleted.
    You can always ask the assistant questions without any personal data being kept. Do you confirm withdrawing your consent?
mydata-withdrawn = ✅ Your consent is withdrawn and recorded. You can keep asking questions here; nothing of them is kept.
mydata-delete-confirm =
    We will delete your personal data or make it anonymous, and withdraw your consent. What the association must keep:
    { $kept }
    Do you confirm deleting your data?
mydata-kept-line = • { $what }: for { $years } years — { $reason }
mydata-kept-nothing = • Nothing.
mydata-kept-support_requests = support requests and their decisions
mydata-kept-documents = documents attached to requests
mydata-kept-feedback = suggestions and complaints
mydata-kept-volunteer_applications = volunteer applications
mydata-deleted = ✅ Your personal data is deleted (request number { $number }), except what is kept by law as listed; that goes when its period ends. You can keep asking questions here; nothing of them is kept.
mydata-section-person = 👤 You
mydata-section-request = 📄 Support request { $reference }
mydata-section-feedback = 💬 Suggestion or complaint { $reference }
mydata-section-volunteer = 🤝 Volunteer application { $reference }
mydata-name = Name
mydata-national-id = National ID
mydata-mobile = Mobile
mydata-language = Language
mydata-consent = Consent given on
mydata-channels = Channels
mydata-status = Status
mydata-date = Date
mydata-branch = Branch
mydata-family-size = Family size
mydata-income = Monthly income
mydata-support-type = Support type
mydata-description = Description
mydata-documents = Documents
mydata-text = Text
mydata-city = City

consent-questions-only = You can type your question here and we will answer from the association's service guides, without keeping your question or any personal data about you. Do you agree to the processing of your data to use the services (support request, following a request...)? Choose “I agree” whenever you wish.
consent-faq-unknown = I found no answer to this in the service guides. Try other words, or reach the association through its other channels.

staff-reason-rights_correction = correction of personal data (data-subject rights)
staff-rights-kind-access = access to data
staff-rights-kind-copy = copy of data
staff-rights-kind-correction = correction of data
staff-rights-kind-deletion = deletion of data
staff-rights-kind-withdrawal = consent withdrawn
staff-rights-opened = 🔐 Rights request #{ $number }: { $kind } — { $state }; legal reply deadline { $due }.
staff-rights-state-open = awaiting a reply
staff-rights-state-done = carried out automatically
staff-rights-reminder = ⏰ Reminder: rights request #{ $number } ({ $kind }) is not closed; reply due { $due }. Close it after replying: /rights done { $number }
staff-rights-list =
    🔐 Open rights requests:
    { $lines }
staff-rights-line = • #{ $number } — { $kind } — due { $due } { $case }
staff-rights-case = — case #{ $case }
staff-rights-none = No open rights requests.
staff-rights-closed = ✅ Rights request #{ $number } closed.
staff-rights-usage = Usage: /rights to list open ones, or /rights done NUMBER to close one after replying.
mydata-copy-code-sent-here = 🔐 We sent you a 6-digit verification code in this chat. Type it here and we will send your copy (valid for { $minutes } minutes).
mydata-copy-code-sent-other = 🔐 We sent a 6-digit verification code to your trusted channel ({ $channel }). Type it here and we will send your copy (valid for { $minutes } minutes).
mydata-copy-code-message = 🔐 The verification code for a copy of your personal data: { $code }
    Valid for { $minutes } minutes. Do not share it with anyone. If you did not ask for it, ignore this message.
err-copy-code = Type the 6-digit verification code.
mydata-copy-code-wrong = That code is not right. Tries left: { $left }.
mydata-copy-code-expired = The code has expired or has no tries left. You can ask for a new copy from "My data".
