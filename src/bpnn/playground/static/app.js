// bpnn playground: the page. Every number comes from the server, which trains a bpnn Network;
// this file only draws and sends what the user changes. No build step, no libraries.
"use strict";

const T = {
  en: {
    title: "bpnn playground", subtitle: "a network trained by bpnn, every number one click away",
    preset: "Preset", choose: "choose…", export: "Export", export_model: "model (.bpnn)",
    export_predict: "NumPy predict()", export_script: "Python script of this run", epoch: "Epoch",
    optimizer: "Optimizer", learning_rate: "Learning rate", activation: "Activation",
    regularization: "Regularization", reg_rate: "Regularization rate", problem: "Problem type", data: "Data",
    dataset: "Dataset", train_ratio: "Ratio of training data", noise: "Noise", batch_size: "Batch size",
    points: "Points", regenerate: "Regenerate", your_data: "Your data (CSV)", target: "target",
    use_columns: "Use these columns", features: "Features", hidden_layers: "hidden layers",
    click_hint: "Click a neuron or a weight to see its numbers, a weight or a bias square (a neuron's corner) to edit "
      + "it; in a wide layer, click a neuron first to bring out its weights. Click a feature to switch it on or off.",
    output: "Output", test_loss: "Test loss", train_loss: "Training loss", show_test: "Show test data",
    discretize: "Discretize output", explain_title: "One step, written out", sample: "training sample",
    full_trace: "The whole step (bpnn explain)", neurons: "neurons", neuron: "neuron", weight: "weight",
    layer: "layer", full_batch: "whole training set (this optimizer)",
    note: "The update shown is plain gradient descent with the learning rate η (as bpnn explain writes it); "
      + "'last epoch's change' is what the optimizer actually did to it in the last epoch.",
    v_z: "z (weighted sum)", v_a: "a (activation)", v_delta: "δ = ∂L/∂z", v_gradient: "gradient ∂L/∂",
    v_update: "update −η·gradient", v_new: "after the update", v_last_change: "last epoch's change",
    v_input: "input a from below", v_weight: "weight w", v_bias: "bias b",
    classification: "classification", regression: "regression", none: "none",
    ds_circle: "circle", ds_xor: "XOR", ds_gauss: "Gaussian", ds_spiral: "spiral",
    ds_moons: "two moons (seed 004)", ds_xor4: "XOR, 4 points (seed 000)", ds_plane: "plane",
    ds_multigauss: "multi-Gaussian", ds_sine: "sine curve (seed 004')", ds_upload: "your CSV file",
    rule_title: "The optimizer's learning rule", class0: "class 0", class1: "class 1", axes: "x1 from {a} to {b}, x2 from {c} to {d}",
    scaled: " (the uploaded columns scaled to [−1, 1])", bias: "bias",
    ds_spiral3: "three spirals", ds_blobs4: "four blobs", classes: "Classes", class_k: "class {k}",
    choose_file: "Choose a CSV file…", no_file: "no file chosen", test_accuracy: "Test accuracy",
    train_accuracy: "Training accuracy", layer_activation: "activation of layer {l}", dropout: "dropout",
    dropout_of: "dropout after layer {l}", v_target: "target y_j (one-hot)", v_dropout: "dropout rate p",
    dropout_note: "Dropout p = {p} after layer {l}: while training, each output of this layer is set to 0 with "
      + "probability p and the others are multiplied by 1/(1 − p). At test time (the pictures, the losses and the "
      + "step written out here) nothing is dropped.",
    edit_value: "new value, then Enter", target_class: "class",
  },
  zh: {
    title: "bpnn 演练场", subtitle: "由 bpnn 训练的网络，每个数字一点即见",
    preset: "预设", choose: "选择…", export: "导出", export_model: "模型 (.bpnn)",
    export_predict: "NumPy predict()", export_script: "重现本次训练的 Python 脚本", epoch: "轮次",
    optimizer: "优化器", learning_rate: "学习率", activation: "激活函数", regularization: "正则化",
    reg_rate: "正则化率", problem: "问题类型", data: "数据", dataset: "数据集", train_ratio: "训练数据比例",
    noise: "噪声", batch_size: "批大小", points: "点数", regenerate: "重新生成", your_data: "你的数据 (CSV)",
    target: "目标", use_columns: "使用这些列", features: "特征", hidden_layers: "个隐藏层",
    click_hint: "点击神经元或权重查看它的数值，点击权重或偏置方块（神经元的角上）可修改它；在很宽的层中，先点击神经元以显出它的权重。点击特征可开关它。",
    output: "输出", test_loss: "测试损失", train_loss: "训练损失", show_test: "显示测试数据",
    discretize: "离散化输出", explain_title: "一步训练的全部数字", sample: "训练样本",
    full_trace: "整个步骤 (bpnn explain)", neurons: "个神经元", neuron: "神经元", weight: "权重",
    layer: "层", full_batch: "整个训练集（此优化器）",
    note: "所示更新为学习率 η 的普通梯度下降（与 bpnn explain 相同）；“上一轮的变化”是优化器在上一轮实际做出的改变。",
    v_z: "z（加权和）", v_a: "a（激活值）", v_delta: "δ = ∂L/∂z", v_gradient: "梯度 ∂L/∂",
    v_update: "更新 −η·梯度", v_new: "更新后", v_last_change: "上一轮的变化",
    v_input: "来自下层的输入 a", v_weight: "权重 w", v_bias: "偏置 b",
    classification: "分类", regression: "回归", none: "无",
    ds_circle: "圆", ds_xor: "异或", ds_gauss: "高斯", ds_spiral: "螺旋", ds_moons: "双月 (种子 004)",
    ds_xor4: "异或，4 个点 (种子 000)", ds_plane: "平面", ds_multigauss: "多高斯", ds_sine: "正弦曲线 (种子 004')",
    ds_upload: "你的 CSV 文件", rule_title: "优化器的学习规则", class0: "类别 0", class1: "类别 1", axes: "x1 从 {a} 到 {b}，x2 从 {c} 到 {d}",
    scaled: "（上传的列缩放到 [−1, 1]）", bias: "偏置",
    ds_spiral3: "三螺旋", ds_blobs4: "四团", classes: "类别数", class_k: "类别 {k}",
    choose_file: "选择 CSV 文件…", no_file: "未选择文件", test_accuracy: "测试准确率",
    train_accuracy: "训练准确率", layer_activation: "第 {l} 层的激活函数", dropout: "丢弃",
    dropout_of: "第 {l} 层之后的丢弃率", v_target: "目标 y_j（独热）", v_dropout: "丢弃率 p",
    dropout_note: "第 {l} 层之后的丢弃率 p = {p}：训练时，该层的每个输出以概率 p 置为 0，其余乘以 1/(1 − p)。"
      + "测试时（图像、损失和这里写出的一步）不丢弃任何输出。",
    edit_value: "输入新值后按回车", target_class: "类别",
  },
};

