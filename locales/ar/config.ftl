## Labels of the ids used in config.yaml (branches, support types, documents).

branch-main_office = المقر الرئيسي
branch-north_branch = الفرع الشمالي
branch-south_branch = الفرع الجنوبي

support-type-financial = مساعدة مالية
support-type-food_basket = سلة غذائية
support-type-rent = مساعدة في الإيجار
support-type-medical = مساعدة علاجية
support-type-education = دعم تعليمي

document-national_id_copy = صورة الهوية الوطنية أو الإقامة
document-income_proof = إثبات الدخل
document-bank_iban = شهادة الآيبان البنكي
document-family_record = سجل الأسرة
document-lease_contract = عقد الإيجار
document-medical_report = التقرير الطبي
document-school_certificate = شهادة أو إفادة المدرسة

document-status-uploaded = مُرفق ✅
document-status-bring_to_branch = سيُحضَر إلى الفرع
document-status-missing = ناقص

# Channels (reports and staff views).
channel-name-terminal = الطرفية
channel-name-telegram = تيليجرام
channel-name-whatsapp = واتساب
channel-name-web = الموقع
