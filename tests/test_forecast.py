"""bpnn.forecast and ``bpnn forecast``: windows, the chronological split, leak-free scaling,
recursive and direct forecasts, the model file, the baselines and the honest report."""

import json

import numpy as np
import pytest

from bpnn.forecast import (
    ARModel,
    ForecastModel,
    chronological_split,
    fit_forecast,
    lag_matrix,
    metrics,
    naive,
    recursive_forecast,
    seasonal_naive,
)
from bpnn.forecast.windows import window_rows
from cli_helpers import error_line, run


def seasonal_series(n=180, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return 50 + 10 * np.sin(2 * np.pi * t / 12) + 4 * np.cos(2 * np.pi * t / 6) + rng.normal(0, 0.5, n)


def random_walk(n=300, seed=3):
    return 100 + np.cumsum(np.random.default_rng(seed).normal(size=n))


def write_csv(path, columns: dict):
    names = list(columns)
    lines = [",".join(names)] + [",".join(str(columns[c][i]) for c in names) for i in range(len(columns[names[0]]))]
    path.write_text("\n".join(lines) + "\n")
    return path


# -- windows and split ---------------------------------------------------------------------


def test_lag_matrix_matches_a_hand_built_one_with_exog_and_seasonal_lag():
    rng = np.random.default_rng(0)
    y, x = rng.normal(size=40), rng.normal(size=(40, 2))
    lags = [1, 2, 12]
    X, Y, t = lag_matrix(y, lags, exog=x, steps=3)
    rows, targets = [], []
    for s in range(12, 40 - 2):
        rows.append(
            [y[s - 1], y[s - 2], y[s - 12], x[s - 1, 0], x[s - 2, 0], x[s - 12, 0], x[s - 1, 1], x[s - 2, 1]]
            + [x[s - 12, 1]]
        )
        targets.append([y[s], y[s + 1], y[s + 2]])
    np.testing.assert_array_equal(X, np.array(rows))
    np.testing.assert_array_equal(Y, np.array(targets))
    np.testing.assert_array_equal(t, np.arange(12, 38))


def test_chronological_split_keeps_time_order_and_test_from():
    s = chronological_split(200)
    assert (s.validation, s.test) == (140, 170)
    assert s.sizes() == {"train": 140, "validation": 30, "test": 30}
    s = chronological_split(200, test_from=150)
    assert s.test == 150 and 0 < s.validation < 150
    assert s.period("validation") == (s.validation, 150)
    with pytest.raises(ValueError, match="fractions"):
        chronological_split(100, (0.5, 0.5, 0.5))


def test_windows_never_cross_the_split_boundaries():
    s = chronological_split(100)
    for steps in (1, 4):
        train = window_rows(s, "train", 5, steps)
        assert train.min() - 5 >= 0 and train.max() + steps - 1 < s.validation
        for period in ("validation", "test"):
            a, b = s.period(period)
            rows = window_rows(s, period, 5, steps)
            assert rows.min() >= a and rows.max() + steps - 1 < b


# -- leak-free scaling ---------------------------------------------------------------------


def test_no_scaling_statistic_depends_on_a_test_value():
    y = seasonal_series(160)
    shifted = y.copy()
    split = chronological_split(len(y))
    shifted[split.test :] += 1000.0  # a level shift in the test period only
    # lags chosen on validation and the best of two restarts: neither may look at the test period either
    a = fit_forecast(y, season=12, restarts=2, epochs=60)
    b = fit_forecast(shifted, season=12, restarts=2, epochs=60)
    assert a.report["lags"] == b.report["lags"]
    assert a.report["lag_search_validation_rmse"] == b.report["lag_search_validation_rmse"]
    train = y[: split.validation]
    for run_ in (a, b):
        assert run_.model.y_scaler.data_min_[0] == train.min()
        assert run_.model.y_scaler.data_max_[0] == train.max()
    for wa, wb in zip(a.model.network.get_weights(), b.model.network.get_weights()):
        np.testing.assert_array_equal(wa, wb)
    # the shift shows in the test errors only: the network was never told about it
    assert b.report["test"]["one_step"]["network"]["rmse"] > 100 * a.report["test"]["one_step"]["network"]["rmse"]


# -- forecasts -----------------------------------------------------------------------------


def test_recursive_forecast_against_a_hand_loop():
    y = seasonal_series(150)
    run_ = fit_forecast(y, lags=3, horizon=5, epochs=40)
    model, net, sc = run_.model, run_.model.network, run_.model.y_scaler
    origins = np.array([120, 131, 140])
    got = model.forecast(y, origins, 5)
    for row, t in enumerate(origins):
        window = list((y[t - 3 : t] - sc.data_min_[0]) / (sc.data_max_[0] - sc.data_min_[0]) * 2 - 1)
        for h in range(5):
            z = net.forward(np.array([[window[-1], window[-2], window[-3]]]))[0, 0]
            window.append(z)
            expected = (z + 1) / 2 * (sc.data_max_[0] - sc.data_min_[0]) + sc.data_min_[0]
            assert got[row, h] == pytest.approx(expected, rel=1e-12)


def test_recursive_forecast_of_a_linear_rule_is_the_hand_loop():
    y = np.arange(30, dtype=float) ** 1.5

    def predict(X):
        return 0.6 * X[:, :1] + 0.3 * X[:, 1:2] + 1.0

    got = recursive_forecast(predict, y, [10, 20], 4, 2)
    for row, t in enumerate([10, 20]):
        buf = [y[t - 2], y[t - 1]]
        for h in range(4):
            buf.append(0.6 * buf[-1] + 0.3 * buf[-2] + 1.0)
            assert got[row, h] == pytest.approx(buf[-1])


def test_direct_from_the_command_line(tmp_path, capsys):
    table = write_csv(tmp_path / "s.csv", {"v": np.round(seasonal_series(150), 4)})
    code, out, err = run(
        capsys,
        "forecast",
        table,
        "--lags",
        "6",
        "--horizon",
        "4",
        "--direct",
        "--json",
        "--epochs",
        "50",
        "-o",
        tmp_path / "d.bpnn",
    )
    assert code == 0, err
    assert json.loads(out)["mode"] == "direct"
    assert ForecastModel.load(tmp_path / "d.bpnn").network.n_outputs == 4
    code, out, err = run(capsys, "forecast", tmp_path / "d.bpnn", "--steps", "4")
    assert code == 0 and len(out.strip().splitlines()) == 5
    assert "4 steps at most" in error_line(capsys, "forecast", tmp_path / "d.bpnn", "--steps", "5")


def test_direct_forecast_is_the_network_on_the_observed_window():
    y = seasonal_series(150)
    run_ = fit_forecast(y, lags=4, horizon=3, direct=True, epochs=40)
    model, net, sc = run_.model, run_.model.network, run_.model.y_scaler
    assert net.n_outputs == 3
    lo, hi = sc.data_min_[0], sc.data_max_[0]
    for t in (130, 141):
        z = (y[t - 4 : t][::-1] - lo) / (hi - lo) * 2 - 1
        expected = (net.forward(z[None, :])[0] + 1) / 2 * (hi - lo) + lo
        np.testing.assert_allclose(model.forecast(y, [t], 3)[0], expected, rtol=1e-12)


def test_the_model_file_continues_the_series(tmp_path, capsys):
    y = seasonal_series(150)
    times = np.arange(1000, 1000 + 5 * len(y), 5)
    table = write_csv(tmp_path / "s.csv", {"t": times, "load": np.round(y, 4)})
    code, out, err = run(
        capsys,
        "forecast",
        table,
        "--target",
        "load",
        "--time",
        "t",
        "--lags",
        "3",
        "--epochs",
        "50",
        "-o",
        tmp_path / "m.bpnn",
    )
    assert code == 0, err
    model = ForecastModel.load(tmp_path / "m.bpnn")
    import bpnn

    loaded = bpnn.load(tmp_path / "m.bpnn")  # bpnn.load reads every kind of bpnn file, this one too
    assert isinstance(loaded, ForecastModel) and loaded.lags == model.lags
    z_hist = list(np.round(y, 4)[-3:])
    expected = []
    for _ in range(4):  # the hand loop, in the series' units through the stored scaling
        lo, hi = model.y_scaler.data_min_[0], model.y_scaler.data_max_[0]
        z = [(v - lo) / (hi - lo) * 2 - 1 for v in z_hist[::-1][:3]]
        out_z = model.network.forward(np.array([z]))[0, 0]
        z_hist.append((out_z + 1) / 2 * (hi - lo) + lo)
        expected.append(z_hist[-1])
    code, out, err = run(capsys, "forecast", tmp_path / "m.bpnn", "--steps", "4")
    assert code == 0, err
    lines = out.strip().splitlines()
    assert lines[0] == "t,forecast"
    assert [int(line.split(",")[0]) for line in lines[1:]] == [int(times[-1]) + 5 * k for k in range(1, 5)]
    np.testing.assert_allclose([float(line.split(",")[1]) for line in lines[1:]], expected, rtol=1e-10)
    code, _, err = run(capsys, "forecast", tmp_path / "m.bpnn", "--steps", "4", "-o", tmp_path / "next.csv")
    assert code == 0 and (tmp_path / "next.csv").read_text().strip().splitlines() == lines
    # a new stretch right after the last time is scored from the stored window on
    more = seasonal_series(160)[150:]
    new = write_csv(tmp_path / "new.csv", {"t": times[-1] + 5 * np.arange(1, 11), "load": np.round(more, 4)})
    code, out, err = run(capsys, "forecast", tmp_path / "m.bpnn", "--score", new, "--json")
    assert code == 0, err
    assert json.loads(out)["rows_scored"] == 10
    # bpnn predict scores the stretch too: CSV rows on standard output, the summary beside them
    code, out, err = run(capsys, "predict", tmp_path / "m.bpnn", new)
    assert code == 0, err
    rows = out.strip().splitlines()
    assert rows[0] == "t,actual,forecast" and len(rows) == 11 and "Scored 10 one-step forecasts" in err
    # the first row's forecast is the network on the stored window, by hand through the scaling
    lo, hi = model.y_scaler.data_min_[0], model.y_scaler.data_max_[0]
    z = [(v - lo) / (hi - lo) * 2 - 1 for v in list(np.round(y, 4)[-3:])[::-1]]
    first = (model.network.forward(np.array([z]))[0, 0] + 1) / 2 * (hi - lo) + lo
    t0, actual0, forecast0 = rows[1].split(",")
    assert int(t0) == int(times[-1]) + 5 and float(actual0) == round(more[0], 4)
    np.testing.assert_allclose(float(forecast0), first, rtol=1e-10)


# -- baselines and metrics -----------------------------------------------------------------


def test_naive_and_seasonal_naive_by_hand():
    y = np.arange(40, dtype=float) ** 2
    np.testing.assert_array_equal(naive(y, [10, 20], 3), [[81, 81, 81], [361, 361, 361]])
    got = seasonal_naive(y, [20], 6, season=4)
    np.testing.assert_array_equal(got[0], [y[16], y[17], y[18], y[19], y[20 + 4 - 8], y[21 + 4 - 8]])


def test_ar_model_matches_the_normal_equations_and_statsmodels():
    y = seasonal_series(200)
    ar = ARModel(3).fit(y, np.arange(3, 150))
    A = np.column_stack([np.ones(147)] + [y[3 - k : 150 - k] for k in (1, 2, 3)])
    coef = np.linalg.solve(A.T @ A, A.T @ y[3:150])
    np.testing.assert_allclose(ar.coef_, coef, rtol=1e-8)
    statsmodels = pytest.importorskip("statsmodels.tsa.ar_model")
    fit = statsmodels.AutoReg(y[:150], lags=3, trend="c").fit()
    np.testing.assert_allclose(ar.coef_, fit.params, rtol=1e-8)
    # recursive forecasts from the end of the fitted stretch, as statsmodels makes them
    np.testing.assert_allclose(ar.forecast(y, [150], 5)[0], fit.predict(start=150, end=154), rtol=1e-8)


def test_metrics_against_scikit_learn_and_mape_refused_across_zero():
    from sklearn.metrics import mean_absolute_error, mean_absolute_percentage_error, mean_squared_error

    a, p = np.array([3.0, 5.0, 2.5, 7.0]), np.array([2.5, 5.0, 4.0, 8.0])
    m = metrics(a, p, scale=0.5)
    assert m["rmse"] == pytest.approx(np.sqrt(mean_squared_error(a, p)))
    assert m["mae"] == pytest.approx(mean_absolute_error(a, p))
    assert m["mape"] == pytest.approx(100 * mean_absolute_percentage_error(a, p))
    assert m["mase"] == pytest.approx(mean_absolute_error(a, p) / 0.5)
    run_ = fit_forecast(seasonal_series(120) - 50, lags=2, epochs=20)
    assert run_.report["test"]["one_step"]["naive"]["mape"] is None
    assert any("MAPE" in note for note in run_.report["notes"])


# -- the report ----------------------------------------------------------------------------


def test_seasonal_series_report_shows_every_method_and_the_network_beats_naive(tmp_path, capsys):
    table = write_csv(tmp_path / "season.csv", {"sales": np.round(seasonal_series(), 4)})
    code, out, err = run(capsys, "forecast", table, "--season", "12", "--horizon", "3", "--restarts", "2")
    assert code == 0, err
    for name in ("network", "naive", "seasonal naive (12)", "AR("):
        assert out.count(name) >= 2, out  # in the one-step and the 3-step tables
    assert "chosen by the validation RMSE" in out and "best of 2" in out
    code, out, err = run(capsys, "forecast", table, "--season", "12", "--horizon", "3", "--restarts", "2", "--json")
    report = json.loads(out)
    for label in ("one_step", "h_step"):
        table_ = report["test"][label]
        assert set(table_) == {"network", "naive", "seasonal naive (12)", f"AR({max(report['lags'])})"}
        assert table_["network"]["rmse"] < table_["naive"]["rmse"]
        assert table_["network"]["mase"] < table_["naive"]["mase"]


def test_random_walk_report_says_the_network_does_not_beat_the_baseline(tmp_path, capsys):
    table = write_csv(tmp_path / "walk.csv", {"price": np.round(random_walk(), 4)})
    code, out, err = run(capsys, "forecast", table, "--lags", "4")
    assert code == 0, err
    assert "The network does not beat the best baseline" in out
    code, out, _ = run(capsys, "forecast", table, "--lags", "4", "--json")
    report = json.loads(out)
    assert report["network_beats_best_baseline"] is False
    one = report["test"]["one_step"]
    assert one["network"]["rmse"] >= min(v["rmse"] for k, v in one.items() if k != "network")


def test_plots_are_written(tmp_path, capsys):
    table = write_csv(tmp_path / "s.csv", {"v": np.round(seasonal_series(120), 3)})
    code, out, err = run(capsys, "forecast", table, "--lags", "3", "--epochs", "30", "--plots", tmp_path / "p")
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "p").iterdir()) == [
        "error_histogram.png",
        "forecast.png",
        "performance.png",
    ]