const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const REG_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const DROPOUT_RATES = [0, 0.1, 0.2, 0.3, 0.5];
const COMPACT = 12;
// TensorFlow Playground's names of the features, for its links' NAME_hide flags (e.g. xTimesY_hide)
const TF_FEATURES = { x1: "x", x2: "y", x1sq: "xSquared", x2sq: "ySquared", x1x2: "xTimesY", sinx1: "sinX",
  sinx2: "sinY", cosx1: "cosX", cosx2: "cosY" };  // a layer with more neurons is drawn compact: small pictures in several columns

const $ = (id) => document.getElementById(id);
const st = {
  ws: null, session: null, catalog: null, settings: null, state: null, frame: null, curve: [],
  lang: "en", showTest: false, discretize: false, playing: false, selected: null, urlSettings: {},
  flags: {},  // the embedding flags of the link (hideText, *_hide), kept in the URL as they came
};

function tr(key) { return (T[st.lang] && T[st.lang][key]) || T.en[key] || key; }

// -- URL state ---------------------------------------------------------------------------------
function readUrl() {
  const params = new URLSearchParams(location.hash.slice(1));
  const settings = {};
  st.flags = {};
  for (const [k, v] of params) {
    if (k === "lang") st.lang = v === "zh" ? "zh" : "en";
    else if (k === "showtest") st.showTest = v === "1";
    else if (k === "disc") st.discretize = v === "1";
    else if (k === "hideText" || k.endsWith("_hide")) st.flags[k] = v;
    else if (k === "initZero") settings.init = v === "true" || v === "1" ? "zero" : "random";
    else if (["features", "hidden", "acts", "dropout"].includes(k)) settings[k] = v === "" ? [] : v.split(",");
    else settings[k] = v;
  }
  return settings;
}

// The embedding flags TensorFlow Playground's links use: hideText hides the explanations, NAME_hide
// hides a control or a panel (TensorFlow Playground's names, e.g. learningRate_hide, or this page's
// data-testid names, e.g. learning-rate_hide; data, network, output and explain for whole panels).
function flagOn(k) { return st.flags[k] === "true" || st.flags[k] === "1"; }
function applyFlags() {
  document.querySelectorAll("[data-ui]").forEach((el) => {
    el.classList.toggle("ui-hidden", el.dataset.ui.split(" ").some((name) => flagOn(name + "_hide")));
  });
  document.querySelectorAll(".text").forEach((el) => el.classList.toggle("ui-hidden", flagOn("hideText")));
}

function writeUrl() {
  if (!st.settings) return;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(st.settings)) {
    if (st.settings.dataset !== "upload" && ["ux", "uy", "ut"].includes(k)) continue;
    params.set(k, Array.isArray(v) ? v.join(",") : String(v));
  }
  params.set("lang", st.lang);
  params.set("showtest", st.showTest ? "1" : "0");
  params.set("disc", st.discretize ? "1" : "0");
  for (const [k, v] of Object.entries(st.flags)) params.set(k, v);
  history.replaceState(null, "", "#" + params.toString());
}

// -- talking to the server ----------------------------------------------------------------------
// the token of the link bpnn playground printed (when it asks for one), sent with every request
const TOKEN = new URLSearchParams(location.search).get("token");
function withToken(path) { return TOKEN ? `${path}${path.includes("?") ? "&" : "?"}token=${encodeURIComponent(TOKEN)}` : path; }

function send(msg) { if (st.ws && st.ws.readyState === 1) st.ws.send(JSON.stringify(msg)); }

function change(settings) {
  hideError();
  send({ type: "settings", settings });
}

