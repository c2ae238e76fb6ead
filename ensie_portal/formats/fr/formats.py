# French dates: "jeudi 7 janvier 2027, 10 h 00", no-break spaces around the "h" (see
# ../__init__.py).
DATE_FORMAT = "l j F Y"
TIME_FORMAT = "H\u00a0\\h\u00a0i"
DATETIME_FORMAT = "l j F Y, H\u00a0\\h\u00a0i"
SHORT_DATE_FORMAT = "j F Y"
SHORT_DATETIME_FORMAT = "j F Y, H\u00a0\\h\u00a0i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1  # lundi

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
]
