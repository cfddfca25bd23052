from django.dispatch import Signal

# Sent when a need has been stored and routed: need=Need (for the Bedarfsradar, no personal data read).
need_reported = Signal()