function connect() {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  st.ws = new WebSocket(`${proto}//${location.host}${withToken("/ws")}`);
  st.ws.onmessage = (ev) => {
    const msg = JSON.parse(ev.data);
    if (msg.type === "hello") {
      st.session = msg.session; st.catalog = msg.catalog;
      fillControls();
      change(st.urlSettings);
    } else if (msg.type === "state") onState(msg);
    else if (msg.type === "frame") onFrame(msg);
    else if (msg.type === "playing") setPlaying(msg.playing);
    else if (msg.type === "explain") onExplain(msg);
    else if (msg.type === "error") showError(msg.message);
  };
  // the server's own reason (too many tabs, a refused link) stays in view; otherwise say what happened
  st.ws.onclose = () => { if ($("error").hidden) showError("The connection to the playground server was closed; reload the page."); };
}

function showError(text) { const e = $("error"); e.textContent = text; e.hidden = false; }
function hideError() { $("error").hidden = true; }

// -- controls ------------------------------------------------------------------------------------
function option(select, value, label) {
  const o = document.createElement("option"); o.value = value; o.textContent = label; select.appendChild(o);
}

function fillControls() {
  const c = st.catalog;
  $("optimizer").innerHTML = ""; c.optimizers.forEach((o) => option($("optimizer"), o, o));
  $("learning-rate").innerHTML = ""; LEARNING_RATES.forEach((v) => option($("learning-rate"), String(v), String(v)));
  $("reg-rate").innerHTML = ""; REG_RATES.forEach((v) => option($("reg-rate"), String(v), String(v)));
  $("activation").innerHTML = "";
  c.activations.forEach((a) => option($("activation"), a, a === "identity" ? "linear" : a));
  fillTranslated();
  const preset = $("preset");
  while (preset.options.length > 1) preset.remove(1);
  Object.keys(c.presets).forEach((name) => option(preset, name, name));
}

function fillTranslated() {
  const c = st.catalog;
  document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = tr(el.dataset.i18n); });
  $("lang").textContent = st.lang === "en" ? "中文" : "English";
  document.documentElement.lang = st.lang === "en" ? "en" : "zh-CN";
  if (!c) return;
  const keep = (id) => $(id).value;
  const reg = keep("regularization"), prob = keep("problem"), ds = keep("dataset");
  $("regularization").innerHTML = "";
  [["none", tr("none")], ["l1", "L1"], ["l2", "L2"]].forEach(([v, l]) => option($("regularization"), v, l));
  $("problem").innerHTML = "";
  ["classification", "regression"].forEach((p) => option($("problem"), p, tr(p)));
  $("dataset").innerHTML = "";
  Object.keys(c.datasets).forEach((d) => option($("dataset"), d, tr("ds_" + d)));
  option($("dataset"), "upload", tr("ds_upload"));
  applyFlags();
  if (reg) $("regularization").value = reg;
  if (prob) $("problem").value = prob;
  if (ds) $("dataset").value = ds;
}

function bindControls() {
  document.querySelectorAll("[data-key]").forEach((el) => {
    el.addEventListener("change", () => {
      const key = el.dataset.key;
      const settings = { [key]: el.value };
      if (key === "dataset" && el.value !== "upload") settings.problem = st.catalog.datasets[el.value];
      if (key === "problem") {
        // switch to the first dataset of that kind, as TensorFlow Playground does
        const first = Object.keys(st.catalog.datasets).find((d) => st.catalog.datasets[d] === el.value);
        if (st.settings.dataset !== "upload") settings.dataset = first;
      }
      change(settings);
    });
  });
  ["train", "noise", "batch"].forEach((id) => $(id).addEventListener("input", () => { $(id + "-value").textContent = $(id).value; }));
  $("play").onclick = () => send({ type: st.playing ? "pause" : "play" });
  $("step").onclick = () => { hideError(); send({ type: "step" }); };
  $("reset").onclick = () => { hideError(); send({ type: "reset" }); };
  $("regenerate").onclick = () => send({ type: "regenerate" });
  $("add-layer").onclick = () => {
    const hidden = st.settings.hidden.slice();
    hidden.push(hidden.length ? hidden[hidden.length - 1] : 2);
    change({ hidden });
  };
  $("remove-layer").onclick = () => change({ hidden: st.settings.hidden.slice(0, -1) });
  $("lang").onclick = () => {
    st.lang = st.lang === "en" ? "zh" : "en"; fillTranslated(); writeUrl();
    if (st.state) { syncControls(); drawLegend(); buildNetwork(); }
  };
  $("show-test").onchange = () => { st.showTest = $("show-test").checked; writeUrl(); drawBoundary(); };
  $("discretize").onchange = () => { st.discretize = $("discretize").checked; writeUrl(); drawBoundary(); };
  $("preset").onchange = () => {
    const p = st.catalog.presets[$("preset").value];
    if (p) change(p);
  };
  $("export").onclick = () => {
    const menu = $("export-menu");
    for (const kind of ["model", "predict", "script"]) $("export-" + kind).href = withToken(`/export/${kind}?session=${st.session}`);
    menu.hidden = !menu.hidden;
  };
  document.querySelectorAll(".menu-items a").forEach((a) => a.addEventListener("click", () => { $("export-menu").hidden = true; }));
  $("upload").onchange = () => {
    const file = $("upload").files[0], name = $("upload-file");
    if (file) { name.removeAttribute("data-i18n"); name.textContent = file.name; }
    upload();
  };
  $("upload-use").onclick = () => change({
    dataset: "upload", ux: $("upload-x").value, uy: $("upload-y").value, ut: $("upload-target").value,
    problem: $("problem").value,
  });
  $("explain-close").onclick = () => { $("explain").hidden = true; st.selected = null; markSelected(); hideEditor(); };
  $("weight-value").addEventListener("change", sendEdit);
  $("weight-value").addEventListener("keydown", (ev) => { if (ev.key === "Escape") hideEditor(); });
  $("editor-close").onclick = hideEditor;
  $("explain-sample").onchange = () => { if (st.selected) explain(st.selected); };
}

