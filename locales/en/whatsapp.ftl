# WhatsApp channel: words for interactive messages (handlers/whatsapp/).
# The button that opens a list message (at most 20 characters).
wa-list-button = Options
# The body of an interactive message when the text went ahead in its own message.
wa-choose = Choose an option:
# Under a numbered list of more than 10 choices.
wa-number-hint = Reply with the option's number.
# Short button titles (at most 20 characters) for choices whose label is longer.
wa-title-mobile-own = My WhatsApp number
