"""Progress of a training run: a tqdm bar on a terminal, periodic lines elsewhere.

:class:`TrainingProgress` is a :class:`bpnn.Callback`. Every ``every`` epochs (and at
the first and the last) it asks ``evaluate(epoch, logs)`` for the figures worth
reporting (say the test accuracy), keeps them in :attr:`TrainingProgress.log`, and
shows them:

* ``mode="bar"``: a tqdm progress bar (it also works in notebooks) with the latest
  figures beside it, and the periodic lines printed above it;
* ``mode="lines"``: only the periodic lines (for logs, pipes and CI);
* ``mode="quiet"``: nothing, but the figures are still logged;
* ``mode="auto"`` (default): ``"bar"`` when standard output is a terminal, else ``"lines"``.

Examples
--------
>>> import numpy as np, bpnn
>>> from bpnn.demos.progress import TrainingProgress
>>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float); y = np.array([[0], [1], [1], [0]], dtype=float)
>>> net = bpnn.Network([bpnn.Dense(2, 3, "sigmoid"), bpnn.Dense(3, 1, "sigmoid")], seed=0)
>>> progress = TrainingProgress(20, every=10, mode="lines")
>>> _ = net.fit(X, y, epochs=20, learning_rate=2.0, callbacks=[progress])  # doctest: +ELLIPSIS
epoch  1/20  loss 0.1...
epoch 10/20  loss 0.1...
epoch 20/20  loss 0.1...
>>> progress.log["epoch"]
[1, 10, 20]
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from bpnn.training.loop import Callback

MODES = ("auto", "bar", "lines", "quiet")


def _default_line(epoch: int, total: int, figures: dict) -> str:
    width = len(str(total))
    parts = "  ".join(f"{name.replace('_', ' ')} {value:.6f}" for name, value in figures.items())
    return f"epoch {epoch:>{width}}/{total}  {parts}"


class TrainingProgress(Callback):
    """Report training every ``every`` epochs, with a bar on a terminal.

    Parameters
    ----------
    epochs : int
        Epochs this ``fit`` call will run (the bar's length).
    every : int, default=1
        Report every ``every`` epochs, and at the first and the last.
    evaluate : callable, optional
        ``evaluate(epoch, logs) -> dict`` of name -> number to report; by default the
        ``logs`` the training loop passes (``{"loss": ...}`` and any metrics).
    mode : {"auto", "bar", "lines", "quiet"}, default="auto"
    format_line : callable, optional
        ``format_line(epoch, epochs, figures) -> str``; by default
        ``"epoch 10/100  loss 0.123456  ..."``.
    echo : callable, default=print
        Where the periodic lines go in ``"lines"`` mode.
    stream : file, default=sys.stdout
        Where the bar goes, and the terminal test of ``"auto"``.
    desc : str, default="training"
        The bar's label.

    Attributes
    ----------
    log : dict of str to list
        ``"epoch"`` and every reported figure, one entry per report.
    """

    def __init__(
        self,
        epochs: int,
        *,
        every: int = 1,
        evaluate: Callable | None = None,
        mode: str = "auto",
        format_line: Callable | None = None,
        echo: Callable = print,
        stream=None,
        desc: str = "training",
    ):
        if mode not in MODES:
            raise ValueError(f"The 'mode' parameter must be one of {list(MODES)}; got {mode!r}.")
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ValueError(f"The 'every' parameter must be an int >= 1; got {every!r}.")
        self.epochs, self.every, self.evaluate = int(epochs), every, evaluate
        self.stream = sys.stdout if stream is None else stream
        if mode == "auto":
            isatty = getattr(self.stream, "isatty", None)
            mode = "bar" if callable(isatty) and isatty() else "lines"
        self.mode = mode
        self.format_line = format_line or _default_line
        self.echo, self.desc = echo, desc
        self.log: dict[str, list] = {"epoch": []}
        self._bar = None
        self._first = None

    def on_train_begin(self, logs=None):
        self._first = None
        if self.mode == "bar":
            from tqdm.auto import tqdm

            self._bar = tqdm(
                total=self.epochs, desc=self.desc, unit="epoch", file=self.stream, dynamic_ncols=True, leave=False
            )

    def on_epoch_end(self, epoch, logs=None):
        logs = dict(logs or {})
        if self._first is None:
            self._first = epoch  # epochs continue across fit() calls; count from this call's first
        done = epoch - self._first + 1
        if done == 1 or done % self.every == 0 or done == self.epochs:
            figures = dict(self.evaluate(epoch, logs) if self.evaluate else logs)
            self.log["epoch"].append(epoch)
            for name, value in figures.items():
                self.log.setdefault(name, []).append(float(value))
            line = self.format_line(epoch, self._first + self.epochs - 1, figures)
            if self._bar is not None:
                self._bar.set_postfix({k: f"{v:.4g}" for k, v in figures.items()}, refresh=False)
                self._bar.write(line, file=self.stream)
            elif self.mode == "lines":
                self.echo(line)
        if self._bar is not None:
            self._bar.update(1)

    def on_train_end(self, logs=None):
        if self._bar is not None:
            self._bar.close()
            self._bar = None


__all__ = ["TrainingProgress", "MODES"]