async function upload() {
  const file = $("upload").files[0];
  if (!file) return;
  hideError();
  const body = new FormData(); body.append("file", file);
  let resp, info;
  try {
    resp = await fetch(withToken(`/upload?session=${st.session}`), { method: "POST", body });
    info = await resp.json();
  } catch (e) {  // not the server's JSON (a proxy's page, a lost connection): still say so
    showError(`upload: ${resp ? `${resp.status} ${resp.statusText}` : e}`); return;
  }
  if (!resp.ok) { showError(info.message); return; }
  showUploadColumns(info);
}

function showUploadColumns(info) {
  $("upload-columns").hidden = false;
  $("upload-name").textContent = `${info.name}: ${info.rows} rows`;
  // the columns the table schema dropped (identifiers, constants), each with its reason
  const notes = $("upload-notes"); notes.innerHTML = "";
  (info.notes || []).forEach((n) => { const li = document.createElement("li"); li.textContent = n; notes.appendChild(li); });
  notes.hidden = !(info.notes || []).length;
  ["upload-x", "upload-y", "upload-target"].forEach((id, k) => {
    const sel = $(id); sel.innerHTML = "";
    info.columns.forEach((c) => option(sel, c, c));
    sel.value = info.columns[Math.min(k, info.columns.length - 1)];
  });
  if (st.settings && st.settings.dataset === "upload") {
    $("upload-x").value = st.settings.ux; $("upload-y").value = st.settings.uy; $("upload-target").value = st.settings.ut;
  }
}

function syncControls() {
  const s = st.settings;
  $("optimizer").value = s.optimizer; $("learning-rate").value = String(s.lr);
  if ($("learning-rate").value !== String(s.lr)) { option($("learning-rate"), String(s.lr), String(s.lr)); $("learning-rate").value = String(s.lr); }
  $("activation").value = s.activation; $("regularization").value = s.reg;
  $("reg-rate").value = String(s.rate);
  if ($("reg-rate").value !== String(s.rate)) { option($("reg-rate"), String(s.rate), String(s.rate)); $("reg-rate").value = String(s.rate); }
  $("problem").value = s.problem; $("dataset").value = s.dataset;
  $("train").value = s.train; $("train-value").textContent = s.train;
  $("noise").value = s.noise; $("noise-value").textContent = s.noise;
  $("batch").value = s.batch; $("batch-value").textContent = st.state.full_batch ? tr("full_batch") : s.batch;
  $("batch").disabled = st.state.full_batch;
  $("points").value = s.points;
  $("show-test").checked = st.showTest; $("discretize").checked = st.discretize;
  $("layer-count").textContent = s.hidden.length;
  const classes = st.state.classes;
  $("classes").textContent = classes;
  $("classes").parentElement.hidden = !classes;
  document.querySelector(".losses").classList.toggle("classify", classes > 0);
}

// -- messages from the server -----------------------------------------------------------------
function drawLegend() {
  const cls = st.settings.problem === "classification", many = st.state.classes > 2;
  $("legend-low").textContent = cls ? tr("class0") : "−1";
  $("legend-high").textContent = cls ? tr("class1") : "1";
  document.querySelector('[data-testid="legend"]').hidden = many;
  const classes = $("classes-legend");
  classes.hidden = !many; classes.innerHTML = "";
  for (let k = 0; many && k < st.state.classes; k++) {
    const item = document.createElement("span"), sw = document.createElement("i");
    sw.style.background = rgb(CLASS_COLOURS[k]);
    item.append(sw, tr("class_k").replace("{k}", k));
    classes.appendChild(item);
  }
  const [a, b, c, d] = st.state.extent.map((v) => +v.toFixed(2));
  $("axes").textContent = tr("axes").replace("{a}", a).replace("{b}", b).replace("{c}", c).replace("{d}", d)
    + (st.settings.dataset === "upload" ? tr("scaled") : "");
}

function onState(msg) {
  st.state = msg; st.settings = msg.settings; st.frame = null;  // a frame of the old network no longer fits
  drawLegend();
  st.curve = msg.history.map((h) => [h[1], h[2]]);
  if (msg.upload) showUploadColumns(msg.upload);
  syncControls(); writeUrl(); buildNetwork();
  if (st.selected) { $("explain").hidden = true; st.selected = null; }
}

let drawPending = false;
window.bpnnPictures = 0;  // pictures drawn so far (benchmarks/playground_fps.py reads it)

function percent(v) { return v == null || !Number.isFinite(v) ? "–" : (100 * v).toFixed(1) + "%"; }

function onFrame(msg) {
  st.frame = msg;
  // one point per epoch; a frame of an epoch already drawn (after an edited weight) replaces its point
  if (msg.epoch < st.curve.length) st.curve.length = msg.epoch;
  st.curve.push([msg.train_loss, msg.test_loss]);
  // Ask for the next epoch at once, so the server trains while this one is drawn; the picture is
  // drawn at the screen's next refresh from the newest frame (older ones are skipped if the page lags).
  send({ type: "drawn" });
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(() => {
    drawPending = false;
    const f = st.frame;
    if (!f) return;
    $("epoch").textContent = String(f.epoch).padStart(6, "0");
    $("train-loss").textContent = fmt(f.train_loss);
    $("test-loss").textContent = fmt(f.test_loss);
    $("train-accuracy").textContent = percent(f.accuracy && f.accuracy[0]);
    $("test-accuracy").textContent = percent(f.accuracy && f.accuracy[1]);
    drawBoundary(); drawCurve(); drawNeurons(); drawLinks();
    window.bpnnPictures += 1;
    if (f.message) showError(f.message);
    if (st.selected && !st.playing) explain(st.selected);
  });
}

