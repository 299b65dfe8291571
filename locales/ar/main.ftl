## Ghimar Desk — Arabic texts (the first language). Keep ids in step with en/main.ftl.

welcome =
    أهلاً وسهلاً بك في خدمة المستفيدين لجمعية غمار الشبابية 🌿
    نحن هنا لخدمتك والإجابة على جميع استفساراتك.

    🔒 إشعار الخصوصية:
    نجمع بياناتك (الاسم، رقم الهوية، الجوال، بيانات الأسرة والدخل والمستندات) فقط لدراسة طلبك وتقديم الخدمة لك. تُحفظ بياناتك الحساسة مشفّرة، ولا يطّلع عليها إلا الموظفون المختصون ولجنة البحث.

    هل توافق على معالجة بياناتك لهذا الغرض؟
consent-agree = أوافق
consent-decline = لا أوافق
other-language = English
consent-declined =
    نحترم قرارك. لا يمكننا استقبال طلبات الدعم دون موافقتك على معالجة البيانات اللازمة لها.
    يمكنك الموافقة في أي وقت، أو التواصل معنا عبر قنوات الجمعية الأخرى.

consent-remind = للمتابعة اختر «أوافق» أو «لا أوافق». يمكنك أيضاً كتابة سؤالك، أو اختيار «التحدث مع موظف» دون الحاجة إلى الموافقة، أو كتابة «English».
consent-faq-answer =
    { $answer }

    📘 المصدر: { $source }

menu-title = كيف نقدر نخدمك؟ اختر من القائمة، أو اكتب سؤالك مباشرة:
menu-request = طلب دعم جديد
menu-status = حالة طلباتي
menu-volunteer = التسجيل كمتطوع
menu-feedback = اقتراح أو شكوى
menu-question = لدي سؤال
menu-person = التحدث مع موظف
menu-language = اللغة / Language
menu-back = القائمة الرئيسية
menu-not-understood = عذراً، لم أفهم رسالتك. اختر من القائمة من فضلك.
ask-question = تفضّل، اكتب سؤالك وسأجيبك من أدلة الجمعية.

faq-answer =
    { $answer }

    📘 المصدر: { $source }

    هل كانت الإجابة مفيدة؟
faq-answer-inline =
    { $answer }

    📘 المصدر: { $source }

    نكمل الآن من حيث توقفنا 👇
faq-helpful-yes = نعم، مفيدة
faq-helpful-no = لا
faq-thanks = شكراً لك! يسعدنا خدمتك دائماً.
faq-did-you-mean = لست متأكداً أني فهمت سؤالك. هل تقصد أحد هذه الأسئلة؟
faq-unhelpful = نأسف أن الإجابة لم تفدك. هل تود التحدث مع موظف؟
faq-unknown = عذراً، لا أعرف الإجابة على هذا السؤال بدقة، ولا أريد أن أعطيك معلومة غير صحيحة. يمكنك إعادة صياغة سؤالك، أو اختيار «التحدث مع موظف».
faq-unknown-escalated = لم أجد إجابة موثوقة لسؤالك، لذلك حوّلته إلى موظف مختص وسيتواصل معك قريباً بإذن الله.

language-choose = اختر اللغة / Choose your language:
language-set = تم اختيار اللغة العربية.
cancelled = تم الإلغاء، ولم يُحفظ شيء من هذه الخطوات.
cancel-confirm = هل تريد إلغاء هذه العملية؟ ستُحذف الإجابات والملفات التي أرسلتها فيها.
cancel-yes = نعم، ألغِ العملية
cancel-no = لا، أكمل
edit-cancelled = تم إلغاء التعديل، وبقيت الإجابة السابقة كما هي.
nothing-to-go-back = لا توجد خطوة سابقة.
throttled = وصلتنا رسائل كثيرة في وقت قصير. سنتوقف عن الرد قليلاً؛ أرسل رسالتك بعد { $seconds } ثانية وسنكمل معك من حيث توقفنا.
help-text =
    يمكنك في أي وقت كتابة:
    • «رجوع» للعودة إلى السؤال السابق
    • «إلغاء» لإلغاء العملية الحالية
    • «القائمة» للعودة إلى القائمة الرئيسية
    • «English» للتحويل إلى الإنجليزية
