// The process owner's model editor: the draft's diagrams (bpmn-js), decision tables (dmn-js) and
// forms (JSON Schema text with a live preview), saved, validated and deployed through the server.
//
// A file is sent back exactly as it came unless it was changed here: bpmn-js and dmn-js reformat
// what they export, so an untouched diagram is never exported (deploying it stays a no-op).
import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";
import "bpmn-js/dist/assets/bpmn-font/css/bpmn.css";
import "@bpmn-io/properties-panel/dist/assets/properties-panel.css";
import "dmn-js/dist/assets/dmn-js-shared.css";
import "dmn-js/dist/assets/dmn-js-drd.css";
import "dmn-js/dist/assets/dmn-js-decision-table.css";
import "dmn-js/dist/assets/dmn-js-decision-table-controls.css";
import "dmn-js/dist/assets/dmn-js-literal-expression.css";
import "dmn-js/dist/assets/dmn-js-boxed-expression.css";
import "dmn-js/dist/assets/dmn-js-boxed-expression-controls.css";
import "dmn-js/dist/assets/dmn-font/css/dmn.css";
import "./model-editor.css";

import BpmnModeler from "bpmn-js/lib/Modeler";
import DmnModeler from "dmn-js/lib/Modeler";
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from "bpmn-js-properties-panel";

import spiffworkflowModdle from "./spiffworkflow-moddle.json";
import NrmPropertiesProviderModule from "./nrm-properties-provider.js";
import FlushableDebounceModule, { flushPendingInputs } from "./flushable-debounce.js";

const root = document.getElementById("model-editor");
const data = JSON.parse(document.getElementById("model-editor-data").textContent);
const el = (id) => document.getElementById(id);

const FINDING_MARKERS = ["nrm-finding--error", "nrm-finding--warning"];
const state = {
  version: data.version,
  active: null, // the open file
  findings: [],
  busy: false,
};

// ---- small DOM helpers ------------------------------------------------------------------------

function make(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("data-") || key.startsWith("aria-") || key === "role" || key === "for" || key === "href")
      node.setAttribute(key, value === true ? "" : value);
    else node[key] = value;
  }
  for (const child of [].concat(children)) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

function kindOf(path) {
  if (path.endsWith(".bpmn")) return "bpmn";
  if (path.endsWith(".dmn")) return "dmn";
  if (path.startsWith("forms/") && path.endsWith(".json")) return "form";
  return "text";
}

function commandStackTop(commandStack) {
  return commandStack._stack[commandStack._stackIdx] || null;
}

// ---- files ------------------------------------------------------------------------------------

class EditorFile {
  constructor(path, text) {
    this.path = path;
    this.kind = kindOf(path);
    this.saved = text; // the text the server holds: sent back unchanged unless modified here
  }

  isDirty() {
    return false;
  }

  async currentText() {
    return this.isDirty() ? this.exportText() : this.saved;
  }

  markSaved(text) {
    this.saved = text;
  }
}

