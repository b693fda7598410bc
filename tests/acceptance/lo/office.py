"""Run a headless LibreOffice and drive it with uno_driver.py (no ``uno`` import here)."""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import uuid
from pathlib import Path

UNO_PYTHON = "/usr/bin/python3"  # Debian's python3 is the one with python3-uno
DRIVER = Path(__file__).with_name("uno_driver.py")


def soffice_available() -> bool:
    return shutil.which("soffice") is not None and os.path.exists(UNO_PYTHON)


class Office:
    """``with Office() as lo: lo.run([{"in": ..., "out": ..., "ops": [...]}])``"""

    def __init__(self, timeout: float = 300):
        self.timeout = timeout
        self.pipe = "donorguard_" + uuid.uuid4().hex
        self.tmp = None
        self.proc = None

    def __enter__(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="donorguard_lo_"))
        profile = (self.tmp / "profile").as_uri()
        cmd = [shutil.which("soffice") or "soffice", "--headless", "--invisible", "--nologo",
               "--norestore", "--nodefault", "--nolockcheck", f"-env:UserInstallation={profile}",
               f"--accept=pipe,name={self.pipe};urp;StarOffice.ComponentContext"]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        return self

    def pipe_files(self) -> list:
        """The socket files LibreOffice makes for the pipe: OSL puts them in /tmp (else /var/tmp), whatever
        TMPDIR says, and leaves them when it exits."""
        name = f"OSL_PIPE_{os.getuid()}_{self.pipe}"
        return [Path(d) / name for d in ("/tmp", "/var/tmp")]

    def _driver(self, *args, timeout):
        return subprocess.run([UNO_PYTHON, str(DRIVER), "--pipe", self.pipe, *args],
                              capture_output=True, text=True, timeout=timeout)

    def run(self, jobs: list[dict]) -> list[dict]:
        """Apply each job's ops; returns one {"ok": ...} dict per job."""
        jobfile = self.tmp / f"jobs_{uuid.uuid4().hex}.json"
        jobfile.write_text(json.dumps(jobs, ensure_ascii=False, default=str), encoding="utf-8")
        try:
            cp = self._driver(str(jobfile), timeout=self.timeout)
        finally:
            jobfile.unlink()
        results = [json.loads(line) for line in cp.stdout.splitlines() if line.startswith("{")]
        if cp.returncode != 0 or len(results) != len(jobs):
            raise RuntimeError(f"uno_driver failed (exit {cp.returncode}): {results}\n{cp.stderr}")
        return results

    def __exit__(self, *exc):
        try:
            if self.proc.poll() is None:
                try:
                    self._driver("--terminate", timeout=40)
                    self.proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    pass
        finally:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
            else:  # oosplash may exit before soffice.bin; sweep our own process group
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            shutil.rmtree(self.tmp, ignore_errors=True)
            for f in self.pipe_files():
                f.unlink(missing_ok=True)
        return False
