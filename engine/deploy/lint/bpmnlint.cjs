// bpmnlint's recommended rules over BPMN files: stdin is {"path": xml, ...}; stdout is JSON
// {"path": [{"id": element id, "message": text, "category": "error" | "warn", "rule": name}]}.
// Called by engine/deploy/model_lint.py; the packages come from the project's node_modules (npm ci).
const { Linter } = require("bpmnlint");
const NodeResolver = require("bpmnlint/lib/resolver/node-resolver");
const { BpmnModdle } = require("bpmn-moddle");

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const files = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const out = {};
  for (const [path, xml] of Object.entries(files)) {
    // A linter per file: rules keep state between the checks of one run (no-duplicate-sequence-flows
    // remembers every flow it saw), so one linter would see two files' flows begin→end as duplicates.
    const linter = new Linter({ config: { extends: "bpmnlint:recommended" }, resolver: new NodeResolver() });
    const { rootElement } = await new BpmnModdle().fromXML(xml);
    const reports = await linter.lint(rootElement);
    out[path] = [];
    for (const [rule, items] of Object.entries(reports)) {
      for (const item of items) {
        out[path].push({ id: item.id || null, message: item.message, category: item.category, rule });
      }
    }
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((error) => {
  process.stderr.write(String(error && error.message ? error.message : error));
  process.exit(2);
});
