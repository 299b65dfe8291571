# Texts of the console's follow-up lists fixed in testing (the qa branch).
qa-lists-reference = Reference