function setPlaying(on) {
  st.playing = on;
  $("play").textContent = on ? "❚❚" : "▶";
  $("play").classList.toggle("on", on);
}

function number(v) { // six significant digits, small numbers as 1.23456e-7
  return v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential(5) : v.toPrecision(6);
}

function fmt(v) { // a loss: three decimals, or three digits once it is below 0.001
  if (!Number.isFinite(v)) return "–";
  return v !== 0 && Math.abs(v) < 0.001 ? v.toExponential(2) : v.toFixed(3);
}

function floats(b64) {
  const bin = atob(b64); const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}

// -- colours: orange for 0 (or -1), white in the middle, blue for 1 ---------------------------------
const ORANGE = [245, 147, 34], BLUE = [8, 119, 189], WHITE = [232, 234, 235];
// one colour per class: classes 0 and 1 keep the two-class colours
const CLASS_COLOURS = [ORANGE, BLUE, [46, 160, 67], [142, 68, 173]];
function mix(a, b, u) { return [a[0] + (b[0] - a[0]) * u, a[1] + (b[1] - a[1]) * u, a[2] + (b[2] - a[2]) * u]; }
function rgb(c) { return `rgb(${c.map(Math.round).join(",")})`; }
function colour(t) { // t in [0, 1]
  t = Math.max(0, Math.min(1, t));
  return t < 0.5 ? mix(ORANGE, WHITE, t * 2) : mix(WHITE, BLUE, (t - 0.5) * 2);
}
// a cell of a K-class surface (its K probabilities from offset i): the likeliest class's colour,
// paler the less sure the network is (white where all K are equal)
function classColour(p, i, K) {
  let best = 0;
  for (let k = 1; k < K; k++) if (p[i + k] > p[i + best]) best = k;
  const sure = st.discretize ? 1 : (p[i + best] - 1 / K) / (1 - 1 / K);
  return mix(WHITE, CLASS_COLOURS[best], Math.max(0, Math.min(1, sure)));
}
function outputToUnit(v) {
  const cls = st.settings.problem === "classification";
  if (st.discretize) return cls ? (v >= 0.5 ? 1 : 0) : (v >= 0 ? 1 : 0);
  return cls ? v : (v + 1) / 2;
}

// paint an n x n picture: map(value) gives t for colour(t), or rgbAt(i) gives the colour of cell i
function paint(canvas, values, n, map, rgbAt) {
  const ctx = canvas.getContext("2d");
  const img = ctx.createImageData(n, n);
  for (let i = 0; i < n * n; i++) {
    const [r, g, b] = rgbAt ? rgbAt(i) : colour(map(values[i]));
    img.data[4 * i] = r; img.data[4 * i + 1] = g; img.data[4 * i + 2] = b; img.data[4 * i + 3] = 255;
  }
  if (!canvas.off || canvas.off.width !== n) { canvas.off = document.createElement("canvas"); canvas.off.width = canvas.off.height = n; }
  const off = canvas.off;
  off.getContext("2d").putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(off, 0, 0, canvas.width, canvas.height);
}

function drawBoundary() {
  if (!st.frame || !st.state) return;
  const canvas = $("boundary"), ctx = canvas.getContext("2d"), K = st.state.classes;
  const out = floats(st.frame.output);
  if (K > 2) paint(canvas, out, st.state.grid, null, (i) => classColour(out, i * K, K));
  else paint(canvas, out, st.state.grid, outputToUnit);
  const [xmin, xmax, ymin, ymax] = st.state.extent;
  const W = canvas.width, H = canvas.height;
  const cls = st.settings.problem === "classification";
  const dot = (p, v, stroke) => {
    const x = (p[0] - xmin) / (xmax - xmin) * W, y = (ymax - p[1]) / (ymax - ymin) * H;
    const [r, g, b] = K > 2 ? CLASS_COLOURS[v] : colour(cls ? v : (v + 1) / 2);
    ctx.beginPath(); ctx.arc(x, y, 3.5, 0, 2 * Math.PI);
    ctx.fillStyle = `rgb(${r},${g},${b})`; ctx.fill();
    ctx.lineWidth = 0.8; ctx.strokeStyle = stroke; ctx.stroke();
  };
  const tr = st.state.train; tr.x.forEach((p, i) => dot(p, tr.y[i], "#fff"));
  if (st.showTest) { const te = st.state.test; te.x.forEach((p, i) => dot(p, te.y[i], "#000")); }
}

function drawCurve() {
  const canvas = $("loss-curve"), ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const pts = st.curve.filter((c) => Number.isFinite(c[0]) && Number.isFinite(c[1]));
  if (pts.length < 2) return;
  const max = Math.max(...pts.map((c) => Math.max(c[0], c[1]))) || 1;
  const W = canvas.width, H = canvas.height;
  [[1, "#333"], [0, "#999"]].forEach(([k, col]) => {
    ctx.beginPath(); ctx.strokeStyle = col; ctx.lineWidth = 1.5;
    pts.forEach((c, i) => {
      const x = i / (pts.length - 1) * W, y = H - c[k] / max * (H - 4) - 2;
      if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
    });
    ctx.stroke();
  });
}

