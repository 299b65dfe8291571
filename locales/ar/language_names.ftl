# Each language by its own name (the "my data" screen shows the chosen one).
language-name-ar = العربية
language-name-en = English
