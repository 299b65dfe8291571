## Ghimar Desk — English texts (the second language). Keep ids in step with ar/main.ftl.

welcome =
    Welcome to the beneficiary service of Ghimar Youth Association 🌿
    We are here to serve you and answer all your questions.

    🔒 Privacy notice:
    We collect your data (name, national ID, mobile, family, income and documents) only to study your request and serve you. Sensitive data is stored encrypted and is seen only by the staff concerned and the research committee.

    Do you agree to the processing of your data for this purpose?
consent-agree = I agree
consent-decline = I do not agree
other-language = العربية
consent-declined =
    We respect your decision. We cannot receive support requests without your consent to process the data they need.
    You can agree at any time, or reach us through the association's other channels.

consent-remind = To continue, choose “I agree” or “I do not agree”. You can also type a question, choose “Talk to a person” without agreeing, or type «العربية».
consent-faq-answer =
    { $answer }

    📘 Source: { $source }

menu-title = How can we help you? Choose from the menu, or type your question:
menu-request = New support request
menu-status = My requests' status
menu-volunteer = Volunteer with us
menu-feedback = Suggestion or complaint
menu-question = I have a question
menu-person = Talk to a person
menu-language = Language / اللغة
menu-back = Main menu
menu-not-understood = Sorry, I did not understand. Please choose from the menu.
ask-question = Please type your question and I will answer from the association's guides.

faq-answer =
    { $answer }

    📘 Source: { $source }

    Was this answer helpful?
faq-answer-inline =
    { $answer }

    📘 Source: { $source }

    Let us continue where we stopped 👇
faq-helpful-yes = Yes, helpful
faq-helpful-no = No
faq-thanks = Thank you! We are always glad to serve you.
faq-did-you-mean = I am not sure I understood. Did you mean one of these questions?
faq-unhelpful = Sorry the answer did not help. Would you like to talk to a person?
faq-unknown = Sorry, I do not know the exact answer to that, and I would rather not guess. You can rephrase your question or choose “Talk to a person”.
faq-unknown-escalated = I could not find a reliable answer, so I have passed your question to a member of staff, who will contact you soon.

language-choose = اختر اللغة / Choose your language:
language-set = English selected.
cancelled = Cancelled; nothing from these steps was kept.
cancel-confirm = Do you want to cancel this? The answers and files you sent in it will be deleted.
cancel-yes = Yes, cancel it
cancel-no = No, continue
edit-cancelled = The change was cancelled; the previous answer stays as it was.
nothing-to-go-back = There is no previous step.
throttled = We received many messages in a short time. We will pause our replies for a moment; write again in { $seconds } seconds and we will carry on where we stopped.
help-text =
    At any time you can type:
    • “back” to go to the previous question
    • “cancel” to cancel what you are doing
    • “menu” for the main menu
    • “العربية” to switch to Arabic
offer-researcher = Ask the social-research officer to explain
offer-person = This step seems unclear. Would you like a member of staff to help you?
offer-person-opened = This step seems unclear, so we have asked a member of staff to help you; they will contact you here. You can try again meanwhile.
draft-found = You have an unfinished support request. Continue where you stopped, or start over?
draft-continue = Continue the request
draft-restart = Start over
use-this-number = Use { $number }

ask-full-name =
    Let us start your support request 📝 (type “back” or “cancel” at any time)
    What is your full name as on your ID?
ask-national-id = Type your national ID or residence number (10 digits).
ask-mobile = What is your mobile number? (e.g. 05XXXXXXXX)
ask-branch = Choose your city or nearest branch:
ask-family-size = How many people are in your family (including you)?
ask-income = What is your family's total monthly income in riyals? (type 0 if none)
ask-support-type = What kind of support do you need?
ask-description = Briefly describe your situation and need:
ask-document = Please send a photo or PDF of: { $document } ({ $left } left)
ask-document-or-bring = Please send a photo or PDF of: { $document } ({ $left } left), or choose to bring it to the branch.
document-bring = I will bring it to the branch
documents-complete = All required documents received.
document-received = ✅ Received: { $document }
review =
    Please review your request:
    • Name: { $full_name }
    • ID number: { $national_id }
    • Mobile: { $mobile }
    • Branch: { $branch }
    • Family size: { $family_size }
    • Monthly income: { $income } SAR
    • Support type: { $support_type }
    • Description: { $description }
    • Documents:
    { $documents }

    If everything is correct choose “Confirm”, or choose what to change.
