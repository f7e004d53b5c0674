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
    click_hint: "Click a neuron or a weight to see its numbers; click a feature to switch it on or off.",
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
  },
  zh: {
    title: "bpnn 游乐场", subtitle: "由 bpnn 训练的网络，每个数字一点即见",
    preset: "预设", choose: "选择…", export: "导出", export_model: "模型 (.bpnn)",
    export_predict: "NumPy predict()", export_script: "重现本次训练的 Python 脚本", epoch: "轮次",
    optimizer: "优化器", learning_rate: "学习率", activation: "激活函数", regularization: "正则化",
    reg_rate: "正则化率", problem: "问题类型", data: "数据", dataset: "数据集", train_ratio: "训练数据比例",
    noise: "噪声", batch_size: "批大小", points: "点数", regenerate: "重新生成", your_data: "你的数据 (CSV)",
    target: "目标", use_columns: "使用这些列", features: "特征", hidden_layers: "个隐藏层",
    click_hint: "点击神经元或权重查看它的数值；点击特征可开关它。",
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
  },
};

const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const REG_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const UI_KEYS = ["lang", "showtest", "disc"];

const $ = (id) => document.getElementById(id);
const st = {
  ws: null, session: null, catalog: null, settings: null, state: null, frame: null, curve: [],
  lang: "en", showTest: false, discretize: false, playing: false, selected: null, urlSettings: {},
};

function tr(key) { return (T[st.lang] && T[st.lang][key]) || T.en[key] || key; }

// -- URL state ---------------------------------------------------------------------------------
function readUrl() {
  const params = new URLSearchParams(location.hash.slice(1));
  const settings = {};
  for (const [k, v] of params) {
    if (k === "lang") st.lang = v === "zh" ? "zh" : "en";
    else if (k === "showtest") st.showTest = v === "1";
    else if (k === "disc") st.discretize = v === "1";
    else if (k === "features" || k === "hidden") settings[k] = v === "" ? [] : v.split(",");
    else settings[k] = v;
  }
  return settings;
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
  $("step").onclick = () => send({ type: "step" });
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
  $("upload").onchange = upload;
  $("upload-use").onclick = () => change({
    dataset: "upload", ux: $("upload-x").value, uy: $("upload-y").value, ut: $("upload-target").value,
    problem: $("problem").value,
  });
  $("explain-close").onclick = () => { $("explain").hidden = true; st.selected = null; markSelected(); };
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
}