/** A BPMN diagram: one modeler (and properties panel) per file, made when first opened. */
class BpmnFile extends EditorFile {
  async ensureOpen() {
    if (this.modeler) return;
    const pane = make("div", { class: "nrm-editor__diagram", "data-path": this.path });
    this.canvasNode = make("div", {
      class: "nrm-editor__canvas",
      role: "application",
      "aria-label": `Diagram editor for ${this.path}: select an element to edit its properties`,
      tabIndex: 0,
    });
    this.panelNode = make("div", { class: "nrm-editor__properties", role: "region", "aria-label": `Properties of the selected element in ${this.path}` });
    pane.append(this.canvasNode, this.panelNode);
    el("model-editor-bpmn").append(pane);
    this.pane = pane;
    this.modeler = new BpmnModeler({
      container: this.canvasNode,
      propertiesPanel: {
        parent: this.panelNode,
        layout: { groups: { general: { open: true }, "nrm-engine": { open: true }, "nrm-parameters": { open: true }, timer: { open: true } } },
      },
      additionalModules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, NrmPropertiesProviderModule, FlushableDebounceModule],
      moddleExtensions: { spiffworkflow: spiffworkflowModdle },
      nrm: { forms: data.forms || [], groups: data.groups || [] },
    });
    const result = await this.modeler.importXML(this.saved);
    if (result.warnings.length) console.warn(`${this.path}: import warnings`, result.warnings);
    this.commandStack = this.modeler.get("commandStack");
    this.baseline = commandStackTop(this.commandStack);
    this.modeler.on("commandStack.changed", () => {
      this.findingsStale = true;
      clearMarkers(this);
      updateDirty();
    });
  }

  isDirty() {
    return Boolean(this.commandStack) && commandStackTop(this.commandStack) !== this.baseline;
  }

  async exportText() {
    const { xml } = await this.modeler.saveXML({ format: true });
    return xml;
  }

  markSaved(text) {
    super.markSaved(text);
    if (this.commandStack) this.baseline = commandStackTop(this.commandStack);
  }

  show() {
    this.pane.hidden = false;
    const canvas = this.modeler.get("canvas");
    canvas.resized();
    if (!this.fitted) {
      canvas.zoom("fit-viewport");
      this.fitted = true;
    }
  }

  hide() {
    if (this.pane) this.pane.hidden = true;
  }

  select(elementId) {
    const registry = this.modeler.get("elementRegistry");
    const element = registry.get(elementId);
    if (!element) return false;
    const canvas = this.modeler.get("canvas");
    if (canvas.zoom() < 0.75) canvas.zoom(0.75);
    if (element.waypoints || element.x !== undefined) canvas.scrollToElement(element);
    this.modeler.get("selection").select(element);
    return true;
  }

  applyMarkers(findings) {
    if (!this.modeler || this.findingsStale) return;
    const canvas = this.modeler.get("canvas");
    const registry = this.modeler.get("elementRegistry");
    for (const finding of findings) {
      if (finding.file !== this.path || !finding.element_id || !registry.get(finding.element_id)) continue;
      canvas.addMarker(finding.element_id, `nrm-finding--${finding.severity === "warning" ? "warning" : "error"}`);
    }
  }

  clearMarkers() {
    if (!this.modeler) return;
    const canvas = this.modeler.get("canvas");
    for (const element of this.modeler.get("elementRegistry").getAll()) {
      for (const marker of FINDING_MARKERS) canvas.removeMarker(element, marker);
    }
  }
}

/** A DMN file: one dmn-js modeler per file. Each of its views has its own command stack. */
class DmnFile extends EditorFile {
  async ensureOpen() {
    if (this.modeler) return;
    this.pane = make("div", { class: "nrm-editor__dmn-file", "data-path": this.path });
    this.viewsNode = make("nav", { class: "nrm-editor__dmn-views", "aria-label": `Views of ${this.path}` });
    this.canvasNode = make("div", {
      class: "nrm-editor__dmn-canvas",
      role: "application",
      "aria-label": `Decision editor for ${this.path}`,
    });
    this.pane.append(this.viewsNode, this.canvasNode);
    el("model-editor-dmn").append(this.pane);
    this.viewerDirty = new Map();
    this.baselines = new Map();
    this.stickyDirty = false;
    this.modeler = new DmnModeler({ container: this.canvasNode });
    this.modeler.on("views.changed", ({ views, activeView }) => {
      this.hookViewer(this.modeler.getActiveViewer());
      this.renderViews(views, activeView);
    });
    const result = await this.modeler.importXML(this.saved);
    if (result.warnings.length) console.warn(`${this.path}: import warnings`, result.warnings);
    this.hookViewer(this.modeler.getActiveViewer());
  }

  hookViewer(viewer) {
    if (!viewer || this.baselines.has(viewer)) return;
    const commandStack = viewer.get("commandStack", false);
    if (!commandStack) return;
    this.baselines.set(viewer, commandStackTop(commandStack));
    viewer.on("commandStack.changed", (event) => {
      if (event.trigger === "clear") {
        // the view was reopened: what was changed in it stays changed
        if (this.viewerDirty.get(viewer)) this.stickyDirty = true;
        this.baselines.set(viewer, null);
        this.viewerDirty.set(viewer, false);
      } else {
        this.viewerDirty.set(viewer, commandStackTop(commandStack) !== this.baselines.get(viewer));
        this.clearMarkers();
      }
      updateDirty();
    });
  }

  renderViews(views, activeView) {
    const buttons = views.map((view) => {
      const label = `${view.element.name || view.element.id} (${view.type === "drd" ? "diagram" : view.type === "decisionTable" ? "decision table" : view.type})`;
      const button = make("button", {
        type: "button",
        class: "govuk-button govuk-button--secondary nrm-editor__view",
        text: label,
        "aria-pressed": activeView && view.element.id === activeView.element.id ? "true" : "false",
        "data-view": view.element.id,
      });
      button.addEventListener("click", () => this.modeler.open(view));
      return button;
    });
    this.viewsNode.replaceChildren(...buttons);
  }

