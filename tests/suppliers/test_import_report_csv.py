"""The import report's CSV quotes what the upload said without letting a spreadsheet run it."""

import csv
import io

from suppliermatch.suppliers.models import SupplierImport


def test_an_uploaded_cell_that_reads_as_a_formula_is_written_quoted(session, world, make_client):
    record = SupplierImport(
        cluster_id=world["cluster_1"].id,
        filename="x.csv",
        mode="good_rows_only",
        outcome="imported",
        problems=[
            {
                "row": 3,
                "ref": '=HYPERLINK("http://evil.example","x")',
                "field": "gstin",
                "problem": "gstin: '+91 999' is not a GSTIN",
            }
        ],
        notices=[{"row": 4, "ref": "S-4", "field": "phone", "problem": "phone left empty"}],
    )
    session.add(record)
    session.commit()
    answer = make_client(world["coordinator_1"]).get(f"/suppliers/imports/{record.id}/report.csv")
    assert answer.status_code == 200
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True))))
    assert rows[0] == ["row", "supplier_ref", "column", "problem", "kind"]
    assert rows[1] == [
        "3",
        '\'=HYPERLINK("http://evil.example","x")',
        "gstin",
        "gstin: '+91 999' is not a GSTIN",
        "error",
    ]
    assert rows[2] == ["4", "S-4", "phone", "phone left empty", "notice"]
