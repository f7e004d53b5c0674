"""Which loop runs the epochs of ``fit``, and why: one decision, :func:`epoch_path`.

Three loops train with the same arithmetic (the tests compare them):

* ``"compiled"`` -- :mod:`bpnn.training._fast`, a numba loop over the whole epoch: small
  Dense networks whose activations have a compiled kernel, SGD (with or without momentum)
  or Adam at a constant learning rate, mse or a fused cross-entropy, no ``sample_weight``,
  no L1, no callback that needs every batch;
* ``"online"`` -- :mod:`bpnn.training._online`, a lean NumPy loop for one sample per update
  with plain SGD, when the compiled loop does not run (numba missing, ``fast=False``, or a
  case it does not compile);
* ``"general"`` -- the NumPy loop over batches (:mod:`bpnn.training.loop`), which trains
  everything: any layer, activation, loss, optimizer or callback.

``fit`` records the choice in ``history.path`` and its reason in ``history.path_reason``;
``verbose`` prints them once.
"""

from __future__ import annotations

from bpnn.training import _fast, _online

COMPILED, ONLINE, GENERAL = "compiled", "online", "general"


def epoch_path(
    net, optimizer, batch_size: int, sample_weight=None, callbacks=(), fast=None, sparse: bool = False
) -> tuple[str, str]:
    """The loop that trains this case and why: ``(path, reason)``.

    Parameters
    ----------
    net : Network
    optimizer : Optimizer
    batch_size : int
        Rows per update (the number of samples for full batch).
    sample_weight : array or None
    callbacks : list of Callback
    fast : bool or None
        ``fit``'s argument: None, the compiled loop when it applies; False, never; True,
        always (a ValueError saying why it cannot).
    sparse : bool
        Whether ``X`` is a SciPy sparse matrix (only the general loop takes one).

    Returns
    -------
    path : {"compiled", "online", "general"}
    reason : str
    """
    not_compiled: str | None
    if fast is False:
        not_compiled = "fit(fast=False)"
    elif sparse:
        not_compiled = "X is a sparse matrix"
    else:
        not_compiled = _fast.why_not(net, optimizer, batch_size, sample_weight, callbacks)
    if not_compiled is None:
        return COMPILED, "numba compiles every layer, the loss and the update rule of this case"
    if fast:
        raise ValueError(f"fast=True, but the compiled path cannot train this: {not_compiled}.")
    not_online = "X is a sparse matrix" if sparse else _online.why_not(net, optimizer, batch_size, sample_weight)
    if not_online is None:
        return ONLINE, f"one sample per update with plain SGD; not compiled: {not_compiled}"
    return GENERAL, f"not compiled: {not_compiled}; not the lean online loop: {not_online}"


__all__ = ["COMPILED", "GENERAL", "ONLINE", "epoch_path"]