  isDirty() {
    if (!this.modeler) return false;
    return this.stickyDirty || [...this.viewerDirty.values()].some(Boolean);
  }

  async exportText() {
    const { xml } = await this.modeler.saveXML({ format: true });
    return xml;
  }

  markSaved(text) {
    super.markSaved(text);
    if (!this.modeler) return;
    this.stickyDirty = false;
    for (const viewer of this.baselines.keys()) {
      this.baselines.set(viewer, commandStackTop(viewer.get("commandStack")));
      this.viewerDirty.set(viewer, false);
    }
  }

  show() {
    this.pane.hidden = false;
    const viewer = this.modeler.getActiveViewer();
    if (viewer && viewer.get("canvas", false) && viewer.get("canvas").resized) viewer.get("canvas").resized();
  }

  hide() {
    if (this.pane) this.pane.hidden = true;
  }

  async select(elementId) {
    const views = this.modeler.getViews();
    let view = views.find((v) => v.element.id === elementId);
    if (!view) {
      // a rule, input or output: open the decision that holds it
      view = views.find((v) => {
        const logic = v.element.decisionLogic;
        if (!logic) return false;
        const parts = [...(logic.rule || []), ...(logic.input || []), ...(logic.output || [])];
        return parts.some((part) => part.id === elementId);
      });
    }
    if (view && view !== this.modeler.getActiveView()) await this.modeler.open(view);
    this.applyMarkers(state.findings);
    const target = this.canvasNode.querySelector(`[data-row-id="${CSS.escape(elementId)}"], [data-col-id="${CSS.escape(elementId)}"], [data-element-id="${CSS.escape(elementId)}"]`);
    if (target) target.scrollIntoView({ block: "center" });
    return Boolean(view || target);
  }

  applyMarkers(findings) {
    if (!this.modeler) return;
    for (const finding of findings) {
      if (finding.file !== this.path || !finding.element_id) continue;
      const id = CSS.escape(finding.element_id);
      const marker = `nrm-finding--${finding.severity === "warning" ? "warning" : "error"}`;
      for (const node of this.canvasNode.querySelectorAll(`[data-row-id="${id}"], [data-col-id="${id}"], [data-element-id="${id}"]`)) {
        node.classList.add(marker);
      }
    }
  }

  clearMarkers() {
    if (!this.canvasNode) return;
    for (const marker of FINDING_MARKERS) {
      for (const node of this.canvasNode.querySelectorAll(`.${marker}`)) node.classList.remove(marker);
    }
  }
}

/** A form (JSON Schema) or other text file, edited as text; forms have a live preview. */
class TextFile extends EditorFile {
  constructor(path, text) {
    super(path, text);
    this.text = text;
  }

  async ensureOpen() {}

  isDirty() {
    return this.text !== this.saved;
  }

  async exportText() {
    return this.text;
  }

  show() {
    const textarea = el("model-editor-text");
    el("model-editor-text-label").textContent = this.kind === "form" ? `JSON Schema of the form ${this.path}` : `Text of ${this.path}`;
    textarea.value = this.text;
    el("model-editor-text-pane").hidden = false;
    el("model-editor-preview-section").hidden = this.kind !== "form";
    showJsonError(null);
    if (this.kind === "form") schedulePreview(0);
  }

  hide() {
    el("model-editor-text-pane").hidden = true;
  }

  select() {
    return true;
  }

  applyMarkers() {}
  clearMarkers() {}
}

const files = new Map();
for (const [path, text] of Object.entries(data.files)) {
  const kind = kindOf(path);
  const File = kind === "bpmn" ? BpmnFile : kind === "dmn" ? DmnFile : TextFile;
  files.set(path, new File(path, text));
}

function clearMarkers(file) {
  file.clearMarkers();
}

function dirtyFiles() {
  return [...files.values()].filter((file) => file.isDirty()).map((file) => file.path).sort();
}

