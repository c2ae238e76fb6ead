import pytest

from ensie_portal.core.spreadsheet import csv_cell


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_that_would_start_a_formula_is_kept_as_text(start):
    assert csv_cell(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize(("value", "cell"), [("Ada", "Ada"), (None, ""), (2026, "2026"), ("", "")])
def test_other_values_are_written_as_they_are(value, cell):
    assert csv_cell(value) == cell
