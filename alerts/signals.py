from django.dispatch import Signal

# Sent after an alert mail was queued: offer_ids = the offers it lists (for the providers' statistics).
alert_mail_sent = Signal()

# Sent when an address confirmed an alert: alert=SearchAlert (its filters count as demand; the address is not read).
alert_confirmed = Signal()
