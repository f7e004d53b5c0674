"""The table schema: dates, identifiers, many-category text, imputation that always holds,
small classes; each checked against pandas, scikit-learn or onnxruntime."""

import csv
import io

import numpy as np
import pandas as pd
import pytest

import bpnn
from bpnn.io.frames import read_frame
from bpnn.tables import train_table
from cli_helpers import error_line, run

PARTS = ["year", "month", "day", "weekday"]


def _rows(text: str):
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], rows[1:]


def train_cli(capsys, tmp_path, df: pd.DataFrame, target: str, *extra) -> str:
    """Write ``df`` to ``t.csv``, run ``bpnn train`` on it (model ``m.bpnn``) and return what it printed."""
    df.to_csv(tmp_path / "t.csv", index=False)
    code, out, err = run(capsys, "train", tmp_path / "t.csv", "--target", target, "-o", tmp_path / "m.bpnn", *extra)
    assert code == 0, err
    return out


def dated_table(n=80, seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    dates = pd.Timestamp("2007-11-11") + pd.to_timedelta(np.sort(rng.choice(900, n, replace=False)), unit="D")
    x = rng.normal(size=n)
    y = 0.01 * (dates - dates[0]).days.to_numpy() + x + rng.normal(scale=0.05, size=n)
    return pd.DataFrame({"Date": dates, "x": x.round(4), "y": y.round(4)})


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize("ext", ["csv", "xlsx", "parquet"])
def test_a_date_column_becomes_calendar_parts_in_every_format(capsys, tmp_path, ext):
    df = dated_table()
    path = tmp_path / f"d.{ext}"
    if ext == "csv":
        df.assign(Date=df["Date"].dt.strftime("%Y-%m-%d")).to_csv(path, index=False)
    elif ext == "xlsx":
        df.to_excel(path, index=False)
    else:
        df.to_parquet(path, index=False)
    code, out, err = run(capsys, "train", path, "--target", "y", "--epochs", "3", "-o", tmp_path / "m.bpnn")
    assert code == 0, err
    assert "date       Date: dates written ISO8601, as year, month, day, weekday" in out
    model = bpnn.load(tmp_path / "m.bpnn")
    assert model.encoder.encoded_names == ["Date.year", "Date.month", "Date.day", "Date.weekday", "x"]
    stamps = df["Date"].dt
    expected = np.column_stack([stamps.year, stamps.month, stamps.day, stamps.day_of_week, df["x"]])
    np.testing.assert_array_equal(model.encoder.transform(read_frame(path)), expected)
    # predict replays the stored format
    code, out, _ = run(capsys, "predict", tmp_path / "m.bpnn", path)
    assert code == 0 and len(out.splitlines()) == len(df) + 1


@pytest.mark.parametrize(
    ("cells", "fmt"),
    [
        (["11/28/2007", "01/02/2008", "12/31/2007"], "%m/%d/%Y"),  # month first
        (["28/11/2007", "02/01/2008", "31/12/2007"], "%d/%m/%Y"),  # a day above 12: day first
        (["28.11.2007 14:30", "02.01.2008 09:05", "31.12.2007 23:59"], "%d.%m.%Y %H:%M"),
        (["28-Nov-2007", "02-Jan-2008", "31-Dec-2007"], "%d-%b-%Y"),
    ],
)
def test_common_date_formats_are_read_as_pandas_reads_them(cells, fmt):
    from bpnn.io.dates import calendar_parts, date_format

    text = np.array(cells * 10, dtype=object)
    assert date_format(text) == fmt
    parts = ["year", "month", "day", "weekday", "hour"]
    got, unreadable = calendar_parts(text, fmt, parts)
    stamps = pd.to_datetime(pd.Series(cells * 10), format=fmt).dt
    np.testing.assert_array_equal(got, np.column_stack([stamps.year, stamps.month, stamps.day, stamps.day_of_week,
                                                        stamps.hour]))  # fmt: skip
    assert not unreadable.any()


def test_a_date_written_otherwise_at_predict_time_is_a_one_line_error(capsys, tmp_path):
    df = dated_table()
    df.assign(Date=df["Date"].dt.strftime("%Y-%m-%d")).to_csv(tmp_path / "d.csv", index=False)
    assert run(capsys, "train", tmp_path / "d.csv", "--target", "y", "--epochs", "2", "-o", tmp_path / "m.bpnn")[0] == 0
    (tmp_path / "new.csv").write_text("Date,x\n2008-01-05,0.5\n5 January 2008,0.1\n")
    message = error_line(capsys, "predict", tmp_path / "m.bpnn", tmp_path / "new.csv")
    assert "column 'Date' holds '5 January 2008', which is not a date written as the training rows were" in message


def test_a_stock_table_with_a_date_keeps_its_fit(capsys, tmp_path):
    """One-hot encoding a Date column gave one input per day and a poor fit; calendar parts
    keep the fit of the same table without the column."""
    rng = np.random.default_rng(7)
    n = 260
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.015, n)))
    open_ = close * np.exp(rng.normal(0, 0.006, n))
    high = np.maximum(open_, close) * 1.004
    low = np.minimum(open_, close) * 0.996
    dates = pd.bdate_range("2007-01-02", periods=n).strftime("%Y-%m-%d")
    pd.DataFrame({"Date": dates, "Open": open_, "High": high, "Low": low, "Close": close}).to_csv(
        tmp_path / "stock.csv", index=False
    )
    scores = {}
    for name, extra in (("with", ()), ("without", ("--ignore", "Date"))):
        code, _, err = run(capsys, "train", tmp_path / "stock.csv", "--target", "Close", "-o", tmp_path / "m.bpnn",
                           *extra)  # fmt: skip
        assert code == 0, err
        model = bpnn.load(tmp_path / "m.bpnn")
        scores[name] = model.metrics["test"]["r2"]["Close"]
    assert model.network.n_inputs == 3
    assert scores["with"] > 0.99 and scores["without"] > 0.99, scores