offer-researcher = اطلب الشرح من مسؤول البحث الاجتماعي
offer-person = يبدو أن هذه الخطوة غير واضحة. هل تحب أن نحوّلك إلى موظف يساعدك؟
offer-person-opened = يبدو أن هذه الخطوة غير واضحة، لذلك طلبنا من موظف مختص مساعدتك وسيتواصل معك هنا. يمكنك المحاولة مرة أخرى في الأثناء.
draft-found = لديك طلب دعم لم يكتمل بعد. هل تريد إكماله من حيث توقفت، أم البدء من جديد؟
draft-continue = إكمال الطلب
draft-restart = البدء من جديد
use-this-number = استخدام الرقم { $number }

ask-full-name =
    لنبدأ طلب الدعم 📝 (اكتب «رجوع» أو «إلغاء» في أي وقت)
    ما اسمك الرباعي كما في الهوية؟
ask-national-id = اكتب رقم الهوية الوطنية أو رقم الإقامة (10 أرقام).
ask-mobile = ما رقم جوالك؟ (مثال: 05XXXXXXXX)
ask-branch = اختر المدينة أو الفرع الأقرب لك:
ask-family-size = كم عدد أفراد الأسرة (بما فيهم أنت)؟
ask-income = كم إجمالي دخل الأسرة الشهري بالريال؟ (اكتب 0 إن لم يوجد دخل)
ask-support-type = ما نوع الدعم الذي تحتاجه؟
ask-description = اشرح لنا حالتك واحتياجك باختصار:
ask-document = من فضلك أرسل صورة أو ملف PDF لـ: { $document } (المتبقي: { $left })
ask-document-or-bring = من فضلك أرسل صورة أو ملف PDF لـ: { $document } (المتبقي: { $left })، أو اختر إحضاره إلى الفرع.
document-bring = سأحضره إلى الفرع
documents-complete = تم استلام جميع المستندات المطلوبة.
document-received = ✅ تم استلام: { $document }
review =
    راجع بيانات طلبك من فضلك:
    • الاسم: { $full_name }
    • رقم الهوية: { $national_id }
    • الجوال: { $mobile }
    • الفرع: { $branch }
    • عدد أفراد الأسرة: { $family_size }
    • الدخل الشهري: { $income } ريال
    • نوع الدعم: { $support_type }
    • الوصف: { $description }
    • المستندات:
    { $documents }

    إذا كانت البيانات صحيحة اختر «تأكيد البيانات»، أو اختر ما تريد تعديله.
review-confirm = تأكيد البيانات
edit-full_name = تعديل الاسم
edit-national_id = تعديل رقم الهوية
edit-mobile = تعديل الجوال
edit-branch = تعديل الفرع
edit-family_size = تعديل عدد الأفراد
edit-income = تعديل الدخل
edit-support_type = تعديل نوع الدعم
edit-description = تعديل الوصف
edit-documents = إعادة المستندات
declaration =
    إقرار:
    أقرّ بأن جميع البيانات والمستندات التي قدّمتها صحيحة، وأنني مسؤول مسؤولية مباشرة عن صحة هذه المعلومات، وأعلم أن الجمعية ستتحقق منها.
declaration-agree = أقرّ وأتعهد
declaration-back = الرجوع للمراجعة
ask-signature = للتوقيع على الإقرار، اكتب اسمك الكامل كما أدخلته في الطلب.
submitted =
    ✅ تم استلام طلبك بنجاح.
    رقم الطلب: { $reference }

    سيُرفع طلبك إلى لجنة البحث لدراسته والرد عليك بشأن قبوله أو رفضه خلال مدة لا تقل عن أسبوعين ({ $days } يوماً).
    سنكمل إجراءات التسجيل عند اكتمال المتطلبات، ويمكنك متابعة حالة طلبك في أي وقت من «حالة طلباتي».