// -- the network -----------------------------------------------------------------------------
const NODE = 40, SMALL = 18, TOP = 96;
let layout = null;

function layerControls(net, c, n, x) {
  const s = st.settings;
  const ctl = document.createElement("div"); ctl.className = "layer-ctl";
  ctl.style.left = (x - 45) + "px"; ctl.style.top = "0px"; ctl.style.width = "90px";
  const plus = document.createElement("button"); plus.textContent = "+"; plus.setAttribute("data-testid", `add-neuron-${c}`);
  const minus = document.createElement("button"); minus.textContent = "−"; minus.setAttribute("data-testid", `remove-neuron-${c}`);
  plus.onclick = () => { const h = s.hidden.slice(); h[c - 1] += 1; change({ hidden: h }); };
  minus.onclick = () => { const h = s.hidden.slice(); if (h[c - 1] > 1) { h[c - 1] -= 1; change({ hidden: h }); } };
  // this layer's activation (the names come from the server's catalogue) and its dropout rate
  const act = document.createElement("select");
  act.setAttribute("data-testid", "layer-activation"); act.dataset.layer = c;
  act.title = tr("layer_activation").replace("{l}", c);
  st.catalog.activations.forEach((a) => option(act, a, a === "identity" ? "linear" : a));
  act.value = s.acts[c - 1];
  act.onchange = () => { const acts = s.acts.slice(); acts[c - 1] = act.value; change({ acts }); };
  const drop = document.createElement("select");
  drop.setAttribute("data-testid", "dropout"); drop.dataset.layer = c;
  drop.title = tr("dropout_of").replace("{l}", c);
  const rates = DROPOUT_RATES.includes(s.dropout[c - 1]) ? DROPOUT_RATES : [...DROPOUT_RATES, s.dropout[c - 1]];
  rates.forEach((r) => option(drop, String(r), r ? `${tr("dropout")} ${r}` : `${tr("dropout")} 0`));
  drop.value = String(s.dropout[c - 1]);
  drop.onchange = () => { const dropout = s.dropout.slice(); dropout[c - 1] = Number(drop.value); change({ dropout }); };
  ctl.append(plus, " ", minus, document.createElement("br"), `${n} ${tr("neurons")}`, document.createElement("br"), act,
    document.createElement("br"), drop);
  net.appendChild(ctl);
}

function buildNetwork() {
  const net = $("network");
  net.querySelectorAll(".node, .node-label, .layer-ctl").forEach((n) => n.remove());
  hideEditor(); hideZoom();
  const sizes = st.state.sizes, s = st.settings;
  const allFeatures = Object.keys(st.catalog.features);
  const columns = [allFeatures.length, ...sizes.slice(1)];
  const W = Math.max(net.clientWidth, 400), H = net.clientHeight - TOP - 10;
  const colX = columns.map((_, c) => 60 + c * (W - 60 - NODE) / Math.max(columns.length - 1, 1));
  layout = { nodes: [], colX, compact: [] };
  columns.forEach((n, c) => {
    // a wide layer is compact: small pictures in as many columns as it takes (each one enlarges on hover)
    const compact = c > 0 && n > COMPACT;
    let size, gap, rows = n, across = 1;
    if (compact) {
      size = SMALL; gap = SMALL + 4;
      across = Math.ceil(n / Math.floor(H / gap)); rows = Math.ceil(n / across);
    } else {
      size = Math.min(NODE, Math.floor(H / n) - 4); gap = Math.min(NODE + 12, H / n);
    }
    layout.compact.push(compact);
    const nodes = [];
    for (let j = 0; j < n; j++) {
      const el = document.createElement("div");
      el.className = compact ? "node compact" : "node";
      el.style.width = el.style.height = size + "px";
      const cx = colX[c] + (Math.floor(j / rows) - (across - 1) / 2) * (size + 6);
      const x = cx - size / 2, y = TOP + (j % rows) * gap;
      el.style.left = x + "px"; el.style.top = y + "px";
      const canvas = document.createElement("canvas"); canvas.width = canvas.height = st.state.thumb;
      el.appendChild(canvas);
      const node = { el, canvas, x: cx, y: y + size / 2, size, feature: c === 0 ? allFeatures[j] : null, layer: c, neuron: j + 1 };
      if (c === 0) {
        const name = allFeatures[j];
        el.setAttribute("data-testid", "feature-" + name); el.dataset.ui = `${name} ${TF_FEATURES[name] || name}`;
        if (!s.features.includes(name)) el.classList.add("off");
        el.title = st.catalog.features[name];
        el.onclick = () => {
          const on = s.features.includes(name);
          change({ features: on ? s.features.filter((f) => f !== name) : [...s.features, name] });
        };
        const label = document.createElement("div"); label.className = "node-label"; label.dataset.ui = el.dataset.ui;
        label.textContent = st.catalog.features[name]; label.style.left = (x - 52) + "px"; label.style.top = (y + size / 2 - 7) + "px";
        net.appendChild(label);
      } else {
        el.setAttribute("data-testid", `neuron-${c}-${j + 1}`);
        el.title = `${tr("layer")} ${c}, ${tr("neuron")} ${j + 1}`;
        el.onclick = () => select({ layer: c, neuron: j + 1 }, el);
        // the bias square: its colour is the bias's sign, hover shows its value, a click edits it
        const bias = document.createElement("div"); bias.className = "bias";
        bias.setAttribute("data-testid", "bias"); bias.dataset.layer = c; bias.dataset.neuron = j + 1;
        bias.onclick = (ev) => { ev.stopPropagation(); select({ layer: c, neuron: j + 1, bias: true }, bias); };
        el.appendChild(bias);
        node.bias = bias;
      }
      el.addEventListener("mouseenter", () => { st.hover = node; showZoom(node); if (layout.compact.some(Boolean)) focusLinks(); });
      el.addEventListener("mouseleave", () => { st.hover = null; hideZoom(); if (layout.compact.some(Boolean)) focusLinks(); });
      net.appendChild(el);
      nodes.push(node);
    }
    layout.nodes.push(nodes);
    if (c > 0 && c < columns.length - 1) layerControls(net, c, n, colX[c]);
  });
  $("links").innerHTML = "";
  applyFlags();
  if (st.frame) { drawNeurons(); drawLinks(); }
}

