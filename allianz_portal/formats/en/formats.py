"""English dates in British order ("23 October 2026"), as the English pages address readers in Europe.

German keeps Django's own formats ("23. Oktober 2026"). Templates use `|date` (DATE_FORMAT) so each
language gets its own order.
"""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