dup-open = لديك طلب قائم برقم { $reference } ما زال لدى لجنة البحث، لذلك لا حاجة لتقديم طلب جديد. يمكنك متابعته من «حالة طلباتي».
dup-cooldown = صدر قرار في طلبك السابق مؤخراً. يمكنك تقديم طلب جديد ابتداءً من { $date }. إن كان لديك استفسار اختر «التحدث مع موظف».
dup-exists =
    يوجد طلب مسجّل برقم الهوية هذا، لذلك لا يمكن تقديم طلب جديد به الآن.
    إن كان الطلب لك فتابعه من «حالة طلباتي» في القناة التي قدّمته منها، أو اربطه بهذه القناة من «حالة طلباتي» ← «ربط طلب آخر» وسيصلك رمز تحقق على تلك القناة. لأي استفسار اختر «التحدث مع موظف».

status-list =
    طلباتك:

    { $lines }
status-line = 📄 { $reference } — { $support_type }: { $status } (تاريخ التقديم { $date })
status-expected = ⏳ يُتوقع رد لجنة البحث ابتداءً من { $date } (مدة لا تقل عن أسبوعين، { $days } يوماً، من تاريخ التقديم).
status-missing = المستندات الناقصة: { $documents }
status-what-next = ماذا تريد الآن؟
status-link-other = ربط طلب آخر
ask-reference = اكتب رقم الطلب (مثال: GH-2026-000123).
link-code-sent =
    إن كان رقم الطلب صحيحاً فقد أرسلنا رمز تحقق من 6 أرقام إلى القناة التي قُدّم منها الطلب (أو المرتبطة به). اكتب الرمز هنا خلال { $minutes } دقائق.
    إن لم تعد تصل إلى تلك القناة فاختر «التحدث مع موظف» ليتحقق من هويتك.
ask-link-code = اكتب رمز التحقق المكوّن من 6 أرقام.
err-link-code = اكتب رمز التحقق المكوّن من 6 أرقام فقط.
link-code-wrong = الرمز غير صحيح. المحاولات المتبقية لهذا الرمز: { $left }.
link-code-expired = انتهت صلاحية الرمز أو لم يعد صالحاً. يمكنك طلب رمز جديد من «حالة طلباتي» ← «ربط طلب آخر».
link-code-locked = تجاوزت عدد المحاولات لهذا الرمز. يمكنك طلب رمز جديد لاحقاً، أو اختيار «التحدث مع موظف».
link-limited = تجاوزت عدد رموز التحقق المسموح بها اليوم. حاول غداً أو اختر «التحدث مع موظف».
link-already =
    هذا الطلب مرتبط بهذه القناة بالفعل:
    { $details }
link-code-message =
    🔐 طلب أحدهم متابعة طلبك { $reference } من { $channel }.
    رمز التحقق: { $code }
    صالح لمدة { $minutes } دقائق. لا تشارك هذا الرمز مع أي أحد، فموظفو الجمعية لن يطلبوه منك أبداً. إن لم تكن أنت من طلبه فتجاهل هذه الرسالة، ولن يُربط شيء.
link-notice = 🔗 أصبح طلبك { $reference } يُتابَع أيضاً من { $channel } ({ $time }). إن لم تكن أنت فاضغط «إلغاء الربط» فوراً، ولن تصل تلك القناة أي معلومات عن طلباتك.
link-undo = إلغاء الربط
link-undone = تم إلغاء الربط ✅ لن تصل تلك القناة أي معلومات عن طلباتك. إن كان لديك قلق فاختر «التحدث مع موظف».
link-undo-none = لا يوجد ربط لإلغائه.
link-staff-done = تم ربط الطلب { $reference } بهذه القناة بعد تحقق الموظف ✅ يمكنك متابعته من «حالة طلباتي».
channel-terminal = الطرفية
channel-telegram = تيليجرام
channel-whatsapp = واتساب
channel-web = موقع الجمعية
link-done =
    تم ربط الطلب بحسابك ✅
    { $details }
request-status-draft = مسودة
request-status-submitted = مُقدَّم
request-status-under_study = قيد الدراسة لدى لجنة البحث
request-status-accepted = مقبول
request-status-rejected = مرفوض
request-status-registration_completed = اكتمل التسجيل
request-status-service_delivered = تم تقديم الخدمة
request-status-withdrawn = مسحوب
request-status-closed = مغلق

ask-volunteer-name =
    لنبدأ تسجيلك كمتطوع 🤝 (اكتب «رجوع» أو «إلغاء» في أي وقت)
    ما اسمك الكامل؟
