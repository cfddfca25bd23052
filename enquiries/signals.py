from django.dispatch import Signal

# Sent when an SME's enquiry has been stored: enquiry=Enquiry (for statistics, no personal data read).
enquiry_received = Signal()
