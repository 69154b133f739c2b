"""Build the compiled Hamming kernels; all other settings live in pyproject.toml.

The extension ``hashmodal.search._hamming`` is built with ``-O3`` and OpenMP
(when the compiler accepts ``-fopenmp``), and with ``-mpopcnt`` on x86-64 only.
It is optional: if it cannot be compiled the package still installs and
``hashmodal.search`` falls back to NumPy with a logged warning.
"""

import os
import platform
import tempfile

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

_X86_64 = {"x86_64", "amd64", "x64"}


class _BuildExt(build_ext):
    """Add the flags the compiler in use accepts."""

    def build_extensions(self):
        compile_args = ["-O3"]
        link_args = []
        if platform.machine().lower() in _X86_64 and self._accepts("-mpopcnt"):
            compile_args.append("-mpopcnt")
        if self._accepts("-fopenmp", link=True):
            compile_args.append("-fopenmp")
            link_args.append("-fopenmp")
        else:
            self.warn(
                "the compiler does not accept -fopenmp: the compiled kernels of "
                "hashmodal are built single-threaded"
            )
        for ext in self.extensions:
            ext.extra_compile_args = compile_args + list(ext.extra_compile_args)
            ext.extra_link_args = link_args + list(ext.extra_link_args)
        super().build_extensions()

    def _accepts(self, flag, link=False):
        """Whether a tiny C file compiles (and links) with ``flag``."""
        with tempfile.TemporaryDirectory() as tmp:
            source = os.path.join(tmp, "probe.c")
            with open(source, "w") as handle:
                handle.write("int main(void) { return 0; }\n")
            try:
                objects = self.compiler.compile(
                    [source], output_dir=tmp, extra_postargs=[flag]
                )
                if link:
                    self.compiler.link_executable(
                        objects,
                        os.path.join(tmp, "probe"),
                        extra_postargs=[flag],
                    )
            except Exception:
                return False
        return True


setup(
    ext_modules=[
        Extension(
            "hashmodal.search._hamming",
            sources=["src/hashmodal/search/_hamming.c"],
            optional=True,
        ),
        Extension(
            "hashmodal.metrics._counting",
            sources=["src/hashmodal/metrics/_counting.c"],
            optional=True,
        ),
    ],
    cmdclass={"build_ext": _BuildExt},
)
