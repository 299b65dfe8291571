## بياناتي: حقوق صاحب البيانات (نظام حماية البيانات الشخصية، المادة 4)

menu-my_data = بياناتي
mydata-shown =
    🔒 هذه البيانات الشخصية التي تحتفظ بها الجمعية عنك (الحساسة منها مخفية جزئياً):

    { $data }

    ماذا تريد أن تفعل؟
mydata-copy = نسخة من بياناتي
mydata-correct = تصحيح بياناتي
mydata-withdraw = سحب موافقتي
mydata-delete = حذف بياناتي
mydata-confirm-yes = نعم، أؤكد
mydata-confirm-no = لا، تراجع
mydata-copy-confirm = سنرسل لك نسخة كاملة من بياناتك في ملف نصي إلى هذه المحادثة فقط. هل تريد ذلك؟
mydata-copy-sent = 📎 هذه نسختك من بياناتك الشخصية (ملف نصي). احفظه في مكان آمن.
mydata-copy-header = نسخة البيانات الشخصية لدى جمعية غمار الشبابية — { $date }
mydata-correct-ask = اكتب ما الذي تريد تصحيحه والقيمة الصحيحة (مثلاً: رقم الجوال الصحيح هو ...). سيراجعه موظف مختص.
mydata-correction-sent = ✅ سجّلنا طلب التصحيح رقم { $number } وأحلناه إلى موظف مختص، وسنرد عليك خلال { $days } يوماً على الأكثر.
mydata-withdraw-confirm =
    إذا سحبت موافقتك نتوقف عن معالجة بياناتك: لا نستقبل طلبات دعم جديدة منك ولا نرسل لك استبيانات أو تذكيرات، وتبقى بياناتك محفوظة إلى أن تطلب حذفها.
    ويمكنك دائماً طرح أسئلتك على المساعد دون حفظ أي بيانات شخصية. هل تؤكد سحب موافقتك؟
mydata-withdrawn = ✅ سحبنا موافقتك وسجّلنا ذلك. يمكنك الاستمرار في طرح أسئلتك هنا، ولن نحفظ شيئاً منها.
mydata-delete-confirm =
    سنحذف بياناتك الشخصية أو نجعلها مجهولة الهوية، ونسحب موافقتك. ما تلتزم الجمعية بحفظه:
    { $kept }
    هل تؤكد حذف بياناتك؟
mydata-kept-line = • { $what }: لمدة { $years } سنوات — { $reason }
mydata-kept-nothing = • لا شيء.
mydata-kept-support_requests = طلبات الدعم المقدّمة وقراراتها
mydata-kept-documents = المستندات المرفقة بالطلبات
mydata-kept-feedback = الاقتراحات والشكاوى
mydata-kept-volunteer_applications = طلبات التطوع
mydata-deleted = ✅ حذفنا بياناتك الشخصية (طلب رقم { $number }) إلا ما ذُكر أنه يُحفظ نظاماً، وسيُحذف عند انتهاء مدته. يمكنك الاستمرار في طرح أسئلتك هنا، ولن نحفظ شيئاً منها.
mydata-section-person = 👤 بياناتك
mydata-section-request = 📄 طلب الدعم { $reference }
mydata-section-feedback = 💬 اقتراح أو شكوى { $reference }
mydata-section-volunteer = 🤝 طلب تطوع { $reference }
mydata-name = الاسم
mydata-national-id = رقم الهوية
mydata-mobile = الجوال
mydata-language = اللغة
mydata-consent = تاريخ الموافقة
mydata-channels = القنوات
mydata-status = الحالة
mydata-date = التاريخ
mydata-branch = الفرع
mydata-family-size = عدد أفراد الأسرة
mydata-income = الدخل الشهري
mydata-support-type = نوع الدعم
mydata-description = الوصف
mydata-documents = المستندات
mydata-text = النص
mydata-city = المدينة

consent-questions-only = يمكنك كتابة سؤالك هنا وسنجيبك من أدلة خدمات الجمعية، دون حفظ سؤالك أو أي بيانات شخصية عنك. وهل توافق على معالجة بياناتك لاستخدام الخدمات (طلب دعم، متابعة طلب...)؟ اختر «أوافق» متى شئت.
consent-faq-unknown = لم أجد إجابة لهذا في أدلة الخدمة. جرّب صياغة أخرى، أو تواصل مع الجمعية عبر قنواتها الأخرى.

staff-reason-rights_correction = طلب تصحيح بيانات شخصية (حقوق صاحب البيانات)
staff-rights-kind-access = اطلاع على البيانات
staff-rights-kind-copy = نسخة من البيانات
staff-rights-kind-correction = تصحيح البيانات
staff-rights-kind-deletion = حذف البيانات
staff-rights-kind-withdrawal = سحب الموافقة
staff-rights-opened = 🔐 طلب حقوق #{ $number }: { $kind } — { $state }، الموعد النظامي للرد { $due }.
staff-rights-state-open = بانتظار الرد
staff-rights-state-done = نُفّذ آلياً
staff-rights-reminder = ⏰ تذكير: طلب الحقوق #{ $number } ({ $kind }) لم يُغلق، وموعد الرد { $due }. أغلقه بعد الرد: /rights done { $number }
staff-rights-list =
    🔐 طلبات الحقوق المفتوحة:
    { $lines }
staff-rights-line = • #{ $number } — { $kind } — الموعد { $due } { $case }
staff-rights-case = — الحالة #{ $case }
staff-rights-none = لا توجد طلبات حقوق مفتوحة.
staff-rights-closed = ✅ أُغلق طلب الحقوق #{ $number }.
staff-rights-usage = الاستخدام: /rights لعرض المفتوح، أو /rights done رقم لإغلاق طلب بعد الرد عليه.
mydata-copy-code-sent-here = 🔐 أرسلنا إليك في هذه المحادثة رمز تحقق من 6 أرقام. اكتبه هنا لنرسل لك النسخة (صالح لمدة { $minutes } دقائق).
mydata-copy-code-sent-other = 🔐 أرسلنا رمز تحقق من 6 أرقام إلى قناتك المعتمدة ({ $channel }). اكتبه هنا لنرسل لك النسخة (صالح لمدة { $minutes } دقائق).
mydata-copy-code-message = 🔐 رمز التحقق لطلب نسخة من بياناتك الشخصية: { $code }
    صالح لمدة { $minutes } دقائق. لا تشارك هذا الرمز مع أي أحد. إن لم تكن أنت من طلبه فتجاهل هذه الرسالة.
err-copy-code = اكتب رمز التحقق المكوّن من 6 أرقام.
mydata-copy-code-wrong = الرمز غير صحيح. المحاولات المتبقية: { $left }.
mydata-copy-code-expired = انتهت صلاحية الرمز أو استُنفدت محاولاته. يمكنك طلب نسخة جديدة من «بياناتي».
