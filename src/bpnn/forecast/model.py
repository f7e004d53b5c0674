"""A trained forecaster and its model file: the network, its lags, the scaling fitted on the
training period, the last window and the time step, so that the series can be continued.

The file is a bpnn model container (:mod:`bpnn.io.container`) of kind ``"forecast"``,
written atomically like every bpnn model file.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bpnn.forecast.windows import check_lags, lag_matrix, recursive_forecast
from bpnn.io.container import ModelFileError, load_container, save_container
from bpnn.io.model import network_from_parts, network_to_parts
from bpnn.io.scaling import Scaler, scaler_from_state

__all__ = ["ForecastModel", "KIND"]

KIND = "forecast"


class ForecastModel:
    """A network that forecasts a series from its lagged values (and other columns' lags).

    Parameters
    ----------
    network : Network
        Takes the scaled window (``len(lags)`` values of the series, then ``len(lags)`` of
        each exogenous column) and returns the scaled next value (recursive) or the next
        ``steps`` values (direct).
    lags : sequence of int
        The lags of the inputs.
    y_scaler : Scaler
        Fitted on the training period of the series.
    x_scaler : Scaler or None
        Fitted on the training period of the exogenous columns (None without any).
    target : str, default="y"
    exog : list of str, default=[]
        Names of the exogenous columns.
    time : dict, optional
        ``{"column": name or None, "kind": "index" | "number" | "datetime", "last": ...,
        "step": ...}``: how to name the times after the last observation.
    last_window : ndarray of shape (max(lags),) or (max(lags), 1 + n_exog), optional
        The last observations (series first, then the exogenous columns), in their units.
    season : int or None
    """

    def __init__(
        self,
        network,
        lags,
        y_scaler: Scaler,
        x_scaler: Scaler | None = None,
        *,
        target: str = "y",
        exog=(),
        time: dict | None = None,
        last_window=None,
        season: int | None = None,
    ):
        self.network, self.lags = network, check_lags(lags)
        self.y_scaler, self.x_scaler = y_scaler, x_scaler
        self.target, self.exog = target, list(exog)
        self.time = time or {"column": None, "kind": "index", "last": -1, "step": 1}
        self.last_window = None if last_window is None else np.asarray(last_window, dtype=np.float64)
        self.season = season

    # -- the arithmetic -----------------------------------------------------------------

    @property
    def steps(self) -> int:
        """Values per forecast of the network: 1 (recursive) or the horizon (direct)."""
        return int(self.network.n_outputs)

    @property
    def first(self) -> int:
        """The largest lag: how many observations a window needs."""
        return max(self.lags)

    def _scaled(self, y, exog):
        z = self.y_scaler.transform(np.asarray(y, dtype=np.float64).reshape(-1, 1))[:, 0]
        if not self.exog:
            return z, None
        if exog is None:
            raise ValueError(f"this model also reads the columns {self.exog}; pass their values as exog")
        e = np.asarray(exog, dtype=np.float64).reshape(len(z), -1)
        return z, self.x_scaler.transform(e)

    def _unscaled(self, z: np.ndarray) -> np.ndarray:
        return self.y_scaler.inverse_transform(z.reshape(-1, 1)).reshape(z.shape)

    def forecast(self, y, origins, horizon: int, exog=None) -> np.ndarray:
        """Forecasts ``horizon`` steps ahead from each origin, in the series' units.

        Recursive (one output): closed loop, each prediction fed back as an input. Direct
        (``horizon`` outputs or more): the network gives every step at once from the window.

        Returns
        -------
        ndarray of shape (len(origins), horizon)
        """
        z, e = self._scaled(y, exog)
        origins = np.asarray(origins, dtype=np.int64)
        if self.steps == 1:
            out = recursive_forecast(self.network.forward, z, origins, horizon, self.lags, exog=e)
        else:
            if horizon > self.steps:
                raise ValueError(f"this direct model forecasts {self.steps} steps; got horizon={horizon}")
            X, _, _ = lag_matrix(z, self.lags, exog=e, targets=origins)
            out = self.network.forward(X)[:, :horizon]
        return self._unscaled(out)

    def continue_series(self, steps: int) -> np.ndarray:
        """The next ``steps`` values after the last observation stored in the model."""
        if self.last_window is None:
            raise ValueError("this model holds no last window; it cannot continue the series")
        if self.exog and steps > min(self.lags):
            raise ValueError(
                f"this model reads the columns {self.exog} too; beyond {min(self.lags)} step(s) it would need "
                "their future values, which the model file does not have. Use --steps "
                f"{min(self.lags)} or fewer"
            )
        if self.steps > 1 and steps > self.steps:
            raise ValueError(f"this direct model forecasts {self.steps} steps at most; got --steps {steps}")
        hist = self.last_window.reshape(self.first, -1)
        y = np.concatenate([hist[:, 0], np.zeros(steps)])
        exog = np.concatenate([hist[:, 1:], np.zeros((steps, hist.shape[1] - 1))]) if self.exog else None
        return self.forecast(y, [self.first], steps, exog)[0]

    def future_times(self, steps: int) -> list:
        """The times of the ``steps`` values after the last observation."""
        kind, last, step = self.time["kind"], self.time["last"], self.time["step"]
        if kind == "datetime":
            import pandas as pd

            stamps = pd.date_range(pd.Timestamp(last), periods=steps + 1, freq=step)[1:]
            return [s.date().isoformat() if s == s.normalize() else s.isoformat() for s in stamps]
        values = last + step * np.arange(1, steps + 1)
        return [int(v) if float(v).is_integer() else float(v) for v in values]

    # -- the file -------------------------------------------------------------------------

    def save(self, path) -> None:
        """Write the model file atomically (a ``.bpnn`` or ``.npz`` bpnn container of kind ``forecast``)."""
        arrays, net_config = network_to_parts(self.network, prefix="net.")
        arrays.update({f"y_scaler.{k}": v for k, v in self.y_scaler.get_state().items()})
        meta: dict[str, Any] = {
            "network": net_config,
            "lags": list(self.lags),
            "target": self.target,
            "exog": self.exog,
            "time": self.time,
            "season": self.season,
            "y_scaler": [self.y_scaler.name, self.y_scaler.get_config()],
        }
        if self.x_scaler is not None:
            arrays.update({f"x_scaler.{k}": v for k, v in self.x_scaler.get_state().items()})
            meta["x_scaler"] = [self.x_scaler.name, self.x_scaler.get_config()]
        if self.last_window is not None:
            arrays["last_window"] = self.last_window
        save_container(path, arrays, meta, kind=KIND)

    @classmethod
    def load(cls, path) -> ForecastModel:
        """Read a model file written by :meth:`save`; every problem is a one-line
        :class:`~bpnn.io.ModelFileError`."""
        arrays, meta = load_container(path, kind=KIND)
        return cls.from_parts(arrays, meta, str(path))

    @classmethod
    def from_parts(cls, arrays: dict, meta: dict, source: str) -> ForecastModel:
        """The model from the arrays and metadata of its file (as :func:`bpnn.load` reads them)."""
        try:
            net = network_from_parts(arrays, meta["network"], prefix="net.", source=source)

            def scaler(name):
                kind, config = meta[name]
                state = {k.split(".", 1)[1]: v for k, v in arrays.items() if k.startswith(name + ".")}
                return scaler_from_state(kind, config, state)

            model = cls(
                net,
                meta["lags"],
                scaler("y_scaler"),
                scaler("x_scaler") if "x_scaler" in meta else None,
                target=meta["target"],
                exog=meta["exog"],
                time=meta["time"],
                last_window=arrays.get("last_window"),
                season=meta["season"],
            )
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, ModelFileError):
                raise
            raise ModelFileError(f"{source} is damaged: its forecast settings are incomplete ({exc})") from None
        n_in = len(model.lags) * (1 + len(model.exog))
        if net.n_inputs != n_in:
            raise ModelFileError(f"{source} is damaged: its network takes {net.n_inputs} inputs, its lags give {n_in}")
        return model

    def __repr__(self) -> str:
        kind = "recursive" if self.steps == 1 else f"direct, {self.steps} steps"
        return f"ForecastModel(target={self.target!r}, lags={list(self.lags)}, exog={self.exog}, {kind})"
