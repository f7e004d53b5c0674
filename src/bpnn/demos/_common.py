"""What the seed demos share: their pictures, opening lines, progress and result dicts."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from bpnn.core.layers import Dense
from bpnn.demos.progress import TrainingProgress
from bpnn.explain.i18n import Translator


def _quiet(_line: str) -> None:
    pass


class _Pictures:
    """Saves plots into ``out_dir`` (if any) and remembers and announces each path."""

    def __init__(self, out_dir, echo, t=None):
        self.dir = None if out_dir is None else Path(out_dir)
        self.echo = echo
        self.t = t or Translator("en")
        self.files: list[str] = []
        if self.dir is not None:
            try:
                self.dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ValueError(f"cannot create the --out folder {str(self.dir)!r}: {exc.strerror}") from None
            if not os.access(self.dir, os.W_OK):
                raise ValueError(f"cannot write to the --out folder {str(self.dir)!r}")

    def __bool__(self) -> bool:
        return self.dir is not None

    def save(self, plot: Callable, name: str, *args, suffixes: Sequence[str] = (".png",), **kwargs) -> None:
        for suffix in suffixes:
            path = plot(*args, path=self.dir / (name + suffix), **kwargs)
            self.files.append(str(path))
            self.echo(self.t("saved {path}", path=path))


def _result(name, seed_document, settings, results, pictures, network) -> dict:
    return {
        "demo": name,
        "seed_document": seed_document,
        "settings": settings,
        "results": results,
        "files": list(pictures.files),
        "network": network,
    }


def _check_hidden(hidden, name: str = "hidden") -> tuple[int, ...]:
    hidden = tuple(hidden)
    if not hidden or not all(isinstance(h, (int, np.integer)) and not isinstance(h, bool) and h >= 1 for h in hidden):
        raise ValueError(f"The '{name}' parameter must be a non-empty list of layer widths >= 1; got {hidden!r}.")
    return tuple(int(h) for h in hidden)


def _dense_stack(n_in, hidden, n_out, activation, output_activation, init=None, layer_class=Dense):
    sizes = [n_in, *hidden, n_out]
    kwargs = {} if init is None else {"init": init}
    return [
        layer_class(a, b, activation if i < len(hidden) else output_activation, **kwargs)
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]))
    ]


def _accuracy(scores: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of rows whose class (argmax, or a 0.5 threshold for one column) equals ``labels``."""
    predicted = (scores[:, 0] >= 0.5).astype(int) if scores.shape[1] == 1 else scores.argmax(axis=1)
    return float(np.mean(predicted == labels))


#: The five seed articles (Chinese blog posts) the demos reproduce, by their titles.
SEED_TITLES = {
    "000": "BP神经网络训练算法源代码是如何实现的?",
    "001": "如何掌握反向传播网络的玩法?",
    "002": "BP神经网络计算过程详解,算一遍弄懂反向传播--Python计算过程",
    "003": "神经网络和反向传播算法快速入门",
    "004": "numpy实现神经网络反向传播算法的步骤",
}


def _announce(echo, t, seed_document: str) -> None:
    """The first line of a demo: which article it reproduces, by its title."""
    echo(t("Seed article {number}: 《{title}》", number=seed_document, title=SEED_TITLES[seed_document]))


def _mode(t, batch_size) -> str:
    """How the samples are fed, in words."""
    if batch_size == 1:
        return t("one sample at a time")
    return t("full batch") if batch_size is None else t("batches of {n}", n=batch_size)


def _opening(t, template: str, *, sizes=(), batch_size=None, learning_rate=None, epochs=None, seed=None, **more):
    """A demo's opening sentence: ``template`` filled with the layer sizes (``2-25-50-25-2``), the
    batching mode, the learning rate, the epochs and the seed, and any ``more`` fields."""
    return t(
        template,
        sizes="-".join(map(str, sizes)),
        mode=_mode(t, batch_size),
        lr=learning_rate,
        epochs=epochs,
        seed=seed,
        **more,
    )


def _progress(t, epochs: int, template: str, fields: dict, **options) -> TrainingProgress:
    """The progress line of a demo: ``template`` with the epoch (``e`` of ``n``, ``w`` wide) and each
    ``fields`` name filled from the logged value it names."""

    def line(e, n, logged):
        return t(template, e=e, w=len(str(n)), n=n, **{name: logged[key] for name, key in fields.items()})

    return TrainingProgress(epochs, format_line=line, **options)


def _settings(epochs, learning_rate, hidden, activation, batch_size, seed, **more) -> dict:
    """The settings a demo reports (its ``settings`` entry)."""
    return {
        "epochs": epochs,
        "learning_rate": learning_rate,
        "hidden": list(hidden),
        "activation": activation,
        "batch_size": batch_size,
        "seed": seed,
        **more,
    }


def _epoch_line(t, name: str = "loss"):
    """A progress line ``epoch e/n  loss x`` in the chosen language."""
    return lambda e, n, f: t("epoch {e:>{w}}/{n}  " + name + " {value:.6f}", e=e, w=len(str(n)), n=n, value=f[name])


# ===================================================================================
# seed 002: the worked example
# ===================================================================================

#: Seed 002's network: x, target, all eight weights 1.0, no bias, learning rate 0.5.
