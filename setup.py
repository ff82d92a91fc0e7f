"""Build of simdact's extension.

The Cython module, the ufunc loops and the dispatcher are compiled for the baseline CPU of the
target. Only the per-ISA kernel folders get ISA flags, each file with its own (setuptools has no
per-file flags inside one Extension, so build_ext compiles those groups itself and links the
objects in). Kernels are compiled with -ffp-contract=off: every FMA is written explicitly, so the
compiler never changes the arithmetic between ISAs. Never -march=native, never -ffast-math.
"""
import os
import re
import platform
import sys
import tempfile
import glob

import numpy
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from Cython.Build import cythonize

HERE = os.path.dirname(os.path.abspath(__file__))
KDIR = "kernels"
IS_X86 = platform.machine().lower() in ("x86_64", "amd64", "i686", "i386", "x86")
# SIMDACT_PORTABLE=1 builds only the portable C path, as on a non-x86 CPU (for checking it here).
PORTABLE_ONLY = bool(os.environ.get("SIMDACT_PORTABLE")) or not IS_X86

FP = ["-O2", "-ffp-contract=off", "-fno-math-errno"]


# a string or character literal, or a run of white space and comments
_C_TOKENS = re.compile(rb'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|(?:\s|/\*.*?\*/|//[^\n]*)+', re.S)


def _code_only(src):
    """src (bytes) with every run of white space and comments as one space (literals kept)"""
    def keep(m):
        t = m.group(0)
        return t if t[:1] in (b'"', b"'") else b" "
    return _C_TOKENS.sub(keep, src)


def kernel_source_hash():
    """sha256 (first 16 hex digits) of the code that decides the forward functions' results
    (kernels/*.h, kernels/*.c and the per-ISA folders, without the gradient kernels, the ufunc
    loops, the accuracy engine and the C test harnesses), compiled into the extension as
    simdact._core.KERNEL_HASH: committed accuracy tables and benchmark results carry it, and a
    test compares them with the build's. Comments and white space are left out (_code_only):
    correcting a kernel's contract comment does not make 46 minutes of measurements stale."""
    import hashlib
    h = hashlib.sha256()
    files = sorted(glob.glob(os.path.join(HERE, KDIR, "*.[ch]"))
                   + glob.glob(os.path.join(HERE, KDIR, "*", "*.[ch]")))
    for path in files:
        rel = os.path.relpath(path, HERE).replace(os.sep, "/")
        base = os.path.basename(rel)
        if (rel.startswith(KDIR + "/tests/") or "grad" in base
                or base in ("loops.c", "loops.h", "accuracy.c", "accuracy.h")):
            continue
        with open(path, "rb") as f:
            h.update(rel.encode() + b"\0" + _code_only(f.read()) + b"\0")
    return h.hexdigest()[:16]
# Per-ISA kernel groups: (sources glob, extra flags). The portable group is always built.
GROUPS = [("scalar", FP)]
if not PORTABLE_ONLY:
    AVX2 = ["-mavx2", "-mfma", "-mf16c"]
    GROUPS += [
        ("avx2", FP + AVX2),
        ("avx512", FP + AVX2 + ["-mavx512f", "-mavx512dq", "-mavx512bw", "-mavx512vl"]),
    ]


def _compiler_accepts(compiler, flags, code="int main(void){return 0;}\n"):
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "probe.c")
        with open(src, "w") as f:
            f.write(code)
        try:
            objs = compiler.compile([src], output_dir=tmp, extra_postargs=flags)
            compiler.link_executable(objs, os.path.join(tmp, "probe"), extra_postargs=flags)
        except Exception:
            return False
    return True


class BuildExt(build_ext):
    def build_extensions(self):
        cc = self.compiler
        omp = ["-fopenmp"]
        omp_code = "#include <omp.h>\nint main(void){return omp_get_max_threads() > 0 ? 0 : 1;}\n"
        if os.environ.get("SIMDACT_NO_OPENMP") or not _compiler_accepts(cc, omp, omp_code):
            self.warn("simdact: the compiler has no OpenMP; building SINGLE-THREADED "
                      "(set_num_threads() will have no effect)")
            sys.stderr.write("WARNING: simdact built without OpenMP: single-threaded\n")
            omp = []
        for ext in self.extensions:
            objects = []
            for group, flags in GROUPS:
                srcs = sorted(glob.glob(os.path.join(KDIR, group, "*.c")))
                objects += cc.compile(
                    srcs, output_dir=self.build_temp, include_dirs=[KDIR],
                    extra_postargs=flags, depends=glob.glob(os.path.join(KDIR, "*.h")))
            ext.extra_objects = objects + list(ext.extra_objects or [])
            ext.extra_compile_args = list(ext.extra_compile_args) + omp
            # libgomp linked dynamically, so threadpoolctl sees it.
            ext.extra_link_args = list(ext.extra_link_args) + omp
            if not omp:
                ext.define_macros = list(ext.define_macros) + [("SA_NO_OPENMP", "1")]
        super().build_extensions()


ext = Extension(
    "simdact._core",
    sources=["src/simdact/_core.pyx", "kernels/dispatch.c", "kernels/loops.c",
             "kernels/accuracy.c"]
    + sorted(glob.glob(os.path.join(KDIR, "f64*.c"))),
    include_dirs=[KDIR, numpy.get_include()],
    depends=glob.glob(os.path.join(KDIR, "*.h")),
    extra_compile_args=["-O2", "-ffp-contract=off"],
    define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION"),
                   ("SA_KERNEL_HASH", '"' + kernel_source_hash() + '"')]
    + ([("SA_PORTABLE_ONLY", "1")] if PORTABLE_ONLY else []),
    libraries=["m"],
)

setup(
    ext_modules=cythonize([ext], language_level=3),
    cmdclass={"build_ext": BuildExt},
)
