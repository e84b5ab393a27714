"""platform/ is a source root, not a package: the standard library's platform must win."""

import importlib
import subprocess
import sys


def test_import_platform_is_the_standard_library_while_the_app_imports():
    code = (
        "import platform, suppliermatch;"
        "assert hasattr(platform, 'python_version'), platform.__file__;"
        "assert 'site-packages' not in platform.__file__ or 'lib' in platform.__file__;"
        "print(platform.__file__); print(suppliermatch.__file__)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    platform_file, package_file = result.stdout.split()
    assert "/platform/" not in platform_file.replace("/platform.py", "")
    assert platform_file.endswith("platform.py")
    assert package_file.endswith("platform/suppliermatch/__init__.py")


def test_create_app_is_importable_from_wsgi():
    wsgi = importlib.import_module("wsgi")
    assert wsgi.app.name == "suppliermatch"