ask-city = في أي مدينة تسكن؟
ask-skills = ما مهاراتك أو المجالات التي تحب التطوع فيها؟
ask-availability = متى يناسبك التطوع؟
availability-weekday_mornings = صباحاً أيام الأسبوع
availability-weekday_evenings = مساءً أيام الأسبوع
availability-weekends = نهاية الأسبوع
availability-flexible = وقت مرن
volunteer-done = شكراً لروحك المعطاءة 🌟 تم تسجيلك كمتطوع برقم { $reference }، وسنتواصل معك قريباً.

ask-feedback-kind = هل تريد تقديم اقتراح أم شكوى؟
feedback-kind-suggestion = اقتراح
feedback-kind-complaint = شكوى
ask-feedback-suggestion = تفضّل، اكتب اقتراحك. رأيك يساعدنا على التحسين المستمر.
ask-feedback-complaint = نأسف لما واجهته. اكتب شكواك بالتفصيل، ويمكنك إرفاق صورة أو ملف.
feedback-attachment-received = تم استلام المرفق.
feedback-now-text = اكتب الآن نص رسالتك من فضلك.
feedback-done-suggestion = شكراً لاقتراحك! رقم المرجع: { $reference }.
feedback-done-complaint = تم تسجيل شكواك برقم { $reference }، وأُحيلت إلى موظف علاقات المستفيدين للتواصل معك.

ask-escalate-reason = سنحوّلك إلى موظف مختص. ما سبب طلبك؟
escalate-reason-procedure_unclear = الإجراءات غير واضحة لي
escalate-reason-asked_for_person = موضوع آخر
ask-escalate-details = اكتب باختصار ما تحتاجه (أو اختر «تخطي»).
escalate-skip = تخطي
escalated = تم تحويل طلبك إلى { $role }، وسيتواصل معك في أقرب وقت خلال ساعات العمل (الأحد إلى الخميس).
role-officer = موظف علاقات المستفيدين
role-researcher = مسؤول البحث الاجتماعي
role-admin = الإدارة

err-choose = من فضلك اختر أحد الخيارات المعروضة (يمكنك كتابة رقم الخيار).
err-expect-text = من فضلك اكتب الإجابة نصاً.
err-expect-document = من فضلك أرسل المستند صورةً أو ملف PDF.
err-id-digits = رقم الهوية يتكون من أرقام فقط.
err-id-length = رقم الهوية يتكون من 10 أرقام، وأرسلت { $count }.
err-id-prefix = رقم الهوية الوطنية يبدأ بـ 1، ورقم الإقامة يبدأ بـ 2.
err-id-checksum = رقم الهوية غير صحيح، تأكد منه وأعد كتابته.
err-mobile-format = رقم الجوال غير صحيح. اكتبه هكذا: 05XXXXXXXX
err-mobile-not-mobile = هذا ليس رقم جوال. اكتب رقم جوال يبدأ بـ 05.
err-contact-not-own = من فضلك شارك رقمك أنت، أو اكتب رقم جوالك.
err-name-letters = الاسم يُكتب بالحروف فقط.
err-name-parts = اكتب اسمك الكامل (الاسم الأول واسم العائلة على الأقل).
err-number = من فضلك اكتب رقماً فقط.
err-number-range = الرقم يجب أن يكون بين { $min } و{ $max }.
err-too-long = النص طويل، الحد الأقصى { $max } حرفاً.
err-text-short = من فضلك اكتب { $min } أحرف على الأقل.
err-document-too-big = حجم الملف كبير، الحد الأقصى { $mb } ميغابايت.
err-document-type = نوع الملف غير مقبول. أرسل صورة (JPG أو PNG) أو ملف PDF.
err-document-download = تعذّر استلام الملف، أرسله مرة أخرى من فضلك.
err-sign-mismatch = الاسم لا يطابق الاسم في الطلب. اكتبه تماماً كما أدخلته.
err-reference = رقم الطلب غير صحيح. مثال: GH-2026-000123
welcome-back = أهلاً بعودتك! نكمل من حيث توقفنا 👇

decision-accepted =
    🌟 بشرى سارة: قررت لجنة البحث قبول طلبك رقم { $reference }.
    الخطوة التالية: استكمال إجراءات التسجيل في { $branch } خلال ساعات العمل (الأحد إلى الخميس)، مع إحضار الهوية الأصلية.
