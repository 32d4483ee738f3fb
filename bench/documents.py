"""Printed documents: WeasyPrint (the kept renderer) against LibreOffice headless converting
the Word file, on one 交办通知单 and on a batch of 50, no database needed.

    SECRET_KEY=bench .venv/bin/python bench/documents.py [--repeat 3]

Each measurement runs in a fresh subprocess (cold: imports, font loading, LibreOffice's
start), its wall time and peak RSS read with wait4 (for LibreOffice the converter's own
process, soffice). The documents are the same PrintedDocument objects both ways: WeasyPrint
renders templates/documents/print.html, LibreOffice converts documents.word's .docx.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import datetime as dt, os, sys, subprocess, tempfile
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from documents.content import PrintedDocument
from documents.word import render_docx

def doc(i):
    code = f"2024建{{i:03d}}"
    return PrintedDocument(
        kind="assignment-notice", code=code, issuer="上海市静安区人民政府办公室",
        title="代表建议交办通知单", number=f"编号：{{code}}", addressee="区房管局、区建设管理委：",
        paragraphs=(
            f"现将张三代表领衔提出的《关于加快老旧小区加装电梯的建议》（{{code}}）交由区房管局主办，"
            "区建设管理委会办，请按照代表建议办理工作的有关规定认真研究办理。",
            "请主办单位于2024年5月1日前办复代表，并将答复函报送区政府办公室。",
            "请会办单位于2024年3月1日前将会办意见送主办单位。",
        ),
        rows=(("建议编号", code), ("建议标题", "关于加快老旧小区加装电梯的建议"),
              ("领衔代表", "张三"), ("主办单位", "区房管局"), ("会办单位", "区建设管理委"),
              ("交办日期", "2024年2月1日"), ("办复期限", "2024年5月1日")),
        signed_on=dt.date(2024, 2, 1))

docs = [doc(i) for i in range({n})]
today = dt.date(2024, 2, 1)
if {engine!r} == "weasyprint":
    from documents.pdf import render_pdf
    data = render_pdf("assignment-notice", docs, today=today)
else:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "n.docx")
        open(path, "wb").write(render_docx("assignment-notice", docs, today=today))
        subprocess.run(["soffice", "-env:UserInstallation=file://" + tmp + "/profile",
                        "--headless", "--convert-to", "pdf", "--outdir", tmp, path],
                       check=True, capture_output=True)
        data = open(os.path.join(tmp, "n.pdf"), "rb").read()
print(len(data))
"""


def measure(engine: str, n: int) -> tuple[float, float, int]:
    """(seconds, peak RSS in MiB of the child and its children, PDF bytes)."""
    env = {**os.environ, "SECRET_KEY": os.environ.get("SECRET_KEY", "bench")}
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD.format(root=str(ROOT), n=n, engine=engine)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=tempfile.gettempdir(),
    )
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if status:
        raise SystemExit(f"{engine} n={n} failed")
    # ru_maxrss of wait4 is the child's own peak; soffice's shows in RUSAGE_CHILDREN of the
    # child, which the child cannot report after exiting, so LibreOffice's is read below.
    return seconds, usage.ru_maxrss / 1024, int(out)


def soffice_peak(n: int) -> float:
    """LibreOffice's own peak RSS, converting a prepared file under /usr/bin/time."""
    if not shutil.which("/usr/bin/time"):
        return float("nan")
    code = CHILD.format(root=str(ROOT), n=n, engine="none").split("docs = ")[0]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "n.docx")
        script = code + (
            f"\ndocs=[doc(i) for i in range({n})]\n"
            f"open({str(path)!r},'wb').write(render_docx('assignment-notice', docs,"
            " today=dt.date(2024,2,1)))\n"
        )
        subprocess.run([sys.executable, "-c", script], check=True, cwd=tmp)
        result = subprocess.run(
            [
                "/usr/bin/time",
                "-f",
                "%M",
                "soffice",
                f"-env:UserInstallation=file://{tmp}/p",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                tmp,
                str(path),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        return int(result.stderr.strip().splitlines()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    engines = ["weasyprint"] + (["libreoffice"] if shutil.which("soffice") else [])
    print(f"{dt.date.today()}  engine  items  best s  peak MiB  PDF KiB")
    for engine in engines:
        for n in (1, 50):
            runs = [measure(engine, n) for _ in range(args.repeat)]
            seconds = min(r[0] for r in runs)
            peak = max(r[1] for r in runs)
            if engine == "libreoffice":
                peak = max(peak, soffice_peak(n))
            print(f"  {engine:11} {n:3}  {seconds:6.2f}  {peak:8.0f}  {runs[0][2] / 1024:7.0f}")


if __name__ == "__main__":
    main()