function updateDirty() {
  const dirty = dirtyFiles();
  root.dataset.dirty = dirty.join(" ");
  for (const button of document.querySelectorAll(".nrm-editor__file")) {
    const changed = dirty.includes(button.dataset.path);
    button.classList.toggle("nrm-editor__file--changed", changed);
    button.querySelector(".nrm-editor__file-state").textContent = changed ? " (changed)" : "";
  }
  el("model-editor-unsaved").textContent = dirty.length
    ? `Unsaved changes in ${dirty.join(", ")}.`
    : "No unsaved changes.";
}

// ---- file list --------------------------------------------------------------------------------

function renderFileList() {
  const sections = [
    ["bpmn", "Diagrams"],
    ["dmn", "Decision tables"],
    ["form", "Forms"],
    ["text", "Other files"],
  ];
  const nav = el("model-editor-files");
  for (const [kind, title] of sections) {
    const paths = [...files.values()].filter((file) => file.kind === kind).map((file) => file.path).sort();
    if (!paths.length) continue;
    const headingId = `model-editor-files-${kind}`;
    nav.append(make("h3", { class: "govuk-heading-s govuk-!-margin-bottom-1", id: headingId, text: title }));
    const list = make("ul", { class: "govuk-list nrm-editor__file-list", "aria-labelledby": headingId });
    for (const path of paths) {
      const button = make("button", { type: "button", class: "nrm-editor__file", "data-path": path }, [
        make("span", { text: path.replace(/^forms\//, "") }),
        make("span", { class: "nrm-editor__file-state" }),
      ]);
      button.addEventListener("click", () => open(path));
      list.append(make("li", {}, button));
    }
    nav.append(list);
  }
}

let opening = Promise.resolve();

async function open(path, elementId = null) {
  const run = async () => {
    const file = files.get(path);
    if (!file) throw new Error(`no file ${path}`);
    if (state.active && state.active !== file) {
      if (state.active instanceof TextFile) state.active.text = el("model-editor-text").value;
      state.active.hide();
    }
    try {
      await file.ensureOpen();
    } catch (error) {
      showMessage(`${path} could not be opened: ${error.message}`, "error");
      root.dataset.status = "error";
      throw error;
    }
    state.active = file;
    file.show();
    for (const button of document.querySelectorAll(".nrm-editor__file")) {
      const current = button.dataset.path === path;
      button.classList.toggle("nrm-editor__file--current", current);
      if (current) button.setAttribute("aria-current", "true");
      else button.removeAttribute("aria-current");
    }
    root.dataset.open = path;
    file.applyMarkers(state.findings);
    if (elementId) await file.select(elementId);
    root.dataset.ready = "true";
  };
  opening = opening.then(run, run);
  return opening;
}

// ---- the form text and its preview ------------------------------------------------------------

let previewTimer = null;
let previewSequence = 0;

function showJsonError(message) {
  const group = el("model-editor-text-group");
  const error = el("model-editor-text-error");
  const textarea = el("model-editor-text");
  group.classList.toggle("govuk-form-group--error", Boolean(message));
  textarea.classList.toggle("govuk-textarea--error", Boolean(message));
  error.hidden = !message;
  el("model-editor-text-error-message").textContent = message || "";
  if (message) textarea.setAttribute("aria-describedby", "model-editor-text-error");
  else textarea.removeAttribute("aria-describedby");
}

function schedulePreview(delay = 400) {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(preview, delay);
}

function jsonErrorMessage(text, error) {
  const match = /position (\d+)/.exec(error.message);
  if (!match) return `This is not valid JSON: ${error.message}`;
  const before = text.slice(0, Number(match[1])).split("\n");
  return `This is not valid JSON (line ${before.length}, column ${before[before.length - 1].length + 1}): ${error.message}`;
}

async function preview() {
  const file = state.active;
  if (!(file instanceof TextFile) || file.kind !== "form") return;
  const text = el("model-editor-text").value;
  let schema;
  try {
    schema = JSON.parse(text);
  } catch (error) {
    showJsonError(jsonErrorMessage(text, error));
    return;
  }
  if (!schema || typeof schema !== "object" || Array.isArray(schema)) {
    showJsonError("The form must be a JSON object (a JSON Schema).");
    return;
  }
  showJsonError(null);
  const sequence = ++previewSequence;
  const status = el("model-editor-preview-status");
  status.textContent = "Updating the preview…";
  const { response, body } = await post(data.urls.preview_form, { schema });
  if (sequence !== previewSequence) return; // a later preview is on its way
  if (response && response.ok && body && typeof body.html === "string") {
    el("model-editor-preview").innerHTML = body.html; // rendered and escaped by the server
    status.textContent = "";
    root.dataset.preview = String(sequence);
  } else {
    status.textContent = (body && body.error) || "The preview could not be shown.";
    showJsonError((body && body.error) || null);
  }
}

function onTextInput() {
  if (!(state.active instanceof TextFile)) return;
  state.active.text = el("model-editor-text").value;
  updateDirty();
  if (state.active.kind === "form") schedulePreview();
}

// ---- server -------------------------------------------------------------------------------------

async function post(url, body) {
  try {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": data.csrf_token },
      body: JSON.stringify(body),
    });
    let parsed = null;
    try {
      parsed = await response.json();
    } catch {
      parsed = null;
    }
    return { response, body: parsed };
  } catch (error) {
    return { response: null, body: { error: `The server could not be reached (${error.message}).` } };
  }
}

function showMessage(text, kind = "info") {
  const message = el("model-editor-message");
  message.textContent = text;
  message.className = `govuk-body nrm-editor__message nrm-editor__message--${kind}`;
}

function setBusy(busy) {
  state.busy = busy;
  for (const button of document.querySelectorAll(".nrm-editor__action")) {
    button.disabled = busy;
    if (busy) button.setAttribute("aria-disabled", "true");
    else button.removeAttribute("aria-disabled");
  }
}

async function exclusive(action) {
  if (state.busy) return false;
  setBusy(true);
  try {
    return await action();
  } finally {
    setBusy(false);
  }
}

function httpError(response, body, doing) {
  if (body && body.error) return body.error;
  if (!response) return `${doing} failed.`;
  if (response.status === 403) return `You are not allowed to do this (${doing.toLowerCase()}).`;
  return `${doing} failed (HTTP ${response.status}).`;
}

async function saveNow() {
  flushPendingInputs();
  if (state.active instanceof TextFile) state.active.text = el("model-editor-text").value;
  const payload = {};
  const changed = [];
  for (const file of files.values()) {
    if (file.isDirty()) {
      payload[file.path] = await file.exportText();
      changed.push(file.path);
    } else {
      payload[file.path] = file.saved;
    }
  }
  const { response, body } = await post(data.urls.save, { files: payload, version: state.version });
  if (response && response.ok && body && Number.isInteger(body.version)) {
    state.version = body.version;
    root.dataset.version = String(body.version);
    for (const path of changed) files.get(path).markSaved(payload[path]);
    updateDirty();
    root.dataset.status = "saved";
    showMessage(changed.length ? `Draft saved: ${changed.join(", ")}.` : "Draft saved (no files had changed).", "success");
    return true;
  }
  root.dataset.status = "error";
  if (response && response.status === 409) {
    showMessage(`${httpError(response, body, "Saving")} Someone else has saved this draft since you opened it: copy your changes, then reload the page.`, "error");
  } else {
    showMessage(httpError(response, body, "Saving"), "error");
  }
  return false;
}

async function saveIfDirty() {
  flushPendingInputs();
  if (state.active instanceof TextFile) state.active.text = el("model-editor-text").value;
  return dirtyFiles().length ? saveNow() : true;
}

function save() {
  return exclusive(saveNow);
}

function validate() {
  return exclusive(async () => {
    if (!(await saveIfDirty())) return false;
    showMessage("Checking the model…");
    const { response, body } = await post(data.urls.validate, {});
    if (!response || !response.ok || !body || !Array.isArray(body.findings)) {
      root.dataset.status = "error";
      showMessage(httpError(response, body, "Checking the model"), "error");
      return false;
    }
    showFindings(body.findings);
    root.dataset.status = body.ok ? "valid" : "invalid";
    const warnings = body.findings.filter((f) => f.severity === "warning").length;
    showMessage(
      body.ok
        ? `The model is valid${warnings ? ` (${warnings} warning${warnings === 1 ? "" : "s"})` : ""}.`
        : "The model has problems: see the list below.",
      body.ok ? "success" : "error",
    );
    return body.ok;
  });
}

function deploy() {
  return exclusive(async () => {
    if (!(await saveIfDirty())) return false;
    showMessage("Deploying…");
    const { response, body } = await post(data.urls.deploy, {});
    if (response && response.status === 422 && body && Array.isArray(body.findings)) {
      showFindings(body.findings);
      root.dataset.status = "invalid";
      showMessage("Not deployed: the model has problems (see the list below).", "error");
      return false;
    }
    if (!response || !response.ok || !body || !body.deployment) {
      root.dataset.status = "error";
      showMessage(httpError(response, body, "Deploying"), "error");
      return false;
    }
    showFindings(body.findings || []);
    const { deployment } = body;
    root.dataset.status = deployment.created ? "deployed" : "deploy-unchanged";
    root.dataset.deployedVersion = String(deployment.version);
    showMessage(
      deployment.created
        ? `Deployed ${deployment.process_id} version ${deployment.version}.`
        : `Nothing changed: ${deployment.process_id} version ${deployment.version} is already deployed with this content.`,
      "success",
    );
    return true;
  });
}

// ---- findings ---------------------------------------------------------------------------------

function findingLink(finding) {
  const where = finding.element_id ? `${finding.file}, ${finding.element_id}` : finding.file || "the model";
  const link = make("a", { href: "#model-editor-workspace", class: "govuk-link nrm-editor__finding", "data-file": finding.file || "", "data-element": finding.element_id || "" }, [
    make("span", { class: "nrm-editor__finding-where", text: `${where}: ` }),
    make("span", { text: finding.message }),
  ]);
  link.addEventListener("click", (event) => {
    event.preventDefault();
    if (finding.file && files.has(finding.file)) open(finding.file, finding.element_id || null);
  });
  return link;
}

function showFindings(findings) {
  state.findings = findings;
  const report = el("model-editor-report");
  report.replaceChildren();
  for (const file of files.values()) {
    file.findingsStale = false;
    file.clearMarkers();
  }
  const errors = findings.filter((f) => f.severity !== "warning");
  const warnings = findings.filter((f) => f.severity === "warning");
  if (errors.length) {
    const summary = make("div", { class: "govuk-error-summary", "data-module": "govuk-error-summary", tabIndex: -1 }, [
      make("div", { role: "alert" }, [
        make("h2", { class: "govuk-error-summary__title", text: `There ${errors.length === 1 ? "is a problem" : `are ${errors.length} problems`} with the model` }),
        make("div", { class: "govuk-error-summary__body" }, [
          make("ul", { class: "govuk-list govuk-error-summary__list" }, errors.map((f) => make("li", {}, findingLink(f)))),
        ]),
      ]),
    ]);
    report.append(summary);
    summary.focus();
  }
  if (warnings.length) {
    report.append(
      make("div", { class: "nrm-editor__warnings" }, [
        make("h2", { class: "govuk-heading-s", text: `${warnings.length} warning${warnings.length === 1 ? "" : "s"}` }),
        make("ul", { class: "govuk-list govuk-list--bullet" }, warnings.map((f) => make("li", {}, findingLink(f)))),
      ]),
    );
  }
  if (!findings.length) report.append(make("p", { class: "govuk-body nrm-editor__no-findings", text: "No problems found." }));
  if (state.active) state.active.applyMarkers(findings);
}

// ---- start ------------------------------------------------------------------------------------

renderFileList();
updateDirty();
el("model-editor-text").addEventListener("input", onTextInput);
el("model-editor-save").addEventListener("click", () => save());
el("model-editor-validate").addEventListener("click", () => validate());
const deployButton = el("model-editor-deploy");
if (deployButton) {
  if (data.can_deploy) deployButton.addEventListener("click", () => deploy());
  else deployButton.remove();
}
window.addEventListener("beforeunload", (event) => {
  if (dirtyFiles().length) event.preventDefault();
});

window.nrmEditor = {
  get modeler() {
    const file = state.active instanceof BpmnFile ? state.active : [...files.values()].find((f) => f instanceof BpmnFile && f.modeler);
    return file ? file.modeler : null;
  },
  get dmnModeler() {
    const file = state.active instanceof DmnFile ? state.active : [...files.values()].find((f) => f instanceof DmnFile && f.modeler);
    return file ? file.modeler : null;
  },
  get active() {
    return state.active ? state.active.path : null;
  },
  get version() {
    return state.version;
  },
  files,
  open,
  save,
  validate,
  deploy,
  dirtyFiles,
  showFindings,
};

const first = [...files.values()].filter((f) => f.kind === "bpmn").map((f) => f.path).sort()[0] || [...files.keys()].sort()[0];
if (first) open(first);
else root.dataset.ready = "true";