// -- messages from the server -----------------------------------------------------------------
function drawLegend() {
  const cls = st.settings.problem === "classification";
  $("legend-low").textContent = cls ? tr("class0") : "−1";
  $("legend-high").textContent = cls ? tr("class1") : "1";
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

function onFrame(msg) {
  st.frame = msg;
  if (msg.epoch === 0) st.curve = [[msg.train_loss, msg.test_loss]];
  else if (st.curve.length === 0 || msg.epoch >= st.curve.length) st.curve.push([msg.train_loss, msg.test_loss]);
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
function colour(t) { // t in [0, 1]
  t = Math.max(0, Math.min(1, t));
  const [a, b, u] = t < 0.5 ? [ORANGE, WHITE, t * 2] : [WHITE, BLUE, (t - 0.5) * 2];
  return [a[0] + (b[0] - a[0]) * u, a[1] + (b[1] - a[1]) * u, a[2] + (b[2] - a[2]) * u];
}
function outputToUnit(v) {
  const cls = st.settings.problem === "classification";
  if (st.discretize) return cls ? (v >= 0.5 ? 1 : 0) : (v >= 0 ? 1 : 0);
  return cls ? v : (v + 1) / 2;
}

function paint(canvas, values, n, map) {
  const ctx = canvas.getContext("2d");
  const img = ctx.createImageData(n, n);
  for (let i = 0; i < n * n; i++) {
    const [r, g, b] = colour(map(values[i]));
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
  const canvas = $("boundary"), ctx = canvas.getContext("2d");
  paint(canvas, floats(st.frame.output), st.state.grid, outputToUnit);
  const [xmin, xmax, ymin, ymax] = st.state.extent;
  const W = canvas.width, H = canvas.height;
  const cls = st.settings.problem === "classification";
  const dot = (p, v, stroke) => {
    const x = (p[0] - xmin) / (xmax - xmin) * W, y = (ymax - p[1]) / (ymax - ymin) * H;
    const [r, g, b] = colour(cls ? v : (v + 1) / 2);
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
const NODE = 40;
let layout = null;

function buildNetwork() {
  const net = $("network");
  net.querySelectorAll(".node, .node-label, .layer-ctl").forEach((n) => n.remove());
  const sizes = st.state.sizes, s = st.settings;
  const allFeatures = Object.keys(st.catalog.features);
  const columns = [allFeatures.length, ...sizes.slice(1)];
  const W = Math.max(net.clientWidth, 400), H = net.clientHeight;
  const colX = columns.map((_, c) => 60 + c * (W - 60 - NODE) / Math.max(columns.length - 1, 1));
  layout = { nodes: [], colX };
  columns.forEach((n, c) => {
    const size = Math.min(NODE, Math.floor((H - 56) / n) - 4);
    const gap = Math.min(NODE + 12, (H - 56) / n);
    const nodes = [];
    for (let j = 0; j < n; j++) {
      const el = document.createElement("div");
      el.className = "node";
      el.style.width = el.style.height = size + "px";
      const x = colX[c] - size / 2, y = 46 + j * gap;
      el.style.left = x + "px"; el.style.top = y + "px";
      const canvas = document.createElement("canvas"); canvas.width = canvas.height = st.state.thumb;
      el.appendChild(canvas);
      if (c === 0) {
        const name = allFeatures[j];
        el.dataset.testid = "feature-" + name; el.setAttribute("data-testid", "feature-" + name);
        if (!s.features.includes(name)) el.classList.add("off");
        el.title = st.catalog.features[name];
        el.onclick = () => {
          const on = s.features.includes(name);
          change({ features: on ? s.features.filter((f) => f !== name) : [...s.features, name] });
        };
        const label = document.createElement("div"); label.className = "node-label";
        label.textContent = st.catalog.features[name]; label.style.left = (x - 52) + "px"; label.style.top = (y + size / 2 - 7) + "px";
        net.appendChild(label);
      } else {
        el.setAttribute("data-testid", `neuron-${c}-${j + 1}`);
        el.title = `${tr("layer")} ${c}, ${tr("neuron")} ${j + 1}`;
        el.onclick = () => explain({ layer: c, neuron: j + 1 });
      }
      net.appendChild(el);
      nodes.push({ el, canvas, x: colX[c], y: y + size / 2, size, feature: c === 0 ? allFeatures[j] : null });
    }
    layout.nodes.push(nodes);
    if (c > 0 && c < columns.length - 1) {
      const ctl = document.createElement("div"); ctl.className = "layer-ctl";
      ctl.style.left = (colX[c] - 40) + "px"; ctl.style.top = "0px"; ctl.style.width = "80px";
      const plus = document.createElement("button"); plus.textContent = "+"; plus.setAttribute("data-testid", `add-neuron-${c}`);
      const minus = document.createElement("button"); minus.textContent = "−"; minus.setAttribute("data-testid", `remove-neuron-${c}`);
      plus.onclick = () => { const h = s.hidden.slice(); h[c - 1] += 1; change({ hidden: h }); };
      minus.onclick = () => { const h = s.hidden.slice(); if (h[c - 1] > 1) { h[c - 1] -= 1; change({ hidden: h }); } };
      ctl.append(plus, " ", minus, document.createElement("br"), `${n} ${tr("neurons")}`);
      net.appendChild(ctl);
    }
  });
  $("links").innerHTML = "";
  if (st.frame) { drawNeurons(); drawLinks(); }
}

function drawNeurons() {
  if (!layout || !st.frame) return;
  const s = st.settings, n = st.state.thumb;
  const neurons = st.frame.neurons;
  if (neurons.length !== layout.nodes.length) return;
  // input column: the active features in order, the others blank
  let k = 0;
  layout.nodes[0].forEach((node) => {
    if (s.features.includes(node.feature) && neurons[0] && neurons[0][k]) {
      const v = floats(neurons[0][k++]);
      let m = 0; for (const x of v) m = Math.max(m, Math.abs(x));
      paint(node.canvas, v, n, (x) => (x / (m || 1) + 1) / 2);
    }
  });
  for (let c = 1; c < layout.nodes.length; c++) {
    const last = c === layout.nodes.length - 1;
    layout.nodes[c].forEach((node, j) => {
      if (!neurons[c] || !neurons[c][j]) return;
      const b = st.frame.biases[c - 1][j];
      node.el.title = `${tr("layer")} ${c}, ${tr("neuron")} ${j + 1}: ${tr("bias")} b_${j + 1}^[${c}] = ${b.toPrecision(6)}`;
      const v = floats(neurons[c][j]);
      paint(node.canvas, v, n, last ? outputToUnit : (x) => (Math.max(-1, Math.min(1, x)) + 1) / 2);
    });
  }
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
      p.appendChild(document.createElementNS("http://www.w3.org/2000/svg", "title"));
      p.onclick = () => explain({ layer: l + 1, from: i + 1, neuron: j + 1 });
      svg.appendChild(p);
    })));
  }
  let k = 0;
  weights.forEach((W, l) => W.forEach((row, i) => row.forEach((w, j) => {
    const p = svg.children[k++];
    p.setAttribute("stroke", w >= 0 ? "rgb(8,119,189)" : "rgb(245,147,34)");
    p.setAttribute("stroke-width", Math.min(0.5 + Math.abs(w) * 2, 10).toFixed(2));
    p.setAttribute("stroke-opacity", "0.8");
    p.firstChild.textContent = `w${i + 1}${j + 1}^[${l + 1}] = ${w.toPrecision(6)}`;
  })));
  markSelected();
}