# -- bad input: one line, exit 2 -----------------------------------------------------------


def test_each_bad_input_gets_one_line_and_exit_2(tmp_path, capsys):
    y = np.round(seasonal_series(60), 3)
    t = np.arange(60)
    unsorted = t.copy()
    unsorted[[10, 11]] = unsorted[[11, 10]]
    dup = t.copy()
    dup[20] = 19
    gap = np.delete(np.arange(61), 30)
    text = y.astype(object)
    text[7] = "n/a?"
    cases = {
        "unsorted": ({"t": unsorted, "v": y}, ["--time", "t"], "not sorted"),
        "duplicate": ({"t": dup, "v": y}, ["--time", "t"], "appears twice"),
        "gap": ({"t": gap, "v": y}, ["--time", "t"], "gap"),
        "horizon": ({"v": y}, ["--horizon", "20"], "--horizon 20 is longer than the test period (9 rows)"),
        "lags": ({"v": y}, ["--lags", "30"], "at least"),
        "text": ({"v": text}, [], "'n/a?', which is not a number"),
        "all text": ({"v": ["a", "b"] * 30}, [], "must hold numbers"),
    }
    for name, (columns, options, expected) in cases.items():
        table = write_csv(tmp_path / f"{name}.csv", columns)
        message = error_line(capsys, "forecast", table, *options)
        assert expected in message, (name, message)
    # --fill interpolate closes the gap instead
    code, out, err = run(
        capsys,
        "forecast",
        tmp_path / "gap.csv",
        "--time",
        "t",
        "--fill",
        "interpolate",
        "--lags",
        "2",
        "--epochs",
        "10",
    )
    assert code == 0, err
    assert "1 missing time step(s) filled (interpolate)" in out