# --------------------------------------------------------------------------- identifiers


def test_identifier_columns_are_dropped_with_a_note_and_measurements_kept(capsys, tmp_path):
    rng = np.random.default_rng(1)
    n = 90
    x = rng.normal(size=n)  # all distinct, but a measurement
    df = pd.DataFrame(
        {
            "code": [f"N{i // 10 + 1}A{i % 10 + 1}" for i in range(n)],
            "row": np.arange(1, n + 1),
            "x": x.round(6),
            "y": (2 * x + 1).round(6),
        }
    )
    out = train_cli(capsys, tmp_path, df, "y", "--epochs", "3")
    assert "note     2 identifier columns dropped (one distinct value per row): 'code', 'row'" in out
    assert "identifier code: text with one distinct value per row (N1A1, N1A2, ...), dropped" in out
    assert "identifier row: whole numbers counting the rows (1, 2, ...), dropped" in out
    model = bpnn.load(tmp_path / "m.bpnn")
    assert model.feature_names == ["x"]
    # the schema is stored and shown by `bpnn info`; predict takes the file with the dropped columns
    code, out, _ = run(capsys, "info", tmp_path / "m.bpnn")
    assert "identifier code: text with one distinct value per row" in out
    assert run(capsys, "predict", tmp_path / "m.bpnn", tmp_path / "t.csv")[0] == 0
    # --role overrides the decision
    train_cli(capsys, tmp_path, df, "y", "--epochs", "3", "--role", "row=number")
    assert bpnn.load(tmp_path / "m.bpnn").feature_names == ["row", "x"]


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (("--role", "x"), "--role takes COL=ROLE with ROLE one of number, category, text, date, identifier, ignored"),
        (("--role", "code=number"), "--role code=number: the column holds text"),
        (("--role", "nope=number"), "nope"),
        (("--max-categories", "1"), "--max-categories must be a whole number of at least 2; got 1"),
    ],
)
def test_bad_schema_options_are_one_line_errors(capsys, tmp_path, option, message):
    pd.DataFrame({"code": list("abcdefghij") * 3, "x": range(30), "y": range(30)}).to_csv(
        tmp_path / "t.csv", index=False
    )
    assert message in error_line(capsys, "train", tmp_path / "t.csv", "--target", "y", *option,
                                 "-o", tmp_path / "m.bpnn")  # fmt: skip


# --------------------------------------------------------------------------- many categories


