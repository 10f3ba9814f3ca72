#!/usr/bin/env python3
"""Set up and run Yumeplan with nothing but Python 3.11.

    python3 dev.py serve   install, create the SQLite database, load the Kanazawa plan,
                           and serve the site at http://127.0.0.1:8000/
    python3 dev.py test    install, and run the whole test suite (pytest arguments may follow)

Everything is installed into ``.venv`` in this folder; it is reinstalled only when
``pyproject.toml`` changes. Set DATABASE_URL to use another database (PostgreSQL in CI).
"""

import ctypes.util
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
CHROMIUM = Path("/usr/bin/chromium")
# The 施策達成状況概要 PDF (WeasyPrint) needs Pango and the Japanese font it embeds; its
# tests read the PDF back with poppler's pdftotext and pdfinfo.
PDF_PACKAGES = {
    "fonts-noto-cjk": Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    "poppler-utils": Path("/usr/bin/pdftotext"),
    "libpango-1.0-0": "pango-1.0",  # a shared library, found by ctypes
    "libpangoft2-1.0-0": "pangoft2-1.0",
    "libharfbuzz-subset0": "harfbuzz-subset",
}


def run(*args, env=None):
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=ROOT, env=env, check=True)


def ensure_venv(extra: str) -> None:
    if sys.version_info[:2] != (3, 11):
        sys.exit(f"Yumeplan needs Python 3.11; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    stamp = VENV / f".installed-{extra or 'app'}-{digest}"
    if not stamp.exists():
        run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        target = f".[{extra}]" if extra else "."
        run(PYTHON, "-m", "pip", "install", "--quiet", "--editable", target)
        for old in VENV.glob(f".installed-{extra or 'app'}-*"):
            old.unlink()
        stamp.touch()


def ensure_chromium() -> None:
    """Browser tests drive Debian's chromium; install it where we may (root with apt-get)."""
    if CHROMIUM.exists():
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        run("apt-get", "update", "-qq")
        apt_env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        run("apt-get", "install", "-y", "-qq", "chromium", env=apt_env)
    else:
        print("chromium is missing: install it with `sudo apt-get install chromium`.", flush=True)


def ensure_pdf_tools() -> None:
    """Install what the PDF needs from Debian where we may (root with apt-get), as chromium."""
    missing = [
        package
        for package, needed in PDF_PACKAGES.items()
        if not (needed.exists() if isinstance(needed, Path) else ctypes.util.find_library(needed))
    ]
    if not missing:
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        run("apt-get", "update", "-qq")
        apt_env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        run("apt-get", "install", "-y", "-qq", *PDF_PACKAGES, env=apt_env)
    else:
        print(
            f"{', '.join(missing)} missing: `sudo apt-get install {' '.join(PDF_PACKAGES)}` "
            "for the summary PDF.",
            flush=True,
        )


def ensure_node_modules() -> None:
    """The accessibility browser tests inject axe-core, pinned in package-lock.json."""
    if (ROOT / "node_modules" / "axe-core").exists():
        return
    if not shutil.which("npm") and os.geteuid() == 0 and shutil.which("apt-get"):
        run("apt-get", "update", "-qq")
        apt_env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        run("apt-get", "install", "-y", "-qq", "nodejs", "npm", env=apt_env)
    if shutil.which("npm"):
        run("npm", "ci", "--no-audit", "--no-fund")
    else:
        print("npm is missing: install nodejs and npm to run the accessibility tests.", flush=True)


def serve() -> None:
    ensure_venv("")
    ensure_pdf_tools()
    env = dict(os.environ, DEBUG=os.environ.get("DEBUG", "1"))
    database_is_new = "DATABASE_URL" not in env and not (ROOT / "db.sqlite3").exists()
    run(PYTHON, "manage.py", "migrate", "--no-input", env=env)
    if database_is_new:
        run(PYTHON, "manage.py", "loaddata", "kanazawa_yumeplan2020", env=env)
    run(PYTHON, "manage.py", "runserver", "127.0.0.1:8000", env=env)


def test(pytest_args: list[str]) -> None:
    ensure_venv("test")
    ensure_chromium()
    ensure_pdf_tools()
    ensure_node_modules()
    env = dict(os.environ)
    env.setdefault("SECRET_KEY", "test-only-secret-key")
    env.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    env.pop("DEBUG", None)
    result = subprocess.run([str(PYTHON), "-m", "pytest", *pytest_args], cwd=ROOT, env=env)
    sys.exit(result.returncode)


def main() -> None:
    command, *rest = sys.argv[1:] or ["help"]
    if command == "serve":
        serve()
    elif command == "test":
        test(rest)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
