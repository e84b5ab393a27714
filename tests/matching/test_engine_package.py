"""The engine is a package of its own: it imports, builds and ranks without the web app."""

import json
import subprocess
import sys

PROBE = """
import json, sys
from suppliermatch.matching.engine import MatchIndex, RequirementQuery, SupplierDoc
index = MatchIndex.build([SupplierDoc(id=1, name="Kaveri", capabilities="Corrugated cartons")])
ranked = index.rank(RequirementQuery(ref="R1", title="Corrugated cartons")).ranked
loaded = sorted({name.split(".")[0] for name in sys.modules})
print(json.dumps({"ranked": [r.supplier_id for r in ranked], "modules": loaded}))
"""


def test_the_engine_imports_and_ranks_without_flask_or_sqlalchemy():
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    found = json.loads(done.stdout)
    assert found["ranked"] == [1]
    assert not {"flask", "werkzeug", "sqlalchemy", "sqlmodel", "alembic"} & set(found["modules"])
