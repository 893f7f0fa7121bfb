"""Remove each security protection in turn and show that its test then fails.

Every entry of ``tools/protections.py`` names the code that implements one protection, the
same code with the protection taken out, and the tests that must catch the difference. The
check works on a scratch copy of the project, so the working tree is never touched:

    make protections                 # every protection (SQLite; a few minutes)
    .venv/bin/python tools/check_protections.py sign-in   # names containing "sign-in"

A protection counts as *caught* when its tests pass on the real code and fail (pytest exit
status 1, not a collection or syntax error) once it is removed. Anything else is reported
and the command exits non-zero.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.protections import PROTECTIONS, Protection  # noqa: E402

PYTEST_FAILED = 1


def project_files() -> list[str]:
    """Tracked and new files, plus the compiled catalogues the build makes."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],  # noqa: S607 (git from PATH, as make does)
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    compiled = [str(path.relative_to(ROOT)) for path in ROOT.glob("grants/translations/*/LC_MESSAGES/*.mo")]
    return [name for name in listed if name and (ROOT / name).is_file()] + compiled


def copy_project(target: Path) -> None:
    for name in project_files():
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, destination)


def run_tests(copy: Path, tests: tuple[str, ...]) -> tuple[int, str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("TEST_")}
    environment.pop("CI", None)
    environment["PYTHONPATH"] = str(copy)
    completed = subprocess.run(  # noqa: S603 (our own interpreter and test ids)
        [str(ROOT / ".venv/bin/python"), "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *tests],
        cwd=copy,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    return completed.returncode, completed.stdout[-3000:] + completed.stderr[-2000:]


def check(copy: Path, protection: Protection) -> tuple[str, float]:
    """'caught', or what went wrong, for one protection; the file is restored afterwards."""
    path = copy / protection.path
    original = path.read_text()
    if original.count(protection.find) != 1:
        return f"the protected code was not found exactly once in {protection.path}", 0.0
    started = time.perf_counter()
    status, output = run_tests(copy, protection.tests)
    if status != 0:
        return f"its tests fail on the real code:\n{output}", time.perf_counter() - started
    path.write_text(original.replace(protection.find, protection.replace))
    try:
        status, output = run_tests(copy, protection.tests)
    finally:
        path.write_text(original)
    elapsed = time.perf_counter() - started
    if status == 0:
        return "MISSED: the tests still pass without it", elapsed
    if status != PYTEST_FAILED:
        return f"the tests did not run without it (pytest status {status}):\n{output}", elapsed
    return "caught", elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="only protections whose name contains one of these")
    arguments = parser.parse_args()
    chosen = [p for p in PROTECTIONS if not arguments.names or any(n in p.name for n in arguments.names)]
    failures = 0
    with tempfile.TemporaryDirectory(prefix="grants-protections-") as scratch:
        copy = Path(scratch)
        copy_project(copy)
        for protection in chosen:
            verdict, elapsed = check(copy, protection)
            failures += verdict != "caught"
            print(f"{'ok ' if verdict == 'caught' else 'BAD'} {protection.name} ({elapsed:.0f} s): {verdict}")
    print(f"{len(chosen) - failures} of {len(chosen)} protections caught by their tests when removed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
