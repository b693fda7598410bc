"""Build step only: pyproject.toml holds the metadata. The files DonorGuard ships with live at the top of the
repository (rules/, addin/donorguard.xlam, workbooks/); building copies them into the package as
donorguard/data/, where store/places.bundled() reads them in an installed wheel."""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
# (folder in donorguard/data, source folder, file patterns)
DATA = [
    ("rules", "rules", ["*.yaml"]),
    ("addin", "addin", ["donorguard.xlam"]),
    ("workbooks", "workbooks", ["donors*.xlsx", "sample.key"]),
]


def shipped() -> list:
    """(source, path inside donorguard/data) of every shipped file; a pattern matching nothing stops the build."""
    out = []
    for dest, src, patterns in DATA:
        for pattern in patterns:
            found = sorted((HERE / src).glob(pattern))
            if not found:
                raise SystemExit(f"setup.py: nothing matches {src}/{pattern}; the wheel would lack it")
            out += [(f, f"{dest}/{f.name}") for f in found]
    return out


class BuildWithData(build_py):
    def run(self):
        super().run()
        if self.editable_mode:      # an editable install reads them where they are (places.bundled)
            return
        target = Path(self.build_lib) / "donorguard" / "data"
        for src, rel in shipped():
            out = target / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, out)


setup(cmdclass={"build_py": BuildWithData})