def test_a_300_category_column_keeps_the_most_frequent_as_scikit_learn_does(tmp_path):
    from sklearn.preprocessing import OneHotEncoder

    rng = np.random.default_rng(3)
    n = 1500
    weights = 1 / np.arange(1, 301)
    city = rng.choice([f"city{k:03d}" for k in range(300)], size=n, p=weights / weights.sum())
    x = rng.normal(size=n)
    pd.DataFrame({"city": city, "x": x, "y": x + (city < "city010")}).to_csv(tmp_path / "c.csv", index=False)
    frame = read_frame(tmp_path / "c.csv")
    run_ = train_table(frame, ["y"], epochs=3, solver="adam")
    (column,) = [c for c in run_.schema.columns if c.name == "city"]
    assert column.role == "text" and column.reason.startswith(f"{len(set(city))} categories, more than")
    encoded = run_.model.encoder.transform(frame)
    assert encoded.shape == (n, 21)  # 19 most frequent + infrequent, and x
    reference = OneHotEncoder(max_categories=20, handle_unknown="infrequent_if_exist", sparse_output=False)
    reference.fit(city[run_.rows["train"]].reshape(-1, 1))
    np.testing.assert_array_equal(encoded[:, :20], reference.transform(city.reshape(-1, 1)))
    # an unseen category is infrequent, not an error
    unseen = run_.model.encoder.transform({"city": np.array(["Atlantis"], dtype=object), "x": np.array([0.0])})
    assert unseen[0, 19] == 1 and unseen[0, :19].sum() == 0


def test_min_frequency_folds_rare_categories_as_scikit_learn_does(tmp_path):
    from sklearn.preprocessing import OneHotEncoder

    rng = np.random.default_rng(4)
    color = rng.choice(["red", "green", "blue", "cyan", "pink"], size=200, p=[0.4, 0.4, 0.16, 0.02, 0.02])
    x = rng.normal(size=200)
    pd.DataFrame({"color": color, "x": x, "y": x}).to_csv(tmp_path / "c.csv", index=False)
    frame = read_frame(tmp_path / "c.csv")
    run_ = train_table(frame, ["y"], epochs=2, min_frequency=5)
    reference = OneHotEncoder(min_frequency=5, handle_unknown="infrequent_if_exist", sparse_output=False)
    reference.fit(color[run_.rows["train"]].reshape(-1, 1))
    encoded = run_.model.encoder.transform(frame)
    np.testing.assert_array_equal(encoded[:, :-1], reference.transform(color.reshape(-1, 1)))


# --------------------------------------------------------------------------- imputation


def _gapless(tmp_path):
    rng = np.random.default_rng(5)
    n = 150
    df = pd.DataFrame(
        {
            "a": rng.normal(size=n).round(3),
            "b": rng.uniform(0, 10, size=n).round(3),
            "color": rng.choice(["red", "green", "blue"], size=n, p=[0.5, 0.3, 0.2]),
            "day": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 400, n), unit="D"),
        }
    )
    df["kind"] = np.where(df["a"] + (df["color"] == "red") > 0.5, "hi", "lo")
    df["day"] = df["day"].dt.strftime("%Y-%m-%d")
    df.to_csv(tmp_path / "t.csv", index=False)
    (tmp_path / "gaps.csv").write_text("a,b,color,day\n,,,\n0.5,,red,2020-03-01\n")
    return df


def test_impute_stores_a_fill_for_every_column_even_without_gaps(capsys, tmp_path):
    df = _gapless(tmp_path)
    run_ = train_table(read_frame(tmp_path / "t.csv"), ["kind"], impute="median", epochs=5)
    train = df.iloc[run_.rows["train"]]
    fills = {c["name"]: c["fill"] for c in run_.model.encoder.columns}
    assert fills["a"] == train["a"].median() and fills["b"] == train["b"].median()
    assert fills["color"] == train["color"].mode()[0]
    days = pd.to_datetime(train["day"]).dt
    assert fills["day"] == [days.year.median(), days.month.median(), days.day.median(), days.day_of_week.median()]
    # the command line: train without a gap, predict rows with gaps in every column
    code, _, err = run(capsys, "train", tmp_path / "t.csv", "--target", "kind", "--impute", "median",
                       "-o", tmp_path / "m.bpnn", "-q")  # fmt: skip
    assert code == 0, err
    model = bpnn.load(tmp_path / "m.bpnn")
    code, out, err = run(capsys, "predict", tmp_path / "m.bpnn", tmp_path / "gaps.csv", "--proba")
    assert code == 0, err
    header, rows = _rows(out)
    filled = {
        "a": np.array([fills["a"], 0.5]),
        "b": np.array([fills["b"], fills["b"]]),
        "color": np.array([fills["color"], "red"], dtype=object),
        "day": np.array([None, "2020-03-01"], dtype=object),
    }
    proba = model.predict_proba(filled)
    np.testing.assert_allclose(np.array([r[1:] for r in rows], dtype=float), proba, rtol=1e-12)


