// cpxl ui: the page's few scripts. No framework, no build step; every request carries the session token.
"use strict";

const TOKEN = document.querySelector('meta[name="cpxl-token"]').content;
const state = { files: [], findings: [], sort: { key: "file", dir: 1 }, maxBytes: null };
const $ = (id) => document.getElementById(id);

function api(path, options = {}) {
  options.headers = Object.assign({ "X-CPXL-Token": TOKEN }, options.headers || {});
  return fetch(path, options).then(async (r) => {
    let body = null;
    try { body = await r.json(); } catch (e) { body = { error: "服务器没有返回结果（" + r.status + "）" }; }
    if (!r.ok) throw new Error(body.error || ("请求失败（" + r.status + "）"));
    return body;
  });
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v; else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

// ---- files ------------------------------------------------------------------------------------------

async function upload(file) {
  if (state.maxBytes && file.size > state.maxBytes) {
    addLocal(file.name, "文件过大（上限 " + Math.round(state.maxBytes / 1048576) + " MB）");
    return;
  }
  const entry = { id: null, name: file.name, kind: null, pending: true, selected: true, errors: 0, warnings: 0 };
  state.files.push(entry);
  renderFiles();
  try {
    const body = await api("/api/files", {
      method: "POST", body: file,
      headers: { "X-File-Name": encodeURIComponent(file.name), "Content-Type": "application/octet-stream" },
    });
    Object.assign(entry, body, { pending: false });
    for (const f of body.findings) state.findings.push(Object.assign({ file: body.name, fileId: body.id }, f));
  } catch (e) {
    Object.assign(entry, { pending: false, error: e.message, selected: false });
  }
  renderFiles();
  renderFindings();
}

function addLocal(name, error) {
  state.files.push({ id: null, name, error, selected: false });
  renderFiles();
}

async function removeFile(entry) {
  if (entry.id) { try { await api("/api/files/" + encodeURIComponent(entry.id), { method: "DELETE" }); } catch (e) { /* gone */ } }
  state.files = state.files.filter((f) => f !== entry);
  state.findings = state.findings.filter((f) => f.fileId !== entry.id);
  renderFiles();
  renderFindings();
}

const KINDS = { audit: "审核", acceptance: "验收", park: "园区", region: "区域/行业" };

function renderFiles() {
  const body = $("files").querySelector("tbody");
  body.replaceChildren();
  for (const f of state.files) {
    const box = el("input", { type: "checkbox" });
    box.checked = !!f.selected;
    box.disabled = !f.id;
    box.addEventListener("change", () => { f.selected = box.checked; updateButtons(); });
    let result;
    if (f.pending) result = el("span", { class: "note" }, "正在检查…");
    else if (f.error) result = el("span", { class: "error" }, f.error);
    else result = el("span", { class: f.errors ? "level-error" : "" }, f.errors + " 个错误，" + f.warnings + " 个警告");
    body.append(el("tr", { "data-name": f.name },
      el("td", {}, box), el("td", {}, f.name), el("td", {}, KINDS[f.kind] || ""), el("td", { class: "result" }, result),
      el("td", {}, el("button", { type: "button", class: "link", onclick: () => removeFile(f) }, "移除"))));
  }
  $("files").classList.toggle("hidden", state.files.length === 0);
  $("no-files").classList.toggle("hidden", state.files.length > 0);
  const select = $("filter-file"), current = select.value;
  select.replaceChildren(el("option", { value: "" }, "全部工作簿"));
  for (const f of state.files) if (f.id) select.append(el("option", { value: f.id }, f.name));
  select.value = state.files.some((f) => f.id === current) ? current : "";
  updateButtons();
}

function selected() { return state.files.filter((f) => f.selected && f.id && !f.pending); }

function updateButtons() {
  const n = selected().length;
  $("btn-calc").disabled = n === 0;
  $("btn-export").disabled = n === 0;
  $("btn-aggregate").disabled = n === 0;
}

// ---- findings ---------------------------------------------------------------------------------------

function renderFindings() {
  const text = $("filter-text").value.trim().toLowerCase();
  const sev = $("filter-severity").value, file = $("filter-file").value;
  const { key, dir } = state.sort;
  const rows = state.findings
    .filter((f) => (!sev || f.severity === sev) && (!file || f.fileId === file)
      && (!text || (f.where + " " + f.message + " " + f.file).toLowerCase().includes(text)))
    .sort((a, b) => dir * String(a[key]).localeCompare(String(b[key]), "zh-CN", { numeric: true }));
  const body = $("findings").querySelector("tbody");
  body.replaceChildren(...rows.map((f) => el("tr", {},
    el("td", {}, f.file), el("td", { class: "where" }, f.where), el("td", { class: "sev-" + f.severity }, f.severity),
    el("td", {}, f.message))));
  $("count").textContent = "显示 " + rows.length + " / " + state.findings.length + " 条";
  for (const th of $("findings").querySelectorAll("th.sortable")) {
    th.classList.toggle("sorted-asc", th.dataset.key === key && dir === 1);
    th.classList.toggle("sorted-desc", th.dataset.key === key && dir === -1);
  }
}

// ---- jobs -------------------------------------------------------------------------------------------

async function startJob(action) {
  const files = selected();
  if (!files.length) return;
  const item = el("li", {}, el("span", { class: "job-title" }, "正在提交…"));
  $("jobs").prepend(item);
  $("no-jobs").classList.add("hidden");
  try {
    const job = await api("/api/jobs", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ action, files: files.map((f) => f.id), pdf: action === "export" && $("pdf").checked }),
    });
    poll(job.id, item);
  } catch (e) {
    item.replaceChildren(el("span", { class: "error" }, e.message));
  }
}