// -- explain ----------------------------------------------------------------------------------
function explain(target) {
  st.selected = target; markSelected();
  send({ type: "explain", ...target, sample: Number($("explain-sample").value) || 0 });
}

function markSelected() {
  document.querySelectorAll(".selected").forEach((e) => e.classList.remove("selected"));
  const t = st.selected;
  if (!t) return;
  const id = t.from ? `weight-${t.layer}-${t.from}-${t.neuron}` : `neuron-${t.layer}-${t.neuron}`;
  const el = document.querySelector(`[data-testid="${id}"]`);
  if (el) el.classList.add("selected");
}

function onExplain(msg) {
  const box = $("explain"); box.hidden = false;
  $("explain-what").textContent = msg.from
    ? `${tr("weight")} w_${msg.from}${msg.neuron}^[${msg.layer}]`
    : `${tr("neuron")} ${msg.neuron}, ${tr("layer")} ${msg.layer}`;
  $("explain-point").textContent = `(x1, x2) = (${msg.point.map((v) => v.toFixed(3)).join(", ")}), y = ${msg.target}`;
  const table = $("explain-values"); table.innerHTML = "";
  for (const [k, v] of Object.entries(msg.values)) {
    const row = table.insertRow();
    row.insertCell().textContent = tr("v_" + k) + (k === "gradient" ? (msg.from ? "w" : "b") : "");
    const cell = row.insertCell(); cell.textContent = number(v); cell.setAttribute("data-testid", "explain-" + k);
  }
  $("explain-note").textContent = `${tr("note")} (η = ${msg.learning_rate}, ${msg.optimizer})`;
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