// -- a neuron's picture, enlarged while the pointer is on it -------------------------------------
function showZoom(node) {
  if (!node.picture) return;
  const zoom = $("zoom"), r = node.el.getBoundingClientRect();
  zoom.style.left = Math.min(r.right + 8, window.innerWidth - 170) + "px";
  zoom.style.top = Math.max(4, Math.min(r.top - 60, window.innerHeight - 170)) + "px";
  paint(zoom, ...node.picture);
  zoom.hidden = false;
  st.zoomed = node;
}
function hideZoom() { $("zoom").hidden = true; st.zoomed = null; }

function biasColour(b) { // the sign at a glance: never near white unless the bias is 0
  if (b === 0) return WHITE;
  return colour(0.5 + Math.sign(b) * (0.2 + 0.3 * Math.min(Math.abs(b), 1)));
}

function drawNeurons() {
  if (!layout || !st.frame) return;
  const s = st.settings, n = st.state.thumb, K = st.state.classes;
  const neurons = st.frame.neurons;
  if (neurons.length !== layout.nodes.length) return;
  // input column: the active features in order, the others blank
  let k = 0;
  layout.nodes[0].forEach((node) => {
    if (s.features.includes(node.feature) && neurons[0] && neurons[0][k]) {
      const v = floats(neurons[0][k++]);
      let m = 0; for (const x of v) m = Math.max(m, Math.abs(x));
      node.picture = [v, n, (x) => (x / (m || 1) + 1) / 2];
      paint(node.canvas, ...node.picture);
    }
  });
  for (let c = 1; c < layout.nodes.length; c++) {
    const last = c === layout.nodes.length - 1;
    layout.nodes[c].forEach((node, j) => {
      if (!neurons[c] || !neurons[c][j]) return;
      const b = st.frame.biases[c - 1][j];
      node.el.title = `${tr("layer")} ${c}, ${tr("neuron")} ${j + 1}: ${tr("bias")} b_${j + 1}^[${c}] = ${b.toPrecision(6)}`;
      node.bias.title = `${tr("bias")} b_${j + 1}^[${c}] = ${b.toPrecision(6)}`;
      node.bias.style.background = rgb(biasColour(b));
      const v = floats(neurons[c][j]);
      if (last && K > 2) { // class j's probability: white (0) to the class's colour (1)
        node.picture = [v, n, null, (i) => mix(WHITE, CLASS_COLOURS[j], Math.max(0, Math.min(1, v[i])))];
      } else {
        node.picture = [v, n, last ? outputToUnit : (x) => (Math.max(-1, Math.min(1, x)) + 1) / 2];
      }
      paint(node.canvas, ...node.picture);
    });
  }
  if (st.zoomed) showZoom(st.zoomed);
}

function drawLinks() {
  if (!layout || !st.frame) return;
  const svg = $("links"), s = st.settings;
  const activeNodes = [layout.nodes[0].filter((n) => s.features.includes(n.feature)), ...layout.nodes.slice(1)];
  const weights = st.frame.weights;
  const fits = weights.length === activeNodes.length - 1
    && weights.every((W, l) => W.length === activeNodes[l].length && W[0].length === activeNodes[l + 1].length);
  if (!fits) return;
  const want = weights.reduce((a, W) => a + W.length * W[0].length, 0);
  if (svg.childElementCount !== want) {
    svg.innerHTML = "";
    weights.forEach((W, l) => W.forEach((row, i) => row.forEach((_, j) => {
      const a = activeNodes[l][i], b = activeNodes[l + 1][j];
      const p = document.createElementNS("http://www.w3.org/2000/svg", "path");
      const x1 = a.x + a.size / 2, x2 = b.x - b.size / 2, mx = (x1 + x2) / 2;
      p.setAttribute("d", `M${x1},${a.y} C${mx},${a.y} ${mx},${b.y} ${x2},${b.y}`);
      p.setAttribute("data-testid", `weight-${l + 1}-${i + 1}-${j + 1}`);
      p.link = { l: l + 1, i: i + 1, j: j + 1, compact: layout.compact[l] || layout.compact[l + 1] };
      p.appendChild(document.createElementNS("http://www.w3.org/2000/svg", "title"));
      p.onclick = () => select({ layer: l + 1, from: i + 1, neuron: j + 1 }, p);
      svg.appendChild(p);
    })));
  }
  let k = 0;
  weights.forEach((W, l) => W.forEach((row, i) => row.forEach((w, j) => {
    const p = svg.children[k++];
    p.setAttribute("stroke", w >= 0 ? "rgb(8,119,189)" : "rgb(245,147,34)");
    p.setAttribute("stroke-width", Math.min(0.5 + Math.abs(w) * 2, p.link.compact ? 4 : 10).toFixed(2));
    p.setAttribute("stroke-opacity", "0.8");
    p.firstChild.textContent = `w${i + 1}${j + 1}^[${l + 1}] = ${w.toPrecision(6)}`;
  })));
  focusLinks();
  markSelected();
}

