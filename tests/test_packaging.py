"""The wheel carries what cxkit needs: a non-editable install loads the sample and runs the default report set.

The wheel is built from a copy of the package (so no build files land in the
repository), installed with ``--no-deps`` into a fresh venv outside the
repository whose dependencies come from the running interpreter's
site-packages through a ``.pth`` file. Path lines in a ``.pth`` do not run the
editable install's finder, so ``import cxkit`` there finds only the wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _run(args: list, **kw) -> subprocess.CompletedProcess:
    res = subprocess.run([str(a) for a in args], capture_output=True, text=True, **kw)
    assert res.returncode == 0, f"{args}\nstdout:\n{res.stdout[-3000:]}\nstderr:\n{res.stderr[-3000:]}"
    return res


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(python, bin folder, environment) of a fresh venv with the cxkit wheel installed."""
    tmp = tmp_path_factory.mktemp("wheel")
    assert ROOT not in tmp.resolve().parents
    src = tmp / "src"
    src.mkdir()
    # symlinks=False: copy what the links point at, as a source checkout without link support would have
    shutil.copytree(ROOT / "cxkit", src / "cxkit", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", tmp / "dist", src], env=env)
    wheel = next((tmp / "dist").glob("cxkit-*.whl"))

    prefix = tmp / "venv"
    venv.create(prefix, with_pip=False)
    py = prefix / "bin" / "python"
    new_site = Path(_run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                         env=env).stdout.strip())
    # The running interpreter's site-packages (the shared venv) give the dependencies.
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"], *site.getsitepackages()}
    (new_site / "cxkit_test_deps.pth").write_text("\n".join(sorted(deps)) + "\n", encoding="utf-8")
    _run([sys.executable, "-m", "pip", "--python", py, "install", "--no-deps", "--quiet", "--ignore-installed",
          wheel], env=env)
    # Dependencies' data files (nbconvert's HTML templates) live under their prefix's share/jupyter, which a
    # .pth does not reach: link them, but not kernels/ (the new venv gets its own python3 kernel below).
    shared = Path(sysconfig.get_paths()["data"]) / "share" / "jupyter"
    (prefix / "share" / "jupyter").mkdir(parents=True, exist_ok=True)
    for sub in shared.iterdir() if shared.is_dir() else ():
        if sub.name != "kernels":
            (prefix / "share" / "jupyter" / sub.name).symlink_to(sub)
    # The report kernel: `python3` installed into the new venv, which jupyter prefers over user kernels there.
    env["JUPYTER_PREFER_ENV_PATH"] = "1"
    _run([py, "-m", "ipykernel", "install", "--sys-prefix", "--name", "python3"], env=env)
    env["PATH"] = f"{prefix / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return py, prefix / "bin", env, tmp


def test_wheel_installs_and_finds_its_data(installed):
    py, _, env, tmp = installed
    cwd = tmp / "elsewhere"
    cwd.mkdir(exist_ok=True)
    out = _run([py, "-c", "import cxkit as cx, json; ds = cx.load_dataset(cx.sample_spec_path()); "
                "print(json.dumps([cx.__file__, str(cx.default_batch_path()), len(ds.responses)]))"],
               env=env, cwd=cwd).stdout
    file, batch, n = json.loads(out.strip().splitlines()[-1])
    site_dir = Path(py).parent.parent
    assert Path(file).resolve().is_relative_to(site_dir.resolve()), file  # the wheel, not the editable checkout
    assert Path(batch).resolve().is_relative_to(site_dir.resolve()) and n > 0


def test_default_batch_runs_from_the_wheel(installed):
    py, bindir, env, tmp = installed
    cwd = tmp / "run"
    cwd.mkdir(exist_ok=True)
    spec = _run([py, "-c", "from jupyter_client.kernelspec import KernelSpecManager as K; "
                 "print(K().get_kernel_spec('python3').argv[0])"], env=env, cwd=cwd).stdout.strip()
    assert Path(spec) == Path(py) or Path(spec).resolve() == Path(py).resolve(), spec
    _run([bindir / "cxkit", "run", "--batch", "default", "--run-date", "2026-10-31", "--output", cwd / "reports",
          "-q"], env=env, cwd=cwd, timeout=1200)
    manifests = sorted((cwd / "reports" / "2026-10-31").glob("*/manifest.json"))
    assert len(manifests) == 7  # the default report set: notebooks 01-07
    venv_dir = Path(py).parent.parent.resolve()
    for m in manifests:
        data = json.loads(m.read_text(encoding="utf-8"))
        assert data["status"] == "ok", (m, data.get("error"))
        # notebook and sample data came from the installed wheel
        assert Path(data["notebook"]["path"]).resolve().is_relative_to(venv_dir), data["notebook"]
        assert data["inputs"] and all(Path(i["path"]).resolve().is_relative_to(venv_dir) for i in data["inputs"])
