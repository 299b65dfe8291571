# أسباب اللجنة الجاهزة مجمّعة بحسب القرار (web/reasons.py).
reasons-for-accepted = أسباب القبول
reasons-for-rejected = أسباب الرفض
reasons-wrong-decision = هذا السبب الجاهز للقرار الآخر: اختر أحد أسباب هذا القرار أو اكتب السبب بكلماتك. لم يُسجَّل شيء.
