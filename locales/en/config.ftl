## Labels of the ids used in config.yaml (branches, support types, documents).

branch-main_office = Main office
branch-north_branch = North branch
branch-south_branch = South branch

support-type-financial = Financial aid
support-type-food_basket = Food basket
support-type-rent = Rent assistance
support-type-medical = Medical aid
support-type-education = Education support

document-national_id_copy = Copy of the national ID or residence permit
document-income_proof = Proof of income
document-bank_iban = Bank IBAN certificate
document-family_record = Family record
document-lease_contract = Lease contract
document-medical_report = Medical report
document-school_certificate = School certificate or letter

document-status-uploaded = attached ✅
document-status-bring_to_branch = will be brought to the branch
document-status-missing = missing

# Channels (reports and staff views).
channel-name-terminal = Terminal
channel-name-telegram = Telegram
channel-name-whatsapp = WhatsApp
channel-name-web = Website
