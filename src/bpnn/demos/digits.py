"""Seed 004': a softmax classifier of 8x8 handwritten digits (or MNIST)."""

from __future__ import annotations

import numpy as np

from bpnn.core.network import Network
from bpnn.demos._common import (
    _accuracy,
    _check_hidden,
    _dense_stack,
    _opening,
    _Pictures,
    _progress,
    _result,
    _settings,
)
from bpnn.explain.i18n import Translator


def digits_data(data_dir=None, random_state: int = 42):
    """scikit-learn's 8x8 digits (pixels / 16, split 75/25, stratified), or MNIST from ``data_dir``.

    Returns ``X_train, X_test, y_train, y_test, image_shape, source``.
    """
    if data_dir is not None:
        from bpnn.io import load_mnist

        X_train, y_train, X_test, y_test = load_mnist(data_dir)
        for what, labels in (("training", y_train), ("test", y_test)):
            wrong = labels[(labels < 0) | (labels > 9)]
            if wrong.size:
                # a digit is 0..9: anything else would silently widen the network's output
                raise ValueError(
                    f"--data-dir {data_dir}: the {what} labels must be digits 0 to 9; "
                    f"{wrong.size} are not (first: {int(wrong[0])})"
                )
        return X_train, X_test, y_train, y_test, (28, 28), f"MNIST from {data_dir}"
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(
        digits.data / 16.0, digits.target, test_size=0.25, random_state=random_state, stratify=digits.target
    )
    return X_train, X_test, y_train, y_test, (8, 8), "scikit-learn's 8x8 digits"


def run_digits(
    *,
    epochs: int | None = None,
    learning_rate: float = 0.1,
    hidden=(64,),
    activation: str = "relu",
    batch_size: int | None = 32,
    seed: int = 0,
    data_dir=None,
    out_dir=None,
    echo=print,
    progress: str = "auto",
    lang: str | None = "en",
) -> dict:
    """Softmax + categorical cross-entropy on handwritten digits, plain SGD on mini-batches.

    ``epochs`` defaults to 50 on the 8x8 digits and 10 on MNIST.
    """
    hidden = _check_hidden(hidden)
    t = Translator(lang)
    pictures = _Pictures(out_dir, echo, t)
    X_train, X_test, y_train, y_test, shape, source = digits_data(data_dir)
    if epochs is None:
        epochs = 50 if data_dir is None else 10
    n_classes = int(max(y_train.max(), y_test.max())) + 1
    net = Network(
        _dense_stack(X_train.shape[1], hidden, n_classes, activation, "softmax"),
        loss="categorical_crossentropy",
        seed=seed,
    )
    source_words = t("scikit-learn's 8x8 digits") if data_dir is None else t("MNIST from {path}", path=data_dir)
    echo(
        t(
            "Digits: {source}, {n_train} training and {n_test} test images;",
            source=source_words,
            n_train=len(X_train),
            n_test=len(X_test),
        )
    )
    opening = (
        "a {sizes} network ({activation} hidden, softmax output), categorical cross-entropy, SGD on {mode}, "
        "learning rate {lr:g}, {epochs} epochs, seed {seed}."
    )
    run = {"batch_size": batch_size, "learning_rate": learning_rate, "epochs": epochs, "seed": seed}
    echo(_opening(t, opening, sizes=(X_train.shape[1], *hidden, n_classes), activation=activation, **run))
    Y_train = np.eye(n_classes)[y_train]

    def evaluate(epoch, logs):
        return {
            "loss": logs["loss"],
            "train_accuracy": _accuracy(net.predict(X_train), y_train),
            "test_accuracy": _accuracy(net.predict(X_test), y_test),
        }

    line = "epoch {e:>{w}}/{n}  loss {loss:.6f}  train accuracy {train:.2%}  test accuracy {test:.2%}"
    fields = {"loss": "loss", "train": "train_accuracy", "test": "test_accuracy"}
    every = 5 if data_dir is None else 1
    prog = _progress(t, epochs, line, fields, every=every, evaluate=evaluate, mode=progress, echo=echo, desc="digits")
    net.fit(
        X_train, Y_train, epochs=epochs, learning_rate=learning_rate, batch_size=batch_size, seed=seed, callbacks=[prog]
    )
    from sklearn.metrics import confusion_matrix

    predicted = net.predict(X_test).argmax(axis=1)
    test_acc = float(np.mean(predicted == y_test))
    cm = confusion_matrix(y_test, predicted, labels=list(range(n_classes)))
    echo(
        t(
            "test accuracy {test:.2%} ({wrong} of {n} test images wrong)",
            test=test_acc,
            wrong=int(np.sum(predicted != y_test)),
            n=len(y_test),
        )
    )
    echo(t("confusion matrix (rows: true digit, columns: predicted):"))
    echo("      " + " ".join(f"{j:>4}" for j in range(n_classes)))
    for i, row in enumerate(cm):
        echo(f"  {i:>2}  " + " ".join(f"{v:>4}" for v in row))
    if pictures:
        from bpnn.plots import plot_confusion_matrix, plot_digits, plot_history

        pictures.save(
            plot_confusion_matrix,
            "confusion_matrix",
            cm,
            list(range(n_classes)),
            title="Test confusion matrix",  # plot_confusion_matrix appends the accuracy
        )
        pictures.save(plot_digits, "misclassified", X_test, y_test, predicted, shape=shape)
        pictures.save(
            plot_history,
            "history",
            {k: prog.log[k] for k in ("epoch", "loss", "train_accuracy", "test_accuracy")},
            title="Loss and accuracy",
        )
    settings = _settings(epochs, learning_rate, hidden, activation, batch_size, seed, data=source)
    results = {
        "test_accuracy": test_acc,
        "train_accuracy": prog.log["train_accuracy"][-1],
        "confusion_matrix": cm.tolist(),
        "misclassified": int(np.sum(predicted != y_test)),
    }
    return _result("digits", "004 (related article)", settings, results, pictures, net)


# ===================================================================================
# the table the command line is built from
# ===================================================================================