def test_a_command_never_overwrites_its_input(tmp_path, capsys):
    table = write_csv(tmp_path / "s.csv", {"v": np.round(seasonal_series(80), 3)})
    assert "would destroy it" in error_line(capsys, "forecast", table, "-o", table)


# -- the lag-matrix contract with scikit-learn regressors ----------------------------------


def test_bpregressor_inside_skforecast_uses_the_same_lag_matrix():
    pytest.importorskip("skforecast")
    import pandas as pd
    from skforecast.recursive import ForecasterRecursive

    from bpnn.estimators import BPRegressor

    y = pd.Series(seasonal_series(120), name="y")
    forecaster = ForecasterRecursive(BPRegressor(hidden_layer_sizes=(5,), max_iter=50, random_state=0), lags=4)
    X_sk, y_sk = forecaster.create_train_X_y(y)
    X, Y, _ = lag_matrix(y.to_numpy(), 4)
    np.testing.assert_allclose(X_sk.to_numpy(), X)
    np.testing.assert_allclose(y_sk.to_numpy(), Y[:, 0])
    forecaster.fit(y)
    assert np.isfinite(forecaster.predict(steps=5).to_numpy()).all()


def test_exog_columns_are_lagged_inputs_and_limit_the_continuation(tmp_path, capsys):
    rng = np.random.default_rng(5)
    x = rng.normal(size=160)
    y = np.round(10 + 3 * np.concatenate([[0.0], x[:-1]]) + rng.normal(0, 0.1, 160), 4)  # y[t] = 10 + 3 x[t-1]
    table = write_csv(tmp_path / "x.csv", {"x": np.round(x, 4), "y": y})
    code, out, err = run(
        capsys, "forecast", table, "--target", "y", "--exog", "x", "--lags", "2", "--json", "-o", tmp_path / "m.bpnn"
    )
    assert code == 0, err
    one = json.loads(out)["test"]["one_step"]
    assert one["network"]["rmse"] < 0.5 * one["naive"]["rmse"]  # the x column carries what y does next
    model = ForecastModel.load(tmp_path / "m.bpnn")
    assert model.exog == ["x"] and model.network.n_inputs == 4
    code, out, err = run(capsys, "forecast", tmp_path / "m.bpnn", "--steps", "1")
    assert code == 0, err
    lo, hi = model.y_scaler.data_min_[0], model.y_scaler.data_max_[0]
    xlo, xhi = model.x_scaler.data_min_[0], model.x_scaler.data_max_[0]
    window = [(y[-1] - lo) / (hi - lo) * 2 - 1, (y[-2] - lo) / (hi - lo) * 2 - 1]
    window += [(x[-1].round(4) - xlo) / (xhi - xlo) * 2 - 1, (x[-2].round(4) - xlo) / (xhi - xlo) * 2 - 1]
    expected = (model.network.forward(np.array([window]))[0, 0] + 1) / 2 * (hi - lo) + lo
    assert float(out.strip().splitlines()[1].split(",")[1]) == pytest.approx(expected, rel=1e-10)
    assert "future values" in error_line(capsys, "forecast", tmp_path / "m.bpnn", "--steps", "2")


