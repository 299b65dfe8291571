# عمل الموظفين على الطلب في لوحة الموظفين: التحقق من البيانات، التصحيحات، الملاحظات، القنوات،
# المحادثة، البت في عدة طلبات، تصحيح القرار، الحالات.
cr-step2 = الخطوة ٢: التحقق من البيانات
cr-step2-hint = راجع كل إجابة وكل مستند. «يحتاج تصحيحًا» أو «ناقص» يطلب ذلك من المستفيد على قناته.
cr-item = البند
cr-state = الحالة
cr-check = التحقق
cr-field-full_name = الاسم الكامل
cr-field-national_id = رقم الهوية الوطنية / الإقامة
cr-field-mobile = الجوال
cr-field-branch = الفرع
cr-field-family_size = عدد أفراد الأسرة
cr-field-income = الدخل الشهري
cr-field-support_type = نوع الدعم
cr-field-description = وصف الحاجة
cr-field-decision = قرار اللجنة
cr-state-unchecked = لم يُتحقق منه
cr-state-verified = تم التحقق
cr-state-needs_correction = يحتاج تصحيحًا (طُلب)
cr-state-missing = ناقص (طُلب)
cr-state-corrected = صحّحه المستفيد: تحقق مجددًا
cr-mark-verified = تم التحقق
cr-mark-needs_correction = يحتاج تصحيحًا
cr-mark-missing = ناقص
cr-verified = ✅ سُجّل التحقق.
cr-verified-asked = ✅ سُجّل التحقق، وطُلب ذلك من المستفيد على قناته.
cr-verified-not-asked = سُجّل التحقق، لكن لا توجد قناة للمستفيد يجوز إبلاغها: تواصل معه بطريقة أخرى.
cr-corrections = التصحيحات
cr-correct-decision = تصحيح القرار المسجّل (المدير)
cr-correct-decision-hint = يبقى القرار القديم والجديد في السجل، ويصل المستفيدَ إشعار القرار المصحّح.
cr-new-decision = القرار بعد التصحيح
cr-decision-reason = سبب القرار
cr-why-correct = سبب التصحيح (داخلي)
cr-correct-decision-button = تسجيل التصحيح
cr-decision-corrected = ✅ صُحّح القرار، وسيُبلَّغ المستفيد.
cr-decision-not-corrected = لم يُصحَّح القرار: لم يتغير شيء، أو ينقص السبب، أو تجاوز الطلب مرحلة القرار.
cr-decision-corrected-notice = ⚠️ تصحيح لقرار طلبك { $reference }:
cr-channels = القنوات المرتبطة
cr-channel-trusted = تصلها إشعارات هذا الطلب
cr-channel-not-trusted = غير مرتبطة بهذا الطلب
cr-channel-unreachable = لا يمكن الوصول إليها
cr-last-message = آخر رسالة { $date }
cr-conversation = المحادثة حتى الآن
cr-conversation-hint = آخر الرسائل على قنوات الطلب (أرقام الهوية والإجابات الحساسة مخفية).
cr-said-in = المستفيد
cr-said-out = البوت أو الموظف
cr-notes = ملاحظات داخلية
cr-note-new = ملاحظة جديدة (للموظفين فقط، لا تُرسل إلى المستفيد)
cr-note-add = إضافة الملاحظة
cr-note-added = ✅ أُضيفت الملاحظة.
cr-note-empty = الملاحظة فارغة.
cr-fix-asked = يطلب منك موظف الجمعية الذي يراجع طلبك { $reference } تصحيح إجابة واحدة: { $field }.
cr-fix-now = صحّحها الآن
cr-fix-thanks = ✅ شكرًا لك، صُحّحت إجابتك في الطلب { $reference }.
cr-fix-closed = لم يعد هذا التصحيح مطلوبًا (تقدّم الطلب إلى مرحلة أخرى).
cr-bulk-title = البت في عدة طلبات معًا
cr-bulk-hint = اختر الطلبات، ثم سببًا جاهزًا (أو اكتب سببًا)، ثم اقبلها أو ارفضها كلها. يُبلَّغ كل مستفيد على قناته.
cr-bulk-select = اختيار { $reference }
cr-reason-template = سبب جاهز
cr-reason-none = (بدون)
cr-reason-own = أو سبب بكلماتك
cr-bulk-accept = قبول المختارة
cr-bulk-reject = رفض المختارة
cr-bulk-none = اختر طلبًا واحدًا على الأقل.
cr-bulk-done = { $recorded ->
    [one] ✅ سُجّل قرار واحد
    [two] ✅ سُجّل قراران
   *[other] ✅ سُجّلت { $recorded } قرارات
}{ $refused ->
    [0] .
   *[other] ؛ ولم يُسجَّل { $refused } (انظر أدناه).
}
cr-bulk-refused = { $reference }: لم يُسجَّل ({ $error })
cr-staff-new-request = 📥 طلب دعم جديد { $reference }: { $type }، { $branch }؛ المستندات الناقصة: { $missing }. افتحه في لوحة الموظفين.
cr-cases = حالات المستفيد لدى مكتب الموظفين
cr-case-line = الحالة #{ $case } — { $reason } — { $status }
cr-case-assign = إحالة الحالة
cr-case-assigned = ✅ أُحيلت الحالة.
cr-cases-mine = الحالات المحالة إليّ
cr-case-status-open = مفتوحة
cr-case-status-claimed = يتولاها موظف
cr-case-status-closed = مغلقة
cr-case-request = الطلب
cr-ask-full-name = ما اسمك الرباعي كما في الهوية؟
cr-fix-id-taken = يوجد طلب مفتوح آخر مسجّل برقم الهوية هذا. تحقّق من الرقم، أو تحدّث مع أحد الموظفين.