decision-bring = يرجى إحضار المستندات التالية: { $documents }
decision-rejected = نشكرك على ثقتك. بعد دراسة طلبك رقم { $reference } قررت لجنة البحث عدم قبوله.
decision-reason = السبب: { $reason }
decision-rejected-next = يحق لك طلب إعادة النظر أو تقديم شكوى: اختر «التحدث مع موظف» أو «اقتراح أو شكوى».
survey-invite-decision = تقييمك حق لك ويساعدنا على التحسين، ولا يُستخدم أبداً للمحاسبة. كيف تقيّم تجربتك في تقديم طلبك رقم { $reference } ومعرفة قرار اللجنة؟
survey-invite-delivery = نرجو أن تكون الخدمة قد وصلتك على أكمل وجه. كيف تقيّم الخدمة المقدمة لك في الطلب رقم { $reference }؟
survey-invite-case = تقييمك حق لك ويساعدنا على التحسين، ولا يُستخدم أبداً للمحاسبة. كيف تقيّم تواصلك مع موظفينا؟
survey-reminder = تذكير لطيف: رأيك يهمنا. كيف تقيّم خدمتنا في الطلب رقم { $reference }؟
survey-rating-5 = ⭐⭐⭐⭐⭐ ممتاز
survey-rating-4 = ⭐⭐⭐⭐ جيد جداً
survey-rating-3 = ⭐⭐⭐ جيد
survey-rating-2 = ⭐⭐ مقبول
survey-rating-1 = ⭐ ضعيف
survey-decline = لا أرغب في التقييم
survey-ask-comment = شكراً لك! هل لديك ملاحظة أو اقتراح تود إضافته؟ (اكتبها أو اختر «تخطي»)
survey-skip = تخطي
survey-ask-solved = هل تم حل مشكلتك أو تلبية احتياجك؟
survey-solved-yes = نعم
survey-solved-partly = جزئياً
survey-solved-no = لا
survey-thanks = شكراً جزيلاً على تقييمك 🌿 سنستفيد منه في تحسين خدماتنا.
survey-declined = لا بأس، نحترم رغبتك. يمكنك دائماً مشاركتنا رأيك من «اقتراح أو شكوى».
survey-closed = هذا الاستبيان لم يعد متاحاً، شكراً لك. يمكنك مشاركتنا رأيك من «اقتراح أو شكوى».
survey-trigger-decision = بعد القرار
survey-trigger-delivery = بعد تقديم الخدمة
survey-trigger-case = بعد إغلاق الحالة
survey-ask-rating = كيف تقيّم خدمتنا؟ اختر تقييماً من القائمة، أو اكتب رقمه فيها.
upload-ask = الطلب { $reference }: أرسل صورة أو ملف PDF لـ: { $document } (المتبقي: { $left })، أو اختر إحضاره إلى الفرع.
upload-done = شكراً لك، تم تحديث مستندات طلبك.
upload-nothing-missing = لا توجد مستندات ناقصة في طلبك حالياً.
document-reminder = تذكير بخصوص طلبك { $reference }: ما زالت هذه المستندات لم تصلنا: { $documents }. يمكنك رفعها هنا الآن، أو إحضارها إلى الفرع.
document-requested = طلب منك مسؤول البحث الاجتماعي المستند التالي لطلبك { $reference }: { $documents }. يمكنك رفعه هنا الآن.
upload-now = رفع المستندات الآن

## Staff desk: texts for the staff group and for beneficiaries in a case.
staff-card =
    🆕 حالة #{ $case } — { $reason }
    التحويل إلى: { $role }
    الاسم: { $name }
    القناة: { $channel }
    الجوال: { $mobile }
    الهوية: { $national_id }
    الطلب: { $reference } ({ $status })
    المستندات الناقصة: { $missing }
    آخر الرسائل:
    { $transcript }

    الأوامر: /claim /release /close /note نص — أي رسالة هنا تصل إلى المستفيد.
