"""Run the builder as an installed package runs: byte-compiled.

pip compiles a package's modules when it installs it, so mkdocs and Material (the floors'
code) start from bytecode. The builder is installed editable, from the source tree, and
a machine that sets PYTHONDONTWRITEBYTECODE (as CI images and this project's build machine
do) never keeps its bytecode: every timed `showcase` would compile ~100 modules again
(~0.1 s), a cost no installed copy pays. The benchmarks compile them first, once.
"""

from __future__ import annotations

import compileall
from pathlib import Path

import builder


def compile_builder() -> str:
    """Byte-compile the builder package (into its __pycache__ folders, git-ignored)."""
    folder = Path(builder.__file__).resolve().parent
    ok = compileall.compile_dir(str(folder), quiet=1)
    return f"builder byte-compiled as an install is ({'ok' if ok else 'with errors'})"