review-confirm = Confirm
edit-full_name = Change name
edit-national_id = Change ID number
edit-mobile = Change mobile
edit-branch = Change branch
edit-family_size = Change family size
edit-income = Change income
edit-support_type = Change support type
edit-description = Change description
edit-documents = Redo documents
declaration =
    Declaration:
    I declare that all the data and documents I have given are true, that I am directly responsible for the accuracy of this information, and I know the association will verify it.
declaration-agree = I declare and undertake
declaration-back = Back to review
ask-signature = To sign the declaration, type your full name exactly as in the request.
submitted =
    ✅ Your request has been received.
    Reference: { $reference }

    Your request will go to the research committee, which will study it and answer you about its acceptance or rejection within a period of not less than two weeks ({ $days } days).
    Registration is completed once the requirements are complete. You can check your request at any time from “My requests' status”.
dup-open = You already have request { $reference } with the research committee, so there is no need for a new one. You can follow it from “My requests' status”.
dup-cooldown = A decision on your previous request was made recently. You can file a new request from { $date }. For questions choose “Talk to a person”.
dup-exists =
    A request is already registered under this ID number, so a new one cannot be filed with it now.
    If it is yours, follow it from “My requests' status” on the channel you submitted it from, or link it to this channel from “My requests' status” → “Link another request”: a verification code will reach you on that channel. For questions choose “Talk to a person”.

status-list =
    Your requests:

    { $lines }
status-line = 📄 { $reference } — { $support_type }: { $status } (submitted { $date })
status-expected = ⏳ Expect the research committee's answer from { $date } on (at least two weeks, { $days } days, after submission).
status-missing = Missing documents: { $documents }
status-what-next = What would you like to do now?
status-link-other = Link another request
ask-reference = Type the request reference (e.g. GH-2026-000123).
link-code-sent =
    If the reference is right, we have sent a 6-digit verification code to the channel the request was submitted from (or linked to it). Type the code here within { $minutes } minutes.
    If you no longer have that channel, choose “Talk to a person” so a staff member can verify who you are.
ask-link-code = Type the 6-digit verification code.
err-link-code = Type the 6-digit verification code only.
link-code-wrong = That code is not right. Tries left for this code: { $left }.
link-code-expired = The code has expired or is no longer valid. You can ask for a new one from “My requests' status” → “Link another request”.
link-code-locked = Too many tries for this code. You can ask for a new one later, or choose “Talk to a person”.
link-limited = You have asked for as many verification codes as allowed today. Please try again tomorrow or choose “Talk to a person”.
link-already =
    This request is already linked to this channel:
    { $details }
link-code-message =
    🔐 Someone asked to follow your request { $reference } from { $channel }.
    Verification code: { $code }
    Valid for { $minutes } minutes. Never share this code with anyone: the association's staff will never ask you for it. If it was not you, ignore this message and nothing will be linked.
link-notice = 🔗 Your request { $reference } is now also followed from { $channel } ({ $time }). If this was not you, press “Undo the link” now, and that channel will receive nothing about your requests.
link-undo = Undo the link
link-undone = The link is undone ✅ That channel will receive nothing about your requests. If you are worried, choose “Talk to a person”.
link-undo-none = There is no link to undo.
link-staff-done = Request { $reference } is now linked to this channel, after a staff member verified it ✅ You can follow it from “My requests' status”.
channel-terminal = the terminal
channel-telegram = Telegram
channel-whatsapp = WhatsApp
channel-web = the website
link-done =
    The request is now linked to your account ✅
    { $details }
request-status-draft = draft
request-status-submitted = submitted
request-status-under_study = under study by the research committee
request-status-accepted = accepted
request-status-rejected = rejected
request-status-registration_completed = registration completed
request-status-service_delivered = service delivered
request-status-withdrawn = withdrawn
request-status-closed = closed

ask-volunteer-name =
    Let us sign you up as a volunteer 🤝 (type “back” or “cancel” at any time)
    What is your full name?
ask-city = Which city do you live in?
ask-skills = What are your skills, or the areas you would like to volunteer in?
ask-availability = When are you available to volunteer?
availability-weekday_mornings = Weekday mornings
availability-weekday_evenings = Weekday evenings
availability-weekends = Weekends
availability-flexible = Flexible
volunteer-done = Thank you for your generous spirit 🌟 You are registered as a volunteer with reference { $reference }; we will contact you soon.

