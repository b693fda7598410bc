"""The benchmark runs end to end on a tiny list. Performance is measured, never asserted."""
import re

from donorguard.tools import bench

TASKS = ["read: fastexcel → pandas (baseline)", "donorguard check (sealed)",
         "donorguard seal (fresh unsealed copy)",
         "openpyxl load+save (sealed)", "donorguard repair (Kosai copy)", "donorguard export (sealed)",
         "datacompy: Kosai copy vs master"]


def test_bench_table(tmp_path, capsys):
    assert bench.main(["--rows", "30", "--big", "--repeat", "1", "--pairs", "2", "--cache", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    print(out)
    assert re.search(r"check ÷ read, 2 pairs back to back: median \d+\.\d\d× \(from \d+\.\d\d× to", out)
    big = [t for t in TASKS if not t.startswith(("openpyxl", "datacompy"))]
    for n, tasks in ((30, TASKS), (300, big)):   # --big: a list ten times --rows, DonorGuard's commands and the read
        block = out.split(f"{n} rows × 13 columns", 1)[1].split("\n\n", 1)[0]
        assert n == 30 or not any(ln.startswith(t) for t in set(TASKS) - set(big) for ln in block.splitlines())
        for task in tasks:
            line = next(ln for ln in block.splitlines() if ln.startswith(task))
            assert re.search(r"\d+\.\d\d", line) or "n/a (datacompy not installed)" in line, line
    assert "machine:" in out and "cores" in out and "Python 3." in out and "bench run time:" in out
    # the cache is reused: the workbooks are made once per size and seed
    stamp = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.xlsx") if "work" not in p.parts}
    assert {p.name for p in stamp} >= {"plain.xlsx", "sealed.xlsx", "kosai.xlsx"}
    bench.prepare(tmp_path, 30, bench.SEED)
    assert all(p.stat().st_mtime_ns == t for p, t in stamp.items())


def test_profile(tmp_path, capsys):
    for command in ("check", "seal", "repair", "export"):
        assert bench.main(["--rows", "30", "--profile", command, "--cache", str(tmp_path)]) == 0
        out = capsys.readouterr().out
        assert f"donorguard {command}" in out and "cumulative" in out and "ncalls" in out
