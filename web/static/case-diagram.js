// The case page's diagram: bpmn-js (npm, served locally) draws the process; each element is
// marked done, waiting for a person or waiting for a date; waiting timers show their due date.
const container = document.getElementById("case-diagram");
const data = JSON.parse(document.getElementById("case-diagram-data").textContent);
const viewer = new window.BpmnJS({ container });

async function show(processId) {
  await viewer.importXML(data.diagrams[processId]);
  const canvas = viewer.get("canvas");
  const registry = viewer.get("elementRegistry");
  const overlays = viewer.get("overlays");
  const states = data.states[processId] || {};
  for (const [elementId, state] of Object.entries(states)) {
    if (registry.get(elementId)) canvas.addMarker(elementId, `nrm-state--${state}`);
  }
  for (const [elementId, due] of Object.entries(data.labels)) {
    if (!registry.get(elementId)) continue;
    const label = document.createElement("div");
    label.className = "nrm-timer-due";
    label.textContent = due;
    overlays.add(elementId, { position: { bottom: 4, left: -20 }, html: label });
  }
  canvas.zoom("fit-viewport");
  container.dataset.shown = processId;
  container.dataset.marked = Object.keys(states).filter((id) => registry.get(id)).sort().join(" ");
}

for (const button of document.querySelectorAll(".nrm-diagram-choice")) {
  button.addEventListener("click", () => show(button.dataset.process));
}
show(container.dataset.main);