def test_dates_test_from_and_scoring_a_new_stretch(tmp_path, capsys):
    import pandas as pd

    y = np.round(seasonal_series(200), 4)
    months = pd.date_range("2000-01-01", periods=200, freq="MS").strftime("%Y-%m-%d")
    table = write_csv(tmp_path / "m.csv", {"month": months[:170], "sales": y[:170]})
    code, out, err = run(
        capsys,
        "forecast",
        table,
        "--target",
        "sales",
        "--time",
        "month",
        "--lags",
        "12",
        "--test-from",
        "2012-01-01",
        "--json",
        "-o",
        tmp_path / "m.bpnn",
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["periods"]["test"]["from"] == "2012-01-01" and report["periods"]["test"]["to"] == "2014-02-01"
    code, out, err = run(capsys, "forecast", tmp_path / "m.bpnn", "--steps", "2")
    assert out.strip().splitlines()[1:] and out.splitlines()[1].startswith("2014-03-01,")
    # the next 30 months: the stored window leads into them, so every row is scored
    new = write_csv(tmp_path / "new.csv", {"month": months[170:], "sales": y[170:]})
    code, out, err = run(capsys, "forecast", tmp_path / "m.bpnn", "--score", new, "-o", tmp_path / "scored.csv")
    assert code == 0, err
    assert "Scored 30 one-step forecasts" in out
    scored = pd.read_csv(tmp_path / "scored.csv")
    model = ForecastModel.load(tmp_path / "m.bpnn")
    hand = model.forecast(y, np.arange(170, 200), 1)[:, 0]  # the whole series, forecast one step at each time
    np.testing.assert_allclose(scored["forecast"], hand, rtol=1e-10)
    assert list(scored["month"][:2]) == ["2014-03-01", "2014-04-01"]
    # a month missing from the dates is a gap
    gappy = write_csv(tmp_path / "gap.csv", {"month": np.delete(months, 50), "sales": np.delete(y, 50)})
    assert "gap after" in error_line(capsys, "forecast", gappy, "--target", "sales", "--time", "month")


@pytest.mark.parametrize("suffix", [".xlsx", ".parquet"])
def test_excel_and_parquet_tables_are_read_like_csv(tmp_path, capsys, suffix):
    import pandas as pd

    y = np.round(seasonal_series(120), 4)
    frame = pd.DataFrame({"load": y})
    path = tmp_path / f"s{suffix}"
    frame.to_excel(path, index=False) if suffix == ".xlsx" else frame.to_parquet(path)
    write_csv(tmp_path / "s.csv", {"load": y})
    reports = []
    for table in (path, tmp_path / "s.csv"):
        code, out, err = run(capsys, "forecast", table, "--lags", "3", "--epochs", "30", "--json")
        assert code == 0, err
        reports.append(json.loads(out)["test"])
    assert reports[0] == reports[1]


@pytest.mark.parametrize("module", ["bpnn.forecast", "bpnn.forecast.windows"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