def test_onnx_never_returns_nan_for_a_row_predict_can_score(tmp_path):
    import onnxruntime as ort

    from bpnn.io.onnx import save_onnx

    _gapless(tmp_path)
    numeric = pd.read_csv(tmp_path / "t.csv")[["a", "b", "kind"]]
    numeric.to_csv(tmp_path / "n.csv", index=False)
    for source, columns in (("t.csv", ["a", "b", "color"]), ("n.csv", ["a", "b"])):
        frame = read_frame(tmp_path / source)
        model = train_table(frame, ["kind"], impute="mean", epochs=5, ignore=["day"] if source == "t.csv" else ())
        model = model.model
        save_onnx(model, tmp_path / "m.onnx", dtype="float64")
        session = ort.InferenceSession(str(tmp_path / "m.onnx"), providers=["CPUExecutionProvider"])
        gaps = {"a": np.array([np.nan]), "b": np.array([np.nan]), "color": np.array([None], dtype=object)}
        if "color" in columns:
            feeds = {c: (np.array([[""]], dtype=object) if c == "color" else np.array([[np.nan]])) for c in columns}
        else:
            feeds = {"input": np.array([[np.nan, np.nan]])}
        _, proba = session.run(None, feeds)
        assert np.isfinite(proba).all()
        expected = model.predict_proba({c: gaps[c] for c in columns})
        np.testing.assert_allclose(proba, expected, rtol=1e-12)


# --------------------------------------------------------------------------- classes


def test_a_one_row_class_is_named_in_a_warning(capsys, tmp_path):
    rng = np.random.default_rng(6)
    x = np.concatenate([rng.normal(0, 1, 40), rng.normal(5, 1, 40), [10.0]])
    label = ["low"] * 40 + ["high"] * 40 + ["rare"]
    out = train_cli(capsys, tmp_path, pd.DataFrame({"x": x.round(4), "label": label}), "label", "--epochs", "5")
    assert "warning  class 'rare' (1 row) has fewer rows than the 3 the split needs (one per split)" in out
    assert "warning  the test split lacks class 'rare': its scores say nothing about it" in out
    run_ = train_table(read_frame(tmp_path / "t.csv"), ["label"], epochs=2)
    assert "rare" not in np.asarray(label)[run_.rows["test"]] and "rare" in np.asarray(label)[run_.rows["train"]]


def test_onnx_replays_the_infrequent_category_and_refuses_dates(tmp_path):
    import onnxruntime as ort

    from bpnn.io.onnx import save_onnx

    rng = np.random.default_rng(8)
    n = 400
    city = rng.choice([f"c{k:02d}" for k in range(40)], size=n)
    x = rng.normal(size=n)
    pd.DataFrame({"city": city, "x": x, "y": np.where(x > 0, "up", "down")}).to_csv(tmp_path / "c.csv", index=False)
    model = train_table(read_frame(tmp_path / "c.csv"), ["y"], epochs=3, max_categories=5).model
    save_onnx(model, tmp_path / "m.onnx", dtype="float64")
    session = ort.InferenceSession(str(tmp_path / "m.onnx"), providers=["CPUExecutionProvider"])
    cells = np.array(["c00", "c01", "c39", "never seen"], dtype=object)
    xs = np.array([0.1, -0.2, 0.3, 1.0])
    _, proba = session.run(None, {"city": cells.reshape(-1, 1), "x": xs.reshape(-1, 1)})
    np.testing.assert_allclose(proba, model.predict_proba({"city": cells, "x": xs}), rtol=1e-12)


@pytest.mark.parametrize(
    ("fmt", "timed"),
    [("%Y-%m-%d", False), ("%Y-%m-%dT%H:%M:%S", True), ("%Y-%m-%d %H:%M", True), ("%m/%d/%Y", False),
     ("%d/%m/%Y %H:%M", True), ("%d.%m.%Y", False)],
)  # fmt: skip
def test_onnx_reads_dates_as_bpnn_predict_does(tmp_path, fmt, timed):
    import onnxruntime as ort

    from bpnn.io.onnx import save_onnx

    df = dated_table(n=120)
    rng = np.random.default_rng(2)
    stamps = df["Date"] + pd.to_timedelta(rng.integers(0, 24 * 60, len(df)) if timed else 0, unit="min")
    df["Date"] = stamps.dt.strftime(fmt)
    df.to_csv(tmp_path / "d.csv", index=False)
    model = train_table(read_frame(tmp_path / "d.csv"), ["y"], epochs=3, impute="median").model
    save_onnx(model, tmp_path / "d.onnx", dtype="float64")
    session = ort.InferenceSession(str(tmp_path / "d.onnx"), providers=["CPUExecutionProvider"])
    cells = np.append(df["Date"].to_numpy(dtype=object), "")  # and a gap
    xs = np.append(df["x"].to_numpy(), np.nan)
    (prediction,) = session.run(None, {"Date": cells.reshape(-1, 1), "x": xs.reshape(-1, 1)})
    expected = model.predict({"Date": np.where(cells == "", None, cells), "x": xs})
    np.testing.assert_allclose(prediction, expected, rtol=1e-12)


