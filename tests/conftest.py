"""Shared test setup.

The kernel checks in tests/per_isa/ run once per ISA the CPU has, each in a fresh interpreter
with SIMDACT_ISA forced (the ISA is chosen once at import): tests/test_per_isa.py starts them.
They are not collected in the parent run.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

collect_ignore = [] if os.environ.get("SIMDACT_PER_ISA_RUN") else ["per_isa"]