// Links to or from a compact layer are faint, except those of the neuron under the pointer or selected.
function focusLinks() {
  const focus = st.hover && st.hover.layer > 0 ? st.hover : st.selected;
  for (const p of $("links").children) {
    const { l, i, j, compact } = p.link;
    // path l-i-j joins neuron i of layer l - 1 to neuron j of layer l
    const on = focus && (focus.from ? focus.layer === l && focus.from === i && focus.neuron === j
      : (focus.layer === l && focus.neuron === j) || (focus.layer === l - 1 && focus.neuron === i));
    p.classList.toggle("faint", compact && !on);
  }
}

// -- selecting: the explain panel, and an editor for a weight or a bias -----------------------------
function select(target, anchor) {
  explain(target);
  if (target.from || target.bias) showEditor(target, anchor); else hideEditor();
  focusLinks();
}

function currentValue(t) {
  return t.from ? st.frame.weights[t.layer - 1][t.from - 1][t.neuron - 1] : st.frame.biases[t.layer - 1][t.neuron - 1];
}

function showEditor(target, anchor) {
  if (!st.frame) return;
  const box = $("editor"), r = anchor.getBoundingClientRect();
  box.style.left = Math.min(r.left + r.width / 2, window.innerWidth - 260) + "px";
  box.style.top = Math.min(r.top + r.height / 2 + 10, window.innerHeight - 50) + "px";
  $("editor-what").textContent = (target.from ? `w_${target.from}${target.neuron}^[${target.layer}]` : `b_${target.neuron}^[${target.layer}]`) + " =";
  const input = $("weight-value");
  input.value = Number(currentValue(target).toPrecision(6)); input.title = tr("edit_value");
  box.hidden = false; box.target = target;
  input.focus(); input.select();
}
function hideEditor() { $("editor").hidden = true; }

function sendEdit() {
  const t = $("editor").target, v = Number($("weight-value").value);
  if (!t || $("weight-value").value.trim() === "" || !Number.isFinite(v)) return;
  hideError();
  send({ type: "edit", layer: t.layer, neuron: t.neuron, from: t.from || null, value: v });
}

// -- explain ----------------------------------------------------------------------------------
function explain(target) {
  st.selected = target; markSelected();
  send({ type: "explain", layer: target.layer, neuron: target.neuron, from: target.from || null,
    sample: Number($("explain-sample").value) || 0 });
}

function markSelected() {
  document.querySelectorAll(".selected").forEach((e) => e.classList.remove("selected"));
  const t = st.selected;
  if (!t) return;
  const el = t.from ? document.querySelector(`[data-testid="weight-${t.layer}-${t.from}-${t.neuron}"]`)
    : t.bias ? document.querySelector(`[data-testid="bias"][data-layer="${t.layer}"][data-neuron="${t.neuron}"]`)
      : document.querySelector(`[data-testid="neuron-${t.layer}-${t.neuron}"]`);
  if (el) el.classList.add("selected");
}

function onExplain(msg) {
  const box = $("explain"); box.hidden = false;
  $("explain-what").textContent = msg.from
    ? `${tr("weight")} w_${msg.from}${msg.neuron}^[${msg.layer}]`
    : `${tr("neuron")} ${msg.neuron}, ${tr("layer")} ${msg.layer}`;
  const y = msg.classes > 2 ? `${tr("target_class")} ${msg.target}` : msg.target;
  $("explain-point").textContent = `(x1, x2) = (${msg.point.map((v) => v.toFixed(3)).join(", ")}), y = ${y}`;
  const table = $("explain-values"); table.innerHTML = "";
  for (const [k, v] of Object.entries(msg.values)) {
    const row = table.insertRow();
    row.insertCell().textContent = tr("v_" + k) + (k === "gradient" ? (msg.from ? "w" : "b") : "");
    const cell = row.insertCell(); cell.textContent = number(v); cell.setAttribute("data-testid", "explain-" + k);
  }
  $("explain-note").textContent = `${tr("note")} (η = ${msg.learning_rate}, ${msg.optimizer})`;
  // dropout after the neuron's layer (for a weight: after the layer its input comes from)
  const l = msg.from ? msg.layer - 1 : msg.layer, p = (msg.dropout || [])[l - 1];
  $("explain-dropout-note").hidden = !p;
  if (p) $("explain-dropout-note").textContent = tr("dropout_note").replace("{p}", p).replace("{l}", l);
  $("explain-lines").textContent = msg.lines.join("\n");
  $("explain-trace").textContent = msg.trace;
  $("explain-rule").textContent = msg.rule;
}

// -- start -------------------------------------------------------------------------------------
st.urlSettings = readUrl();
bindControls();
fillTranslated();
connect();
// a link edited by hand (or pasted) in the same tab: apply its settings
window.addEventListener("hashchange", () => {
  const settings = readUrl();
  fillTranslated();
  if (st.state) syncControls();
  change(settings);
});
window.addEventListener("resize", () => { if (st.state) buildNetwork(); });