ask-feedback-kind = Would you like to make a suggestion or a complaint?
feedback-kind-suggestion = Suggestion
feedback-kind-complaint = Complaint
ask-feedback-suggestion = Please type your suggestion. Your opinion helps us keep improving.
ask-feedback-complaint = We are sorry for what happened. Please describe your complaint; you may attach a photo or file.
feedback-attachment-received = Attachment received.
feedback-now-text = Now please type your message.
feedback-done-suggestion = Thank you for your suggestion! Reference: { $reference }.
feedback-done-complaint = Your complaint is recorded as { $reference } and has been passed to the beneficiary-relations officer, who will contact you.

ask-escalate-reason = We will put you in touch with a member of staff. What is it about?
escalate-reason-procedure_unclear = The procedure is unclear to me
escalate-reason-asked_for_person = Something else
ask-escalate-details = Briefly say what you need (or choose “Skip”).
escalate-skip = Skip
escalated = Your request has been passed to the { $role }, who will contact you as soon as possible during working hours (Sunday to Thursday).
role-officer = beneficiary-relations officer
role-researcher = social-research officer
role-admin = management

err-choose = Please choose one of the options shown (you can type its number).
err-expect-text = Please type your answer as text.
err-expect-document = Please send the document as a photo or a PDF file.
err-id-digits = The ID number has digits only.
err-id-length = The ID number has 10 digits; you sent { $count }.
err-id-prefix = A national ID starts with 1 and a residence number with 2.
err-id-checksum = This ID number is not valid; please check it and type it again.
err-mobile-format = This mobile number is not valid. Type it like 05XXXXXXXX
err-mobile-not-mobile = This is not a mobile number. Type a mobile number starting with 05.
err-contact-not-own = Please share your own number, or type your mobile number.
err-name-letters = Please write the name in letters only.
err-name-parts = Please type your full name (at least first and family name).
err-number = Please type a number only.
err-number-range = The number must be between { $min } and { $max }.
err-too-long = That is too long; at most { $max } characters.
err-text-short = Please type at least { $min } characters.
err-document-too-big = The file is too big; at most { $mb } MB.
err-document-type = This file type is not accepted. Send a photo (JPG or PNG) or a PDF.
err-document-download = We could not receive the file; please send it again.
err-sign-mismatch = The name does not match the one in the request. Type it exactly as you entered it.
err-reference = That reference is not valid. Example: GH-2026-000123
welcome-back = Welcome back! Let us continue where we stopped 👇

decision-accepted =
    🌟 Good news: the research committee has accepted your request { $reference }.
    Next step: complete your registration at { $branch } during working hours (Sunday to Thursday), bringing your original ID.
decision-bring = Please bring these documents: { $documents }
decision-rejected = Thank you for your trust. After studying your request { $reference }, the research committee decided not to accept it.
decision-reason = Reason: { $reason }
decision-rejected-next = You may ask for a review or file a complaint: choose “Talk to a person” or “Suggestion or complaint”.
survey-invite-decision = Your evaluation is your right and helps us improve; it is never used to blame anyone. How would you rate your experience of applying with request { $reference } and hearing the committee's decision?
survey-invite-delivery = We hope the service reached you well. How would you rate the service you received for request { $reference }?
survey-invite-case = Your evaluation is your right and helps us improve; it is never used to blame anyone. How would you rate your conversation with our staff?
survey-reminder = A gentle reminder: your opinion matters to us. How would you rate our service for request { $reference }?
survey-rating-5 = ⭐⭐⭐⭐⭐ Excellent
survey-rating-4 = ⭐⭐⭐⭐ Very good
survey-rating-3 = ⭐⭐⭐ Good
survey-rating-2 = ⭐⭐ Fair
survey-rating-1 = ⭐ Poor
survey-decline = I prefer not to rate
survey-ask-comment = Thank you! Any comment or suggestion to add? (type it or choose “Skip”)
survey-skip = Skip
survey-ask-solved = Was your problem solved or your need met?
survey-solved-yes = Yes
survey-solved-partly = Partly
survey-solved-no = No
survey-thanks = Thank you very much for your evaluation 🌿 We will use it to improve our services.
survey-declined = That is fine; we respect your wish. You can always share your opinion from “Suggestion or complaint”.
survey-closed = This survey is no longer open, thank you. You can share your opinion from “Suggestion or complaint”.
survey-trigger-decision = after the decision
survey-trigger-delivery = after delivery
survey-trigger-case = after a closed case
survey-ask-rating = How would you rate our service? Choose a rating from the list, or type its number there.
upload-ask = Request { $reference }: send a photo or PDF of: { $document } ({ $left } left), or choose to bring it to the branch.
upload-done = Thank you, your request's documents are updated.
upload-nothing-missing = Your request has no missing documents at the moment.
document-reminder = A reminder about your request { $reference }: we have not yet received: { $documents }. You can upload them here now, or bring them to the branch.
document-requested = The social-research officer asks for this document for your request { $reference }: { $documents }. You can upload it here now.
upload-now = Upload documents now