function renderJob(job, item) {
  item.dataset.status = job.status;
  item.dataset.job = job.id;
  const parts = [el("div", { class: "job-title" }, job.title)];
  const status = el("div", { class: "job-step" }, job.step);
  if (job.status === "running" || job.status === "queued") {
    const bar = el("progress", {});
    if (job.total) { bar.max = job.total; bar.value = job.done; }
    status.prepend(bar, " ");
  }
  parts.push(status);
  if (job.lines.length) parts.push(el("ul", { class: "job-lines" }, ...job.lines.map((l) => el("li", { class: "level-" + l.level }, l.text))));
  if (job.error) parts.push(el("div", { class: "error" }, "错误：" + job.error));
  if (job.results.length) {
    parts.push(el("div", { class: "downloads" }, "下载：",
      ...job.results.map((r) => el("a", { href: r.url, download: r.name, class: "download" }, r.name))));
  }
  item.replaceChildren(...parts);
}

async function poll(id, item) {
  for (;;) {
    let job;
    try { job = await api("/api/jobs/" + encodeURIComponent(id)); } catch (e) {
      item.append(el("div", { class: "error" }, e.message));
      return;
    }
    renderJob(job, item);
    if (job.status === "done" || job.status === "failed") return;
    await new Promise((r) => setTimeout(r, 400));
  }
}

// ---- wiring -----------------------------------------------------------------------------------------

function addFiles(list) { for (const f of list) upload(f); }

$("file-input").addEventListener("change", (e) => { addFiles(e.target.files); e.target.value = ""; });
const drop = $("drop");
for (const ev of ["dragenter", "dragover"]) drop.addEventListener(ev, (e) => { e.preventDefault(); drop.classList.add("over"); });
for (const ev of ["dragleave", "drop"]) drop.addEventListener(ev, (e) => { e.preventDefault(); drop.classList.remove("over"); });
drop.addEventListener("drop", (e) => addFiles(e.dataTransfer.files));
// a file dropped outside the zone must not make the browser leave the page
window.addEventListener("dragover", (e) => e.preventDefault());
window.addEventListener("drop", (e) => e.preventDefault());

$("btn-calc").addEventListener("click", () => startJob("calc"));
$("btn-export").addEventListener("click", () => startJob("export"));
$("btn-aggregate").addEventListener("click", () => startJob("aggregate"));
for (const id of ["filter-text", "filter-severity", "filter-file"]) $(id).addEventListener("input", renderFindings);
for (const th of document.querySelectorAll("#findings th.sortable")) {
  th.addEventListener("click", () => {
    state.sort = { key: th.dataset.key, dir: state.sort.key === th.dataset.key ? -state.sort.dir : 1 };
    renderFindings();
  });
}

api("/api/info").then((info) => {
  state.maxBytes = info.max_bytes;
  $("limit").textContent = "每个文件不超过 " + info.max_mb + " MB。";
  $("pdf-label").classList.toggle("hidden", !info.pdf);
}).catch((e) => { $("limit").textContent = e.message; });
renderFiles();
renderFindings();