staff-reason-asked_for_person = طلب التحدث مع موظف
staff-reason-procedure_unclear = الإجراءات غير واضحة له
staff-reason-complaint = شكوى
staff-reason-repeated_failures = تعثّر متكرر في الإجابة
staff-reason-faq_unknown = سؤال بلا إجابة في الأدلة
staff-from-beneficiary = 👤 { $name }: { $text }
staff-reply =
    💬 { $role }:
    { $text }
staff-joined = انضم إليك الآن { $role } في هذه المحادثة، تفضّل بالكتابة.
staff-released = عدت الآن إلى المساعد الآلي. اكتب «القائمة» لعرض الخدمات.
staff-case-closed = تم إغلاق محادثتك مع الموظف. شكراً لتواصلك معنا، ويسعدنا خدمتك دائماً.
staff-out-of-hours = وصل طلبك إلى الموظفين. نحن الآن خارج ساعات العمل، وسيرد عليك موظف بإذن الله يوم { $day } من الساعة { $time }.
staff-claimed = ✅ الحالة #{ $case } الآن مع { $role }. المساعد الآلي صامت في هذه المحادثة.
staff-released-note = ↩️ أُعيدت الحالة #{ $case } إلى المساعد الآلي.
staff-closed-note = 🔒 أُغلقت الحالة #{ $case }.
staff-noted = 📝 حُفظت الملاحظة داخلياً (لا تُرسل للمستفيد).
staff-usage-note = الاستخدام: /note نص الملاحظة
staff-case-is-closed = الحالة #{ $case } مغلقة؛ لم تُرسل الرسالة.
staff-refused = ⛔ هذا الأمر للموظفين المسجلين فقط.
staff-role-refused = ⛔ هذا الأمر غير متاح لدور { $role }.
staff-needs-case = استخدم هذا الأمر داخل موضوع الحالة أو بالرد على بطاقتها.
staff-help = الأوامر: /claim /release /close /note نص /link رقم-الطلب /status رقم-الطلب /find جوال-أو-رقم /request_doc رقم-الطلب المستند /decide رقم-الطلب accept|reject السبب /stats /rights
staff-not-found = لا يوجد طلب يطابق: { $query }
staff-request-line = 📄 { $reference } — { $type }: { $status } (قُدّم { $date }) — الناقص: { $missing }
staff-usage-request-doc = الاستخدام: /request_doc رقم-الطلب المستند — المستندات: { $documents }
staff-doc-already = المستند { $document } مرفوع بالفعل.
staff-doc-requested = 📨 طُلب من المستفيد رفع { $document } للطلب { $reference }.
staff-usage-decide = الاستخدام: /decide رقم-الطلب accept|reject [السبب]
staff-usage-link = الاستخدام داخل موضوع الحالة، بعد التحقق من هوية صاحب الطلب (الهوية الأصلية في الفرع أو اتصال على الجوال المسجّل): /link رقم-الطلب
staff-link-linked = 🔗 رُبط الطلب { $reference } بقناة صاحب الحالة #{ $case }، وأُبلغ صاحب الطلب على قناته مع إمكانية إلغاء الربط.
staff-link-already = الطلب { $reference } مرتبط بقناة صاحب الحالة #{ $case } بالفعل.
staff-error = ⚠️ { $error }
staff-decided = ⚖️ { $reference }: { $outcome } — الحالة الآن { $status }. سيصل الإشعار للمستفيد في وقت مناسب.
staff-stats =
    📊 الحالات المفتوحة: { $cases }
    الطلبات: { $requests }
    الاستبيانات: أُرسل { $sent }، أُجيب { $answered }، نسبة الرضا { $csat }
staff-reminder = 🔔 تذكير: الحالة #{ $case } بانتظار رد منذ { $minutes } دقيقة عمل — { $role }
weekday-sun = الأحد
weekday-mon = الاثنين
weekday-tue = الثلاثاء
weekday-wed = الأربعاء
weekday-thu = الخميس
weekday-fri = الجمعة
weekday-sat = السبت
staff-digest =
    🗓️ ملخص اليوم { $date }
    طلبات لدى لجنة البحث منذ أكثر من { $days } يوماً:
    { $requests }
    حالات بلا رد من الموظفين:
    { $cases }
staff-digest-request = • { $reference } — منذ { $days } يوماً
staff-digest-case = • حالة #{ $case } — { $reason } — منذ { $hours } ساعة
