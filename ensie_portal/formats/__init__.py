"""The portal's date and time formats (``FORMAT_MODULE_PATH``), one style per language.

English: "Thursday 7 January 2027, 10:00" (day before month, 24-hour clock); French: "jeudi
7 janvier 2027, 10 h 00" (the French typographic hour, with no-break spaces). Short forms
drop the weekday ("7 January 2027", for tables and lists). Templates and emails write dates
through the ``when`` filter (``ensie_portal.core.templatetags.portal``), Python through
``ensie_portal.core.i18n.format_when``. Number formats and anything not set here come from
Django's own locale files.
"""