## Staff desk: texts for the staff group and for beneficiaries in a case.
staff-card =
    🆕 Case #{ $case } — { $reason }
    Routed to: { $role }
    Name: { $name }
    Channel: { $channel }
    Mobile: { $mobile }
    ID: { $national_id }
    Request: { $reference } ({ $status })
    Missing documents: { $missing }
    Last messages:
    { $transcript }

    Commands: /claim /release /close /note text — any message here reaches the beneficiary.
staff-reason-asked_for_person = asked for a person
staff-reason-procedure_unclear = the procedure is unclear to them
staff-reason-complaint = complaint
staff-reason-repeated_failures = repeated trouble answering
staff-reason-faq_unknown = a question the guides do not answer
staff-from-beneficiary = 👤 { $name }: { $text }
staff-reply =
    💬 { $role }:
    { $text }
staff-joined = The { $role } has joined this conversation; please go ahead.
staff-released = You are back with the assistant. Type “menu” to see the services.
staff-case-closed = Your conversation with our staff is closed. Thank you for contacting us; we are always glad to serve you.
staff-out-of-hours = Your request has reached our staff. We are outside working hours now; a member of staff will answer you on { $day } from { $time }.
staff-claimed = ✅ Case #{ $case } is now with the { $role }. The assistant is silent in this conversation.
staff-released-note = ↩️ Case #{ $case } is back with the assistant.
staff-closed-note = 🔒 Case #{ $case } is closed.
staff-noted = 📝 Note kept internally (never sent to the beneficiary).
staff-usage-note = Usage: /note text of the note
staff-case-is-closed = Case #{ $case } is closed; the message was not sent.
staff-refused = ⛔ This is for registered staff only.
staff-role-refused = ⛔ This command is not available to the { $role } role.
staff-needs-case = Use this inside the case's topic or as a reply to its card.
staff-help = Commands: /claim /release /close /note text /link REF /status REF /find MOBILE-or-REF /request_doc REF DOCUMENT /decide REF accept|reject REASON /stats /rights
staff-not-found = No request matches: { $query }
staff-request-line = 📄 { $reference } — { $type }: { $status } (submitted { $date }) — missing: { $missing }
staff-usage-request-doc = Usage: /request_doc REF DOCUMENT — documents: { $documents }
staff-doc-already = Document { $document } is already uploaded.
staff-doc-requested = 📨 The beneficiary was asked to upload { $document } for { $reference }.
staff-usage-decide = Usage: /decide REF accept|reject [reason]
staff-usage-link = Usage inside the case's topic, after verifying the request owner's identity (the original ID at a branch, or a call to the registered mobile): /link REF
staff-link-linked = 🔗 Request { $reference } is now linked to the channel of case #{ $case }'s person; the request's owner was told on their own channel, with a way to undo it.
staff-link-already = Request { $reference } is already linked to the channel of case #{ $case }'s person.
staff-error = ⚠️ { $error }
staff-decided = ⚖️ { $reference }: { $outcome } — now { $status }. The beneficiary is notified at a decent hour.
staff-stats =
    📊 Open cases: { $cases }
    Requests: { $requests }
    Surveys: { $sent } sent, { $answered } answered, CSAT { $csat }
staff-reminder = 🔔 Reminder: case #{ $case } has waited { $minutes } working minutes for an answer — { $role }
weekday-sun = Sunday
weekday-mon = Monday
weekday-tue = Tuesday
weekday-wed = Wednesday
weekday-thu = Thursday
weekday-fri = Friday
weekday-sat = Saturday
staff-digest =
    🗓️ Digest for { $date }
    Requests with the research committee for more than { $days } days:
    { $requests }
    Cases without a staff answer:
    { $cases }
staff-digest-request = • { $reference } — for { $days } days
staff-digest-case = • case #{ $case } — { $reason } — for { $hours } hours