def test_onnx_refuses_dates_with_month_names(tmp_path):
    from bpnn.io.onnx import save_onnx

    df = dated_table()
    df["Date"] = df["Date"].dt.strftime("%d-%b-%Y")
    df.to_csv(tmp_path / "d.csv", index=False)
    dated = train_table(read_frame(tmp_path / "d.csv"), ["y"], epochs=2).model
    with pytest.raises(ValueError, match="the column 'Date' holds dates written %d-%b-%Y, which the graph cannot"):
        save_onnx(dated, tmp_path / "d.onnx")


# --------------------------------------------------------------------------- defaults


def test_a_wide_table_trains_with_adam_and_says_why_it_may_not_generalize(capsys, tmp_path):
    rng = np.random.default_rng(9)
    X = rng.normal(size=(60, 300))
    df = pd.DataFrame(X, columns=[f"x{j}" for j in range(300)]).assign(y=X[:, 0] + 0.1 * rng.normal(size=60))
    out = train_cli(capsys, tmp_path, df, "y", "--epochs", "5")
    assert "solver adam, loss mse" in out
    assert "note     solver adam: the network has 3,021 weights, more than the 2,000 up to which br is" in out
    assert "warning  300 inputs and 42 training rows: with more inputs than rows a network can fit" in out


def test_defaults_br_for_regression_and_a_refit_for_classification(tmp_path):
    from bpnn.tables.workflow import make_network, split_indices
    from bpnn.training.optimizers import get_optimizer

    rng = np.random.default_rng(10)
    x = rng.normal(size=(120, 2))
    df = pd.DataFrame(x, columns=["a", "b"]).assign(label=np.where(x[:, 0] + x[:, 1] > 0, "yes", "no"))
    df.to_csv(tmp_path / "c.csv", index=False)
    run_ = train_table(read_frame(tmp_path / "c.csv"), ["label"], epochs=40)
    assert run_.model.settings["solver"] == "adam" and "refitted on train + validation rows" in run_.stop
    # the kept network is a fresh one trained for the chosen epochs on the train and validation rows
    parts = split_indices(120, (0.7, 0.15, 0.15), 0, labels=df["label"].to_numpy())
    both = np.concatenate([parts["train"], parts["validation"]])
    model = run_.model
    Z = model.x_scaler.transform(x)
    T = (df["label"].to_numpy()[:, None] == model.classes[None, :]).astype(float)
    twin = make_network(2, (10,), 2, "classification", "tanh", "adam", 0)
    twin.fit(Z[both], T[both], epochs=run_.best_epoch, batch_size=32, seed=0, optimizer=get_optimizer("adam"),
             fast=False)  # fmt: skip
    for p, q in zip(model.network.params, twin.params):
        np.testing.assert_array_equal(p, q)
    df.assign(label=x[:, 0] * 2).to_csv(tmp_path / "r.csv", index=False)
    run_ = train_table(read_frame(tmp_path / "r.csv"), ["label"], epochs=5)
    assert run_.model.settings["solver"] == "br" and "refitted" not in run_.stop


def test_info_names_thirty_fill_values_in_one_line(tmp_path):
    rng = np.random.default_rng(11)
    df = pd.DataFrame(rng.normal(size=(40, 30)).round(3), columns=[f"c{j}" for j in range(30)])
    df.assign(y=df.sum(axis=1)).to_csv(tmp_path / "t.csv", index=False)
    run_ = train_table(read_frame(tmp_path / "t.csv"), ["y"], impute="mean", epochs=2)
    lines = run_.model.encoder.describe()
    train = df.iloc[run_.rows["train"]]
    assert lines[0] == "missing numbers -> " + ", ".join(f"c{j} {float(train[f'c{j}'].mean())!r}" for j in range(6)) + (
        " and 24 more"
    )
    assert lines[1:] == ["imputation mean (training rows)"]
