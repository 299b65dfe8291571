# The staff web console (/staff/).
console-title = مكتب غمار — لوحة الموظفين
console-sign-in = تسجيل الدخول
console-sign-out = تسجيل الخروج
console-sign-in-telegram = أرسل ‎/login‎ إلى البوت في محادثة خاصة على تيليجرام، وسيصلك رابط دخول صالح لدقائق ولمرة واحدة.
console-sign-in-password = أو بكلمة المرور
console-username = اسم المستخدم
console-password = كلمة المرور
console-login-bad = اسم المستخدم أو كلمة المرور غير صحيحة.
console-login-locked = أُوقف الدخول مؤقتًا بعد محاولات خاطئة متكررة؛ حاول لاحقًا.
console-link-expired = رابط الدخول غير صالح: انتهت مدته أو استُخدم من قبل. اطلب رابطًا جديدًا بإرسال ‎/login‎ إلى البوت.
console-login-link = 🔐 رابط الدخول إلى لوحة الموظفين (صالح { $minutes } دقائق ولمرة واحدة):
    { $url }
console-login-not-staff = هذا الأمر للموظفين المسجلين فقط.
console-requests = طلبات الدعم
console-search = بحث
console-search-hint = رقم الطلب أو الجوال أو الهوية
console-status = الحالة
console-all = الكل
console-support-type = نوع الدعم
console-branch = الفرع
console-submitted-from = قُدّم من
console-submitted-until = إلى
console-waiting-days = ينتظر أكثر من (أيام)
console-filter = تصفية
console-policy-days = تنص السياسة على الرد خلال مدة لا تقل عن أسبوعين ({ $days } يومًا) من التقديم.
console-reference = رقم الطلب
console-submitted = تاريخ التقديم
console-waiting = مدة الانتظار
console-days = { $days ->
    [zero] اليوم
    [one] يوم واحد
    [two] يومان
    [few] { $days } أيام
   *[other] { $days } يومًا
}
console-new = جديد
console-no-requests = لا توجد طلبات تطابق التصفية.
console-back = → العودة إلى الطلبات
console-answers = بيانات الطلب
console-full-name = الاسم الكامل
console-national-id = رقم الهوية / الإقامة
console-reveal = إظهار
console-mobile = الجوال
console-family-size = عدد أفراد الأسرة
console-income = الدخل الشهري
console-riyals = { $amount } ريال
console-description = وصف الحاجة
console-decided = القرار
console-declaration = الإقرار والتعهد
console-declaration-version = نسخة النص
console-signed-name = التوقيع (الاسم المكتوب)
console-channel = القناة
console-signed-at = وقت التوقيع
console-none = لا يوجد.
console-documents = المستندات
console-download = تنزيل
console-history = سجل الحالات
console-step5 = الخطوة ٥: قرار لجنة البحث
console-reason = السبب
console-accept = قبول
console-reject = رفض
console-step-registration_completed = الخطوة ٦: استكمال إجراءات التسجيل
console-step-service_delivered = الخطوة ٧: تقديم الخدمة اللازمة
console-mark-registration_completed = اكتمل التسجيل
console-mark-service_delivered = قُدّمت الخدمة
console-not-allowed = ⛔ هذا الإجراء غير متاح لدورك.
console-reason-needed = يلزم ذكر سبب الرفض.
console-decision-refused = تعذّر تسجيل القرار: الطلب قُرّر فيه من قبل بقرار آخر.
console-decision-recorded = ✅ سُجّل القرار، وسيُبلَّغ المستفيد عبر قناته.
console-status-refused = تعذّر تغيير الحالة في هذه المرحلة من الطلب.
console-status-recorded = ✅ حُدّثت حالة الطلب.
console-link-continue = متابعة الدخول
console-link-continue-hint = اضغط «متابعة الدخول» لفتح لوحة الموظفين على هذا الجهاز. الرابط صالح لمرة واحدة.
console-committee = لجنة البحث
console-committee-waiting = الطلبات الجاهزة للدراسة والقرار
console-committee-export = تنزيل محضر الجلسة (CSV) لتعبئة القرارات
console-committee-import = رفع محضر اللجنة
console-committee-import-hint = ملف CSV بالأعمدة: رقم الطلب، القرار (قبول/رفض)، السبب، تاريخ القرار، واختياريًا الخدمة والمبلغ. التواريخ ميلادية أو هجرية.
console-committee-file = ملف المحضر
console-committee-report = نتيجة الرفع
console-committee-line = السطر { $line }
console-outcome-recorded = سُجّل
console-outcome-unchanged = مسجّل من قبل
console-outcome-error = خطأ
console-minutes-bad = تعذّرت قراءة الملف: يلزم ملف CSV بترويسة المحضر.
