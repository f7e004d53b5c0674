"""The seed articles' experiments as runnable demos (``seeds.py``) and the progress line
they print while training (``progress.py``). ``bpnn demo NAME`` runs them."""

from bpnn.demos.seeds import DEMOS, run_demo

__all__ = ["DEMOS", "run_demo"]
