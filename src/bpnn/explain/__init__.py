"""One training step written out, every number kept (:func:`explain_step`) and shown as
text or Markdown/LaTeX (:func:`render`). Used by ``Network.explain`` and ``bpnn explain``."""

from bpnn.explain.render import render
from bpnn.explain.step import LayerStep, TrainingStep, explain_step

__all__ = ["LayerStep", "TrainingStep", "explain_step", "render"]
